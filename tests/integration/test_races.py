"""Races on real PostgreSQL through real HTTP: of concurrent lock / commit / approve-reject requests exactly one wins.

A few trials here; `scripts/race_check.py --trials 200` runs the same machinery many times and prints the figures.
"""

from __future__ import annotations

import pytest

from tests.support.races import ENGINE_OPTIONS, Races, ServedApp

TRIALS = 5


@pytest.fixture
def races(make_app, fake_projects):
    fake_projects.mode = "allow"  # every user is a member of the race project with every right
    # The database decides these races: the project-service cap must not refuse racers on a loaded machine.
    app = make_app("minio", SQLALCHEMY_ENGINE_OPTIONS=ENGINE_OPTIONS, PROJECT_SERVICE_MAX_CONCURRENCY=64)
    with ServedApp(app) as served:
        yield Races(served.url)


@pytest.mark.parametrize(("name", "concurrency"), [("lock", 32), ("commit", 32), ("decision", 8)])
def test_exactly_one_winner_in_every_trial(races, name, concurrency, capsys):
    report = races.run(name, TRIALS, concurrency)
    with capsys.disabled():
        print(f"\n{report.line()}")
    assert [len(t.outcomes) for t in report.trials] == [concurrency] * TRIALS
    assert report.ok, "\n".join(report.failures())
