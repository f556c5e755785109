"""The bucket access policy (contract §3) against a fake project service that really listens on 127.0.0.1."""

from __future__ import annotations

import pytest

from app.auth.access import AccessPolicy, Target
from app.auth.project_client import Decision, ProjectClient
from app.auth.tokens import Principal
from app.errors import AccessDenied, ProjectServiceUnavailable
from tests.support.fake_project_service import BATCH, SINGLE, FakeProjectService
from tests.support.tokens import make_token


@pytest.fixture(scope="module")
def service():
    with FakeProjectService() as fake:
        yield fake


@pytest.fixture
def fake(service):
    service.reset()
    yield service
    service.reset()


@pytest.fixture
def client(fake):
    project_client = ProjectClient(fake.live_url, timeout=2.0, retry_after=7)
    yield project_client
    project_client.close()


@pytest.fixture
def policy(client):
    return AccessPolicy(client, retry_after=7)


def principal(user_id="u1", company_id=None, *, admin=False) -> Principal:
    roles = ["admin"] if admin else []
    return Principal(
        user_id=user_id,
        company_id=company_id,
        roles=tuple(roles),
        is_admin=admin,
        token=make_token(user_id, company_id=company_id, roles=roles),
    )


# --- users and companies: decided locally -----------------------------------------------------------------------


@pytest.mark.parametrize("action", ["read", "write", "delete", "lock", "validate"])
def test_users_bucket_owner_only(policy, fake, action):
    assert policy.decide(principal("u1"), Target("users", "u1", "a.txt"), action).allowed is True
    assert policy.decide(principal("u1"), Target("users", "u2", "a.txt"), action).allowed is False
    assert policy.decide(principal("u1", "u2"), Target("users", "u2", "a.txt"), action).allowed is False
    assert fake.calls == []


def test_users_bucket_is_not_open_to_admins_by_role_alone(policy):
    """The admin role is for force-unlock (§3), not a key to every user's space."""
    assert policy.decide(principal("u9", admin=True), Target("users", "u1", "a.txt"), "read").allowed is False


@pytest.mark.parametrize("action", ["read", "write", "delete", "lock", "validate"])
def test_companies_bucket_by_company_id(policy, fake, action):
    assert policy.decide(principal("u1", "c1"), Target("companies", "c1", "a.txt"), action).allowed is True
    assert policy.decide(principal("u1", "c1"), Target("companies", "c2", "a.txt"), action).allowed is False
    assert fake.calls == []


def test_companies_bucket_without_company_claim(policy, fake):
    assert policy.decide(principal("u1"), Target("companies", "u1", "a.txt"), "read").allowed is False
    assert fake.calls == []


def test_companies_bucket_is_not_the_users_id(policy):
    assert policy.decide(principal("c1", "c2"), Target("companies", "c1", "a.txt"), "read").allowed is False


def test_require_raises_access_denied_with_the_target(policy):
    target = Target("users", "u2", "a.txt")
    with pytest.raises(AccessDenied) as raised:
        policy.require(principal("u1"), target, "write")
    assert raised.value.status == 403
    assert raised.value.code == "access_denied"
    assert raised.value.audit == (target, "write")


def test_require_returns_the_decision(policy):
    decision = policy.require(principal("u1"), Target("users", "u1", "a.txt"), "read")
    assert decision.allowed is True


# --- projects: asked of the project service ---------------------------------------------------------------------


@pytest.mark.parametrize("action", ["read", "write", "delete", "lock", "validate"])
def test_project_asked_with_the_action_and_the_jwt(policy, fake, action):
    caller = principal("u1")
    fake.mode = "rules"
    fake.rules = {("p1", "u1", action): (True, "member")}
    decision = policy.decide(caller, Target("projects", "p1", "docs/a.txt"), action)
    assert decision == Decision(True, "member", None)
    assert len(fake.calls) == 1
    call = fake.calls[0]
    assert call.path == SINGLE
    assert call.json == {"project_id": "p1", "action": action}
    assert call.headers["authorization"] == f"Bearer {caller.token}"
    assert f"access_token={caller.token}" in call.headers["cookie"]
    assert call.user_id == "u1"


def test_project_file_id_is_forwarded(policy, fake):
    policy.decide(principal("u1"), Target("projects", "p1", "a.txt", file_id="f-123"), "read")
    assert fake.calls[0].json == {"project_id": "p1", "action": "read", "file_id": "f-123"}


def test_project_denied(policy, fake):
    fake.mode = "rules"
    fake.rules = {("p1", "u1", "read"): True}
    decision = policy.decide(principal("u1"), Target("projects", "p1", "a.txt"), "write")
    assert decision.allowed is False
    with pytest.raises(AccessDenied):
        policy.require(principal("u1"), Target("projects", "p1", "a.txt"), "write")


