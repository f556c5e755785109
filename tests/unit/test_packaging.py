"""Docker, Compose, env.example, gunicorn and Makefile agree with app/config.py (parsed; no Docker needed)."""

from __future__ import annotations

import ast
import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
READERS = {"_env", "_bool", "_int", "_float", "_list", "_base_url"}
# Read by gunicorn.conf.py, run.py, the flask CLI, prometheus_client or the image's entrypoint, not by the
# application's settings.
PROCESS_VARS = {
    "PORT",
    "HOST",
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "GUNICORN_CMD_ARGS",
    "FORWARDED_ALLOW_IPS",
    "PROMETHEUS_MULTIPROC_DIR",
    "FLASK_APP",
    "WAIT_FOR_DB",
    "WAIT_FOR_DB_TIMEOUT",
    "RUN_MIGRATIONS",
    "CREATE_BUCKETS",
}
IMAGE_VARS = {
    "PATH",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONUNBUFFERED",
    "PIP_NO_CACHE_DIR",
    "PIP_DISABLE_PIP_VERSION_CHECK",
}
RUNTIME_FILES = {
    "app/",
    "migrations/",
    "wsgi.py",
    "requirements.txt",
    "gunicorn.conf.py",
    "scripts/docker-entrypoint.sh",
}
# MinIO removed these from Docker Hub in September 2026: pulling them fails for every new user.
REMOVED_IMAGES = {"minio/minio", "minio/mc"}


