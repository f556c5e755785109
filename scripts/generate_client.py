"""Generate the typed Python client `clients/python/storage_client` from openapi.yml (openapi-python-client, pinned
in requirements-dev.txt), formatted by the pinned ruff; `--check` fails when the committed client differs.

Works offline and is deterministic: the same openapi.yml gives the same files byte for byte. Only the generated
package is replaced: the hand-written layer (clients/python/storage_client_ext), pyproject.toml and README stay.
"""

from __future__ import annotations

import argparse
import difflib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIENT = ROOT / "clients" / "python"
PACKAGE = "storage_client"
BIN = Path(sys.executable).parent


def generate(workdir: Path, spec: Path) -> Path:
    """The generated, formatted package in `workdir`."""
    out = workdir / "out"
    command = [str(BIN / "openapi-python-client"), "generate", "--path", str(spec)]
    command += ["--config", str(CLIENT / "generator.yml"), "--output-path", str(out)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    # What the generator's default post-hooks do, with the pinned ruff and the generated project's ruff settings.
    subprocess.run([str(BIN / "ruff"), "check", ".", "--fix-only", "--quiet"], cwd=out, check=True)
    subprocess.run([str(BIN / "ruff"), "format", ".", "--quiet"], cwd=out, check=True)
    return out / PACKAGE


def files_of(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def drift(expected: Path, actual: Path) -> list[str]:
    """Unified diffs (or notes for added / missing files) between the generated and the committed package."""
    want, have = files_of(expected), files_of(actual)
    lines: list[str] = []
    for name in sorted(want.keys() | have.keys()):
        if name not in have:
            lines.append(f"missing: {PACKAGE}/{name}")
        elif name not in want:
            lines.append(f"not generated any more: {PACKAGE}/{name}")
        elif want[name] != have[name]:
            lines += difflib.unified_diff(
                have[name].decode().splitlines(),
                want[name].decode().splitlines(),
                f"committed/{name}",
                f"generated/{name}",
                lineterm="",
            )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when clients/python differs from openapi.yml")
    parser.add_argument("--spec", type=Path, default=ROOT / "openapi.yml", help="the OpenAPI document")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="storage-client-") as workdir:
        generated = generate(Path(workdir), args.spec)
        target = CLIENT / PACKAGE
        if args.check:
            problems = drift(generated, target)
            if problems:
                print("\n".join(problems))
                print("clients/python/storage_client differs from openapi.yml: run `make client`", file=sys.stderr)
                return 1
            print("clients/python/storage_client matches openapi.yml")
            return 0
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(generated, target)
        print(f"generated {target.relative_to(ROOT)} from {args.spec.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