def test_project_deny_mode_carries_the_reason(policy, fake):
    fake.mode = "deny"
    decision = policy.decide(principal("u1"), Target("projects", "p1", "a.txt"), "read")
    assert decision.allowed is False
    assert decision.reason


def test_project_decisions_are_not_cached(policy, fake):
    target = Target("projects", "p1", "a.txt")
    assert policy.decide(principal("u1"), target, "read").allowed is True
    fake.mode = "deny"
    assert policy.decide(principal("u1"), target, "read").allowed is False
    assert len(fake.calls) == 2


def test_each_callers_own_jwt_is_forwarded(policy, fake):
    fake.mode = "rules"
    fake.rules = {("p1", "u1", "read"): True}
    assert policy.decide(principal("u1"), Target("projects", "p1", "a.txt"), "read").allowed is True
    assert policy.decide(principal("u2"), Target("projects", "p1", "a.txt"), "read").allowed is False
    assert [c.user_id for c in fake.calls] == ["u1", "u2"]


@pytest.mark.parametrize("mode", ["error500", "garbage", "non_boolean", "missing_allowed", "refuse"])
def test_project_service_failure_is_unavailable(policy, fake, mode):
    fake.mode = mode
    target = Target("projects", "p1", "a.txt")
    with pytest.raises(ProjectServiceUnavailable) as raised:
        policy.decide(principal("u1"), target, "read")
    assert raised.value.status == 403
    assert raised.value.code == "project_service_unavailable"
    assert raised.value.headers["Retry-After"] == "7"
    with pytest.raises(ProjectServiceUnavailable) as raised:
        policy.require(principal("u1"), target, "read")
    assert raised.value.audit == (target, "read")


# --- batches ----------------------------------------------------------------------------------------------------


def test_decide_many_issues_one_batch_call(policy, fake):
    caller = principal("u1", "c1")
    fake.mode = "rules"
    fake.rules = {("p1", "u1", "read"): (True, "owner"), ("p3", "u1", "read"): (True, "viewer")}
    targets = [
        Target("projects", "p1", "a.txt", file_id="f1"),
        Target("users", "u1", "b.txt"),
        Target("projects", "p2", "c.txt"),
        Target("companies", "c2", "d.txt"),
        Target("projects", "p3", "e.txt", file_id="f3"),
        Target("companies", "c1", "f.txt"),
    ]
    decisions = policy.decide_many(caller, targets, "read")
    assert [d.allowed for d in decisions] == [True, True, False, False, True, True]
    assert decisions[0].role == "owner"
    assert decisions[4].role == "viewer"
    assert len(fake.calls) == 1
    call = fake.calls[0]
    assert call.path == BATCH
    assert call.json == {
        "checks": [
            {"project_id": "p1", "action": "read", "file_id": "f1"},
            {"project_id": "p2", "action": "read"},
            {"project_id": "p3", "action": "read", "file_id": "f3"},
        ]
    }
    assert call.headers["authorization"] == f"Bearer {caller.token}"


def test_decide_many_with_many_projects_is_still_one_call(policy, fake):
    targets = [Target("projects", f"p{i}", "a.txt") for i in range(50)]
    decisions = policy.decide_many(principal("u1"), targets, "read")
    assert all(d.allowed for d in decisions)
    assert len(fake.calls) == 1
    assert len(fake.calls[0].json["checks"]) == 50


def test_decide_many_without_project_targets_makes_no_call(policy, fake):
    decisions = policy.decide_many(principal("u1", "c1"), [Target("users", "u1"), Target("companies", "c1")], "read")
    assert [d.allowed for d in decisions] == [True, True]
    assert fake.calls == []


def test_decide_many_with_nothing(policy, fake):
    assert policy.decide_many(principal("u1"), [], "read") == []
    assert fake.calls == []


@pytest.mark.parametrize("mode", ["short_batch", "reorder_batch", "error500", "garbage", "non_boolean"])
def test_decide_many_bad_batch_answer_is_unavailable(policy, fake, mode):
    fake.mode = mode
    targets = [Target("projects", "p1", "a.txt"), Target("projects", "p2", "b.txt")]
    with pytest.raises(ProjectServiceUnavailable):
        policy.decide_many(principal("u1"), targets, "read")


# --- force unlock -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [Target("users", "u2", "a.txt"), Target("companies", "c2", "a.txt"), Target("projects", "p1", "a.txt")],
)
def test_admin_role_may_force_unlock_anywhere(policy, fake, target):
    fake.mode = "deny"
    assert policy.can_force_unlock(principal("u9", admin=True), target) is True


def test_users_bucket_owner_may_force_unlock(policy, fake):
    assert policy.can_force_unlock(principal("u1"), Target("users", "u1", "a.txt")) is True
    assert policy.can_force_unlock(principal("u1"), Target("users", "u2", "a.txt")) is False
    assert fake.calls == []