def _environ_names(path: Path, readers: set[str]) -> set[str]:
    """String constants passed as the first argument to `readers` or to os.environ.get / setdefault."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call) or not node.args or not isinstance(node.args[0], ast.Constant):
            continue
        func = node.func
        by_helper = isinstance(func, ast.Name) and func.id in readers
        by_environ = (
            isinstance(func, ast.Attribute)
            and func.attr in {"get", "setdefault"}
            and isinstance(func.value, ast.Attribute)
            and func.value.attr == "environ"
        )
        if by_helper or by_environ:
            names.add(node.args[0].value)
    return names


CONFIG_VARS = _environ_names(ROOT / "app" / "config.py", READERS)


def _env_example() -> tuple[dict[str, str], set[str]]:
    """Active `NAME=value` lines, and names only mentioned in commented-out `# NAME=` lines."""
    active, commented = {}, set()
    for line in (ROOT / "env.example").read_text().splitlines():
        if match := re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line):
            active[match[1]] = match[2]
        elif match := re.fullmatch(r"#\s*([A-Z][A-Z0-9_]*)=.*", line):
            commented.add(match[1])
    return active, commented


def _compose(name: str) -> dict:
    return yaml.safe_load((ROOT / name).read_text())


def _storage_services(compose: dict) -> dict[str, dict]:
    """Services that run the application image (built from this repository, not its test stage)."""
    services = {}
    for name, service in compose["services"].items():
        build = service.get("build")
        target = build.get("target") if isinstance(build, dict) else None
        if (build is not None and target != "test") or str(service.get("image", "")).startswith("storage-service"):
            services[name] = service
    return services


def _resolve(value) -> str:
    """Compose interpolation with defaults only: ${NAME:-default} -> default, ${NAME} -> ""."""
    return re.sub(r"\$\{[A-Z0-9_]+(?::?-([^}]*))?\}", lambda m: m[1] or "", str(value))


def _dockerfile_stages() -> list[list[tuple[str, str]]]:
    """Instructions (keyword, arguments) per stage, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    stages: list[list[tuple[str, str]]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, args = line.partition(" ")
        if keyword.upper() == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((keyword.upper(), args.strip()))
    return stages


def _stage_name(stage: list[tuple[str, str]]) -> str:
    parts = stage[0][1].split()
    return parts[-1] if len(parts) >= 3 and parts[-2].upper() == "AS" else ""


def _built_stage(name: str) -> list[tuple[str, str]]:
    """The instructions that make stage `name`: those of the stages it is built FROM, then its own."""
    stages = {_stage_name(stage): stage for stage in _dockerfile_stages()}
    stage = stages[name]
    parent = stage[0][1].split()[0]
    return (_built_stage(parent) if parent in stages else []) + stage[1:]


def _image_repository(image: str) -> tuple[str, str]:
    """(registry, repository) of an image reference; Docker Hub is "docker.io" and its official images "library/"."""
    name = image.split("@")[0]
    name = name.rsplit(":", 1)[0] if ":" in name.rsplit("/", 1)[-1] else name
    first, _, rest = name.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        registry, repository = first, rest
    else:
        registry, repository = "docker.io", name
    if registry in {"docker.io", "index.docker.io", "registry-1.docker.io"}:
        registry = "docker.io"
        repository = repository if "/" in repository else f"library/{repository}"
    return registry, repository


def test_config_reads_settings():
    assert {"DATABASE_URL", "SECRET_KEY", "MINIO_PUBLIC_ENDPOINT", "FLASK_ENV", "LOG_FORMAT"} <= CONFIG_VARS


def test_env_example_lists_every_setting_and_nothing_else():
    active, commented = _env_example()
    assert sorted(CONFIG_VARS - set(active)) == [], "settings missing from env.example"
    assert sorted(set(active) - CONFIG_VARS) == [], "env.example sets names app/config.py never reads"
    assert commented <= PROCESS_VARS


def test_env_example_defaults_match_config(monkeypatch, tmp_path):
    """Loading env.example as the environment gives the same configuration as no environment at all."""
    from app import config as config_module

    active, _ = _env_example()
    monkeypatch.setattr(config_module, "BASE_DIR", tmp_path)  # no .env.* file is picked up
    for name in CONFIG_VARS:
        monkeypatch.delenv(name, raising=False)
    defaults = vars(config_module.load_config("development"))
    for name, value in active.items():
        monkeypatch.setenv(name, value)
    from_example = vars(config_module.load_config("development"))
    assert from_example == defaults


@pytest.mark.parametrize("compose_file", ["docker-compose.yml", "docker-compose.test.yml"])
def test_compose_services_use_only_known_settings(compose_file):
    for name, service in _storage_services(_compose(compose_file)).items():
        unknown = set(service.get("environment") or {}) - CONFIG_VARS - PROCESS_VARS
        assert not unknown, f"{compose_file} service {name} sets unknown variables {sorted(unknown)}"


def test_compose_storage_settings_pass_the_production_checks(monkeypatch, tmp_path):
    """The development stack sets everything production requires, so it runs the real code paths."""
    from app import config as config_module

    monkeypatch.setattr(config_module, "BASE_DIR", tmp_path)
    for name in CONFIG_VARS:
        monkeypatch.delenv(name, raising=False)
    storage = _compose("docker-compose.yml")["services"]["storage"]
    for name, value in storage["environment"].items():
        monkeypatch.setenv(name, _resolve(value))
    config = config_module.load_config("production")
    assert config.STORAGE_BACKEND == "minio"
    assert config.MINIO_PUBLIC_ENDPOINT.startswith("http://localhost:")


def test_compose_dev_stack_wiring():
    compose = _compose("docker-compose.yml")
    services = compose["services"]
    assert {"postgres", "minio", "storage", "migrate", "storage-init", "project-service", "worker"} <= set(services)
    env = services["storage"]["environment"]
    assert _resolve(env["MINIO_ENDPOINT"]).split(":")[0] in services  # internal address: a compose service
    assert _resolve(env["PROJECT_SERVICE_URL"]).split("//")[1].split(":")[0] in services
    assert "@postgres:" in env["DATABASE_URL"]
    # Browser uploads are cross-origin requests to MinIO: it allows the same origins as the service.
    assert services["minio"]["environment"]["MINIO_API_CORS_ALLOW_ORIGIN"] == env["CORS_ORIGINS"]
    assert any("--console-address" in part for part in services["minio"]["command"])
    # Migrations are an explicit one-off step the service waits for; never part of the service's own command.
    assert services["migrate"]["command"] == ["flask", "db", "upgrade"]
    conditions = {name: dep["condition"] for name, dep in services["storage"]["depends_on"].items()}
    assert conditions["migrate"] == conditions["storage-init"] == "service_completed_successfully"
    assert conditions["project-service"] == conditions["minio"] == "service_healthy"
    for name in ("postgres", "minio", "project-service"):
        assert "healthcheck" in services[name], f"{name} has no health check"


@pytest.mark.parametrize("compose_file", ["docker-compose.yml", "docker-compose.test.yml"])
def test_compose_readiness_never_sleeps(compose_file):
    text = (ROOT / compose_file).read_text()
    assert not re.search(r"\bsleep\b", text)
    for name, service in _compose(compose_file)["services"].items():
        for dependency in (service.get("depends_on") or {}).values():
            assert dependency["condition"] in {"service_healthy", "service_completed_successfully"}, name


def test_compose_test_stack_uses_loopback_and_throwaway_data():
    services = _compose("docker-compose.test.yml")["services"]
    for name in ("postgres", "minio"):
        assert all(_resolve(port).startswith("127.0.0.1:") for port in services[name]["ports"])
        assert services[name]["tmpfs"], f"{name} keeps data after the run"
        assert "healthcheck" in services[name]


def test_dockerfile_runtime_stage():
    assert _stage_name(_dockerfile_stages()[-1]) == "runtime", "a plain `docker build` builds the runtime stage"
    runtime = _built_stage("runtime")
    instructions = [keyword for keyword, _ in runtime]
    users = [args for keyword, args in runtime if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}, "the image must run as a non-root user"
    assert instructions.index("USER") > max(i for i, k in enumerate(instructions) if k in {"COPY", "RUN"})
    healthcheck = " ".join(args for keyword, args in runtime if keyword == "HEALTHCHECK")
    assert "/health" in healthcheck
    copied = set()
    for keyword, args in runtime:
        if keyword == "COPY" and not args.startswith("--from"):
            copied.update(shlex.split(args)[:-1])
    assert copied <= RUNTIME_FILES and {"app/", "migrations/", "wsgi.py", "requirements.txt"} <= copied
    command = " ".join(args for keyword, args in runtime if keyword in {"CMD", "ENTRYPOINT"})
    assert "gunicorn" in command and "gunicorn.conf.py" in command
    assert "upgrade" not in command, "migrations are an explicit step, never part of every start"
    env_names = set()
    for keyword, args in runtime:
        if keyword == "ENV":
            env_names.update(re.findall(r"([A-Z_][A-Z0-9_]*)=", args))
    assert env_names <= CONFIG_VARS | PROCESS_VARS | IMAGE_VARS


def test_dockerfile_development_stage_for_the_platform():
    """The platform's compose builds `target: development`: the same server, entrypoint and port as runtime."""
    development, runtime = _built_stage("development"), _built_stage("runtime")
    for keyword in ("ENTRYPOINT", "CMD", "USER", "HEALTHCHECK", "EXPOSE"):
        assert [a for k, a in development if k == keyword] == [a for k, a in runtime if k == keyword], keyword


def test_image_listens_on_port_default_5000_through_the_entrypoint():
    runtime = _built_stage("runtime")
    env = " ".join(args for keyword, args in runtime if keyword == "ENV")
    assert re.search(r"\bPORT=5000\b", env)
    assert [args for keyword, args in runtime if keyword == "EXPOSE"][-1] == "5000"
    assert "docker-entrypoint.sh" in [args for keyword, args in runtime if keyword == "ENTRYPOINT"][-1]
    assert "os.environ.get('PORT', '5000')" in (ROOT / "gunicorn.conf.py").read_text()
    script = (ROOT / "scripts" / "docker-entrypoint.sh").read_text()
    assert script.rstrip().endswith('exec "$@"'), "the command must replace the shell (signals reach it)"
    for name in ("WAIT_FOR_DB", "RUN_MIGRATIONS", "CREATE_BUCKETS"):
        assert name in script


@pytest.mark.parametrize("compose_file", ["docker-compose.yml", "docker-compose.test.yml"])
def test_compose_images_still_exist(compose_file):
    images = [service["image"] for service in _compose(compose_file)["services"].values() if "image" in service]
    for image in images:
        registry, repository = _image_repository(image)
        assert not (registry == "docker.io" and repository in REMOVED_IMAGES), f"{image} was removed from Docker Hub"
        if repository in REMOVED_IMAGES:
            assert re.fullmatch(r"quay\.io/minio/(minio|mc):RELEASE\.[0-9T-]+Z", image), f"pin {image} to a release"
    assert any(_image_repository(image) == ("quay.io", "minio/minio") for image in images)


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("minio/minio:RELEASE.2025-04-22T22-12-26Z", ("docker.io", "minio/minio")),
        ("docker.io/minio/mc", ("docker.io", "minio/mc")),
        ("postgres:16-alpine", ("docker.io", "library/postgres")),
        ("quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z", ("quay.io", "minio/minio")),
        ("localhost:5000/minio/minio", ("localhost:5000", "minio/minio")),
    ],
)
def test_image_repository_parsing(image, expected):
    assert _image_repository(image) == expected


