"""Schemathesis against the real app with a valid token: every operation, stateless and through OpenAPI links.

Every response is checked against the spec (status, media type, headers, body schema, the one error shape) and the
spec against the code (valid data accepted, invalid data refused). The last test prints the per-operation table and
fails on any 5xx, any violation, or an operation that never answered 2xx.

FUZZ_EXAMPLES: generated examples per operation and number of stateful scenarios (default 25).
FUZZ_COVERAGE: "positive" (default: every boundary and enum value the spec allows), "full" (also every way to break
each constraint, and undeclared methods) or "off". FUZZ_BACKEND=minio runs on SeaweedFS instead of the local store.
FUZZ_LOG=<file> writes one line per request and response.
"""

import os

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.errors import Flaky
from schemathesis.engine.errors import is_inconsistent_replay

from tests.support.fuzz_report import FuzzReport
from tests.support.fuzz_spec import load_schema, render_spec

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
STATEFUL_STEPS = 12
STATEFUL = {"deadline": None, "phases": [Phase.generate], "suppress_health_check": list(HealthCheck)}
SPEC = render_spec()
schema = load_schema(SPEC, coverage=os.environ.get("FUZZ_COVERAGE", "positive"))
OPERATIONS = [result.ok().label for result in schema.get_all_operations()]


@pytest.fixture(scope="module")
def fuzz_report():
    return FuzzReport(SPEC, OPERATIONS, log_path=os.environ.get("FUZZ_LOG"))


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_operation(case, fuzz_app, fuzz_world, fuzz_report):
    steered = fuzz_world.steer(case)
    response = case.call(app=fuzz_app, headers=fuzz_world.headers_for(case))
    fuzz_report.record(case, response, phase="stateless", steered=steered)


def test_stateful_workflows(fuzz_app, fuzz_world, fuzz_report):
    """Scenarios chained by the links of tests/support/fuzz_spec.py: upload → metadata → lock → copy → commit → …"""

    machine = load_schema(SPEC, stateful=True).as_state_machine()
    # Scenarios must be able to start with an upload (see FILE_PRODUCERS in tests/support/fuzz_spec.py) and the
    # main chain must exist: upload → copy → commit → approve, presign → confirm.
    assert {"RANDOM__POST_upload_proxy", "RANDOM__POST_upload_presign"} <= machine.root_rules, machine.root_rules
    chain = {
        "POST_upload_proxy___201_Copy__POST_copy",
        "POST_copy___201_Commit__POST_versions_commit",
        "POST_versions_commit___201_Approve__POST_versions_version_id_approve",
        "POST_upload_presign___200_Confirm__POST_upload_confirm",
    }
    assert chain <= set(vars(machine)), chain - set(vars(machine))

    class Workflow(machine):
        def step(self, input):
            # A scenario's first call is generated at random: steer it like a stateless case; links steer the rest.
            self.steered = input.transition is None and fuzz_world.steer(input.case)
            if input.transition is not None and input.is_applied:
                fuzz_report.links[input.transition.id] += 1
            return super().step(input)

        def get_call_kwargs(self, case):
            return {"app": fuzz_app, "headers": fuzz_world.headers_for(case)}

        def after_call(self, response, case):
            super().after_call(response, case)
            fuzz_world.follow_presign(case, response)

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            fuzz_report.record(case, response, phase="stateful", steered=self.steered)

        def teardown(self):
            fuzz_report.scenarios += 1
            super().teardown()

    # The server's state changes which rules can run, so Hypothesis may find a replayed prefix drawing differently
    # and stop with Flaky (schemathesis' own runner ends the suite the same way). Scenarios run until then stand
    # and were checked; start again until the planned number has run.
    for _ in range(5):
        left = EXAMPLES - fuzz_report.scenarios
        if left <= 0:
            break
        try:
            Workflow.run(settings=settings(max_examples=left, stateful_step_count=STATEFUL_STEPS, **STATEFUL))
        except (Flaky, AssertionError) as exc:
            if not isinstance(exc, Flaky) and not is_inconsistent_replay(exc):  # an assertion of ours: a failure
                raise
            fuzz_report.restarts += 1
    assert fuzz_report.scenarios >= min(EXAMPLES, 5), f"only {fuzz_report.scenarios} scenarios ran"


def test_every_operation_reached_without_errors(fuzz_report, capsys):
    problems = fuzz_report.problems(("server error", "violation"))
    with capsys.disabled():
        print("\n\nFuzz report (gaps: the spec and the code disagree on what is valid)\n" + fuzz_report.table())
        print("\nStateful steps per link followed:\n" + (fuzz_report.followed_links() or "none"))
        print("\nSpec gaps by cause:\n" + (fuzz_report.grouped("spec gap") or "none"))
        for finding in problems:
            print(finding.render())
    assert not fuzz_report.unreached(), f"operations without a 2xx answer: {fuzz_report.unreached()}"
    assert not problems, f"{len(problems)} server errors or violations:\n" + "\n".join(
        p.render() for p in problems[:20]
    )
