"""Configuration: FLASK_ENV selects the class; production refuses to start without its settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app import config as config_module
from app import create_app
from app.config import BASE_DIR, Config, ConfigError, DevelopmentConfig, ProductionConfig, StagingConfig, load_config

# The environment is a process boundary: the tests set it, not the code. Only what a process needs to run is kept.
KEEP = {"PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ", "PYTHONPATH", "VIRTUAL_ENV"}
# With nothing set: the database, a backend (local by default, which signs with SECRET_KEY) and the JWT key.
PRODUCTION_BASE = ("DATABASE_URL", "SECRET_KEY", "STORAGE_BACKEND")
MINIO = ("MINIO_ENDPOINT", "MINIO_ACCESS_KEY", "MINIO_SECRET_KEY")
# The platform's staging environment, exactly (issue 9): no SECRET_KEY, STORAGE_BACKEND or PROJECT_SERVICE_URL.
PLATFORM_STAGING = {
    "FLASK_ENV": "staging",
    "DATABASE_URL": "postgresql://storage:storage@postgres:5432/storage",
    "JWT_SECRET": "platform-jwt-secret-0123456789abcdef",
    "MINIO_ENDPOINT": "minio:9000",
    "MINIO_ACCESS_KEY": "minioadmin",
    "MINIO_SECRET_KEY": "minioadmin",
    "MINIO_SECURE": "false",
    "MINIO_BUCKET_NAME": "staging-storage",
    "WAIT_FOR_DB": "true",
    "RUN_MIGRATIONS": "true",
    "LOG_LEVEL": "DEBUG",
}


@pytest.fixture
def env(monkeypatch):
    """An environment with none of the service's settings; restored afterwards (also what `.env.*` may load)."""
    saved = dict(os.environ)
    for name in list(os.environ):
        if name not in KEEP and not name.startswith("PYTEST_"):
            monkeypatch.delenv(name)
    yield monkeypatch
    os.environ.clear()
    os.environ.update(saved)


def _set(env, **values):
    for name, value in values.items():
        env.setenv(name, value)


def _production(env, **extra):
    values = {
        "DATABASE_URL": "postgresql://storage@db.internal/storage",
        "SECRET_KEY": "prod-secret-key-value",
        "STORAGE_BACKEND": "local",
        "PROJECT_SERVICE_URL": "http://projects.internal",
        "JWT_SECRET": "prod-jwt-secret-value-0123456789abcdef",
    }
    _set(env, **{**values, **extra})


# --- class selection --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "cls"),
    [("development", DevelopmentConfig), ("testing", config_module.TestingConfig)],
)
def test_flask_env_selects_the_class(env, name, cls):
    env.setenv("FLASK_ENV", name)
    config = load_config()
    assert type(config) is cls
    assert name == config.ENV_NAME


def test_flask_env_production_selects_production(env):
    _production(env, FLASK_ENV="production")
    assert type(load_config()) is ProductionConfig


def test_staging_selects_staging_and_requires_what_production_requires(env):
    env.setenv("FLASK_ENV", "staging")
    with pytest.raises(ConfigError) as raised:
        load_config()
    assert "DATABASE_URL" in str(raised.value)
    _production(env, FLASK_ENV="staging")
    assert type(load_config()) is StagingConfig


def test_default_is_development(env):
    assert type(load_config()) is DevelopmentConfig


def test_config_name_wins_over_flask_env(env):
    env.setenv("FLASK_ENV", "staging")
    assert type(load_config("testing")) is config_module.TestingConfig


def test_unknown_flask_env(env):
    env.setenv("FLASK_ENV", "prod")
    with pytest.raises(ConfigError) as raised:
        load_config()
    assert "prod" in str(raised.value)


def test_testing_sets_testing(env):
    assert load_config("testing").TESTING is True


def test_create_app_follows_flask_env(env, tmp_path):
    _production(env, FLASK_ENV="staging")
    app = create_app(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'storage.db'}", LOCAL_STORAGE_PATH=str(tmp_path / "objects")
    )
    assert app.config["ENV_NAME"] == "staging"
    response = app.test_client().get("/version")
    assert response.status_code == 200
    assert response.get_json()["version"] == app.config["SERVICE_VERSION"]


def test_create_app_keyword_overrides_win(env, tmp_path):
    env.setenv("MAX_UPLOAD_SIZE", "100")
    app = create_app(
        "testing",
        MAX_UPLOAD_SIZE=200,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'storage.db'}",
        LOCAL_STORAGE_PATH=str(tmp_path / "objects"),
    )
    assert app.config["MAX_UPLOAD_SIZE"] == 200


# --- production -------------------------------------------------------------------------------------------------


def test_production_with_nothing_set_names_every_missing_variable(env):
    with pytest.raises(ConfigError) as raised:
        load_config("production")
    message = str(raised.value)
    for name in (*PRODUCTION_BASE, "JWT_SECRET"):
        assert name in message