def test_company_member_may_not_force_unlock(policy, fake):
    assert policy.can_force_unlock(principal("u1", "c1"), Target("companies", "c1", "a.txt")) is False
    assert fake.calls == []


@pytest.mark.parametrize(
    ("verdict", "expected"),
    [
        ((True, "owner"), True),
        ((True, "admin"), True),
        ((True, "member"), False),
        ((True, "viewer"), False),
        (True, False),  # allowed without a role
        ((False, "owner"), False),  # a role without permission
        (False, False),
    ],
)
def test_project_force_unlock_from_the_lock_check(policy, fake, verdict, expected):
    fake.mode = "rules"
    fake.rules = {("p1", "u1", "lock"): verdict}
    assert policy.can_force_unlock(principal("u1"), Target("projects", "p1", "a.txt", file_id="f1")) is expected
    assert len(fake.calls) == 1
    assert fake.calls[0].json == {"project_id": "p1", "action": "lock", "file_id": "f1"}


def test_project_force_unlock_when_the_service_fails(policy, fake):
    fake.mode = "error500"
    with pytest.raises(ProjectServiceUnavailable):
        policy.can_force_unlock(principal("u1"), Target("projects", "p1", "a.txt"))


# --- no project service -----------------------------------------------------------------------------------------


def test_no_project_service_configured():
    policy = AccessPolicy(None, retry_after=9)
    with pytest.raises(ProjectServiceUnavailable) as raised:
        policy.decide(principal("u1"), Target("projects", "p1", "a.txt"), "read")
    assert raised.value.code == "project_service_unavailable"
    assert raised.value.headers["Retry-After"] == "9"
    with pytest.raises(ProjectServiceUnavailable):
        policy.decide_many(principal("u1"), [Target("users", "u1"), Target("projects", "p1")], "read")
    with pytest.raises(ProjectServiceUnavailable):
        policy.can_force_unlock(principal("u1"), Target("projects", "p1", "a.txt"))


def test_no_project_service_still_decides_users_and_companies():
    policy = AccessPolicy(None)
    assert policy.decide(principal("u1"), Target("users", "u1"), "read").allowed is True
    assert policy.decide(principal("u1", "c1"), Target("companies", "c1"), "read").allowed is True
    assert policy.can_force_unlock(principal("u1"), Target("users", "u1")) is True


# --- listings that may leave out what cannot be decided ---------------------------------------------------------


@pytest.mark.parametrize("mode", ["error500", "garbage", "refuse"])
def test_decide_many_or_deny_refuses_only_the_undecided_project_targets(policy, fake, mode):
    fake.mode = mode
    caller = principal("u1", "c1")
    targets = [Target("users", "u1"), Target("projects", "p1"), Target("companies", "c1"), Target("users", "u2")]
    with pytest.raises(ProjectServiceUnavailable):
        policy.decide_many(caller, targets, "read")
    decisions = policy.decide_many_or_deny(caller, targets, "read")
    assert [d.allowed for d in decisions] == [True, False, True, False]
    assert decisions[1].reason


def test_decide_many_or_deny_answers_like_decide_many_when_the_service_answers(policy, fake):
    fake.mode = "rules"
    fake.rules = {("p1", "u1", "read"): (True, "viewer")}
    targets = [Target("projects", "p1"), Target("projects", "p2"), Target("users", "u1")]
    decisions = policy.decide_many_or_deny(principal("u1"), targets, "read")
    assert decisions == [Decision(True, "viewer", None), decisions[1], Decision(True, "owner", None)]
    assert decisions[1].allowed is False
    assert len(fake.calls) == 1


def test_decide_many_or_deny_without_a_project_service():
    decisions = AccessPolicy(None).decide_many_or_deny(principal("u1"), [Target("projects", "p1")], "read")
    assert [d.allowed for d in decisions] == [False]


# --- the platform's dialect ---------------------------------------------------------------------------------------


def test_policy_in_the_waterfall_dialect():
    with FakeProjectService(dialect="waterfall", mode="rules") as fake:
        fake.rules = {("p1", "u1", "validate"): (True, "owner")}
        client = ProjectClient(fake.live_url, timeout=2.0, retry_after=7, dialect="waterfall")
        try:
            policy = AccessPolicy(client, retry_after=7)
            assert policy.decide(principal("u1"), Target("projects", "p1", "a.txt", "f1"), "validate").allowed
            targets = [Target("projects", "p1"), Target("users", "u1"), Target("projects", "p2")]
            assert [d.allowed for d in policy.decide_many(principal("u1"), targets, "validate")] == [True, True, False]
        finally:
            client.close()
    assert [c.json for c in fake.calls] == [
        {"checks": [{"project_id": "p1", "action": "validate_files"}]},
        {
            "checks": [
                {"project_id": "p1", "action": "validate_files"},
                {"project_id": "p2", "action": "validate_files"},
            ]
        },
    ]
    assert {c.path for c in fake.calls} == {"/check-file-access-batch"}