def test_docs_name_no_removed_image():
    for path in (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))):
        for match in re.finditer(r"(\S*)\bminio/(minio|mc)\b", path.read_text()):
            assert match[1].endswith("quay.io/"), f"{path.name}: {match[0]}"


def test_compose_worker_runs_the_worker_command():
    services = _compose("docker-compose.yml")["services"]
    worker, storage = services["worker"], services["storage"]
    assert worker["command"] == ["flask", "storage", "worker"]
    assert worker["environment"] == storage["environment"] and worker["image"] == storage["image"]
    conditions = {name: dep["condition"] for name, dep in worker["depends_on"].items()}
    assert conditions["migrate"] == "service_completed_successfully"


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", ".env", ".env.*", "instance"} <= ignored


def test_gunicorn_config():
    tree = ast.parse((ROOT / "gunicorn.conf.py").read_text())
    settings = {
        target.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert ast.literal_eval(settings["worker_class"]) == "gthread"
    assert ast.literal_eval(settings["control_socket_disable"]) is True
    assert ast.literal_eval(settings["timeout"]) >= 60
    assert {"on_starting", "child_exit"} <= {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    _, commented = _env_example()
    assert _environ_names(ROOT / "gunicorn.conf.py", set()) <= commented, "document gunicorn's variables"


def test_makefile_targets():
    targets = set(re.findall(r"^([a-z][a-z0-9-]*):", (ROOT / "Makefile").read_text(), re.MULTILINE))
    wanted = {
        "test-unit-coverage",
        "test-all",
        "test-integration-script",
        "test-integration-setup",
        "test-integration-teardown",
        "test-watch",
        "docker-build",
        "compose-up",
        "compose-down",
    }
    assert wanted <= targets


def test_operations_doc_lists_every_setting():
    text = (ROOT / "docs" / "operations.md").read_text()
    assert sorted(name for name in CONFIG_VARS | PROCESS_VARS if f"`{name}`" not in text) == []
