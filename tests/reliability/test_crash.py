"""The crash check of scripts/crash_check.py, small: two crashes of each kind (SeaweedFS killed mid-upload, the
gunicorn worker killed mid-upload and mid-confirm); after gc and reconcile --fix nothing is left over and no client
was told an upload succeeded that is not there. The script runs it at full size (`--runs 10`) and prints the figures."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "crash_check.py"


def load_script():
    spec = importlib.util.spec_from_file_location("crash_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("crash_check", module)  # its dataclasses look their module up
    spec.loader.exec_module(sys.modules["crash_check"])
    return module


def test_crashes_mid_upload_leave_nothing_behind_after_gc_and_reconcile():
    crash_check = load_script()
    report = crash_check.run_check(runs=2, size_mib=24, seed=20261202, log=lambda line: None)
    print("\n".join(report.lines()))
    assert len(report.answers) == 2 * len(crash_check.SCENARIOS)
    assert report.incomplete_before_gc > 0, "the crashes left no incomplete upload: the check proved nothing"
    assert "aborted incomplete uploads: " in report.maintenance_output
    assert report.rows_without_objects == []
    assert report.objects_without_rows == []
    assert report.incomplete_uploads == []
    assert report.false_successes == []