def test_create_app_refuses_production_with_nothing_set(env):
    env.setenv("FLASK_ENV", "production")
    with pytest.raises(ConfigError) as raised:
        create_app()
    for name in (*PRODUCTION_BASE, "JWT_SECRET"):
        assert name in str(raised.value)


def test_production_with_minio_names_the_minio_settings(env):
    env.setenv("STORAGE_BACKEND", "minio")
    with pytest.raises(ConfigError) as raised:
        load_config("production")
    named = set(str(raised.value).partition(": ")[2].split(", "))
    assert named == {"DATABASE_URL", "JWT_SECRET", *MINIO}  # not SECRET_KEY (unused by minio) nor the optional ones


def test_production_with_an_asymmetric_algorithm_needs_the_public_key(env):
    env.setenv("JWT_ALGORITHMS", "RS256")
    with pytest.raises(ConfigError) as raised:
        load_config("production")
    assert "JWT_PUBLIC_KEY" in str(raised.value)
    assert "JWT_SECRET" not in str(raised.value)


def test_production_names_only_what_is_missing(env):
    _set(env, DATABASE_URL="postgresql://storage@db.internal/storage", JWT_SECRET="x" * 40)
    with pytest.raises(ConfigError) as raised:
        load_config("production")
    message = str(raised.value)
    for name in ("SECRET_KEY", "STORAGE_BACKEND"):
        assert name in message
    assert "DATABASE_URL" not in message
    assert "JWT_SECRET" not in message
    assert "PROJECT_SERVICE_URL" not in message


def test_production_with_everything_set(env):
    _production(env)
    config = load_config("production")
    assert config.SQLALCHEMY_DATABASE_URI.endswith("://storage@db.internal/storage")
    assert config.JWT_SECRET == "prod-jwt-secret-value-0123456789abcdef"
    assert config.PROJECT_SERVICE_URL == "http://projects.internal"


def test_production_with_minio_fully_set(env):
    _production(
        env,
        STORAGE_BACKEND="minio",
        MINIO_ENDPOINT="s3.internal:9000",
        MINIO_ACCESS_KEY="ak",
        MINIO_SECRET_KEY="sk",
        MINIO_PUBLIC_ENDPOINT="https://files.example.com",
    )
    config = load_config("production")
    assert config.STORAGE_BACKEND == "minio"
    assert config.MINIO_PUBLIC_ENDPOINT == "https://files.example.com"


def test_empty_value_counts_as_missing(env):
    _production(env, SECRET_KEY="")
    with pytest.raises(ConfigError) as raised:
        load_config("production")
    assert "SECRET_KEY" in str(raised.value)


# --- development defaults ---------------------------------------------------------------------------------------


def test_development_with_nothing_set_uses_sqlite_under_instance_and_local_storage(env):
    config = load_config("development")
    uri = config.SQLALCHEMY_DATABASE_URI
    assert uri.startswith("sqlite:///")
    assert Path(uri.removeprefix("sqlite:///")).parent == BASE_DIR / "instance"
    assert config.STORAGE_BACKEND == "local"
    assert Path(config.LOCAL_STORAGE_PATH).is_relative_to(BASE_DIR / "instance")
    assert config.PROJECT_SERVICE_URL is None


def test_development_defaults(env):
    config = load_config("development")
    assert config.JWT_ALGORITHMS == ["HS256"]
    assert config.JWT_COOKIE_NAME == "access_token"
    assert config.JWT_ROLES_CLAIM == "roles"
    assert config.ADMIN_ROLE == "admin"
    assert config.INTERNAL_SERVICE_TOKEN is None
    assert config.PROJECT_SERVICE_TIMEOUT == 2.0


# --- values -----------------------------------------------------------------------------------------------------


def test_leeway_is_at_most_60_seconds(env):
    env.setenv("JWT_LEEWAY", "3600")
    assert load_config("testing").JWT_LEEWAY == 60
    env.setenv("JWT_LEEWAY", "30")
    assert load_config("testing").JWT_LEEWAY == 30


def test_public_endpoint_defaults_to_the_internal_one(env):
    _set(env, MINIO_ENDPOINT="s3.internal:9000", MINIO_SECURE="true")
    assert load_config("testing").MINIO_PUBLIC_ENDPOINT == "https://s3.internal:9000"
    env.setenv("MINIO_SECURE", "false")
    assert load_config("testing").MINIO_PUBLIC_ENDPOINT == "http://s3.internal:9000"


def test_lists_and_numbers(env):
    _set(
        env,
        CORS_ORIGINS="https://a.example, https://b.example,",
        ALLOWED_MIME_TYPES="image/png,application/pdf",
        JWT_ALGORITHMS="RS256,ES256",
        MAX_UPLOAD_SIZE="1048576",
        LOCK_DEFAULT_TTL="120",
        PRESIGN_MAX_EXPIRY="600",
    )
    config = load_config("testing")
    assert config.CORS_ORIGINS == ["https://a.example", "https://b.example"]
    assert config.ALLOWED_MIME_TYPES == ["image/png", "application/pdf"]
    assert config.JWT_ALGORITHMS == ["RS256", "ES256"]
    assert config.MAX_UPLOAD_SIZE == 1048576
    assert config.LOCK_DEFAULT_TTL == 120
    assert config.PRESIGN_MAX_EXPIRY == 600


