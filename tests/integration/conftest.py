"""Fixtures shared by the integration tests (the suite-wide ones live in tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.support.files_api import use_rules


@pytest.fixture
def team(request, fake_projects):
    """The fake project service deciding from the test module's `TEAM` grants (see files_api.use_rules)."""
    use_rules(fake_projects, request.module.TEAM)
    return fake_projects