def test_settings_are_read_at_load_time(env):
    env.setenv("SERVICE_VERSION", "9.9.9")
    assert load_config("testing").SERVICE_VERSION == "9.9.9"
    env.setenv("SERVICE_VERSION", "9.9.10")
    assert load_config("testing").SERVICE_VERSION == "9.9.10"


# --- the platform's staging environment (issue 9) and what production really needs -----------------------------


def test_platform_staging_environment_loads(env):
    _set(env, **PLATFORM_STAGING)
    config = load_config()
    assert type(config) is StagingConfig
    assert config.STORAGE_BACKEND == "minio"  # follows from MINIO_ENDPOINT
    assert config.BUCKET_USERS == config.BUCKET_COMPANIES == config.BUCKET_PROJECTS == "staging-storage"
    assert config.MINIO_PUBLIC_ENDPOINT == "http://minio:9000"
    assert config.PROJECT_SERVICE_URL is None
    assert config.LOG_LEVEL == "DEBUG"


def test_platform_staging_secret_key_is_random_not_the_development_default(env):
    _set(env, **PLATFORM_STAGING)
    first, second = load_config().SECRET_KEY, load_config().SECRET_KEY
    assert first != Config().SECRET_KEY and first != second and len(first) >= 64


def test_platform_staging_app_starts_and_warns_about_the_project_service(env, tmp_path, caplog):
    _set(env, **PLATFORM_STAGING)
    with caplog.at_level("WARNING"):
        app = create_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'storage.db'}")
    assert app.extensions["object_store"].buckets == ["staging-storage"]
    assert app.extensions["project_client"] is None
    assert any("PROJECT_SERVICE_URL" in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)


def test_per_bucket_names_win_over_the_shared_bucket(env):
    _set(env, MINIO_BUCKET_NAME="shared", BUCKET_PROJECTS="projects-only")
    config = load_config("testing")
    assert (config.BUCKET_USERS, config.BUCKET_COMPANIES, config.BUCKET_PROJECTS) == (
        "shared",
        "shared",
        "projects-only",
    )


def test_backend_follows_minio_endpoint_unless_named(env):
    assert load_config("testing").STORAGE_BACKEND == "local"
    env.setenv("MINIO_ENDPOINT", "s3.internal:9000")
    assert load_config("testing").STORAGE_BACKEND == "minio"
    env.setenv("STORAGE_BACKEND", "local")
    assert load_config("testing").STORAGE_BACKEND == "local"


def test_production_with_the_local_backend_requires_secret_key(env):
    _production(env, SECRET_KEY="")
    with pytest.raises(ConfigError) as raised:
        load_config("production")
    assert "SECRET_KEY" in str(raised.value)


@pytest.mark.parametrize("name", ["staging", "production"])
def test_short_hmac_secret_refused(env, name):
    _production(env, JWT_SECRET="x" * 31)
    with pytest.raises(ConfigError) as raised:
        load_config(name)
    assert "JWT_SECRET" in str(raised.value) and "32 bytes" in str(raised.value)
    env.setenv("JWT_SECRET", "x" * 32)
    assert load_config(name).JWT_SECRET == "x" * 32


def test_short_hmac_secret_counts_bytes_not_characters(env):
    _production(env, JWT_SECRET="é" * 16)  # 16 characters, 32 bytes in UTF-8
    assert load_config("production").JWT_SECRET == "é" * 16


def test_short_secret_is_irrelevant_with_a_public_key(env):
    _production(env, JWT_SECRET="short", JWT_ALGORITHMS="RS256", JWT_PUBLIC_KEY="-----BEGIN PUBLIC KEY-----")
    assert load_config("production").JWT_ALGORITHMS == ["RS256"]


def test_short_secret_allowed_in_development(env):
    env.setenv("JWT_SECRET", "short")
    assert load_config("development").JWT_SECRET == "short"


def test_metrics_default_off_in_production_unless_a_token_or_asked(env):
    _production(env)
    assert load_config("production").METRICS_ENABLED is False
    assert load_config("development").METRICS_ENABLED is True
    env.setenv("METRICS_TOKEN", "scrape-token-0123456789")
    assert load_config("production").METRICS_ENABLED is True
    env.setenv("METRICS_ENABLED", "false")
    assert load_config("production").METRICS_ENABLED is False
    env.delenv("METRICS_TOKEN")
    env.setenv("METRICS_ENABLED", "true")
    assert load_config("staging").METRICS_ENABLED is True


def test_public_base_url_and_trusted_proxies_default_unset(env):
    config = load_config("development")
    assert config.PUBLIC_BASE_URL is None
    assert config.TRUSTED_PROXY_COUNT == 0
