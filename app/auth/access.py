"""The bucket access policy (contract §3): one function decides every endpoint's access."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.auth.project_client import Decision, ProjectClient
from app.auth.tokens import Principal
from app.errors import AccessDenied, ProjectServiceUnavailable

ACTIONS = ("read", "write", "delete", "lock", "validate")


@dataclass(frozen=True)
class Target:
    """What a decision is about: a bucket address and, when it exists, the file."""

    bucket: str
    bucket_id: str
    path: str | None = None
    file_id: str | None = None


class AccessPolicy:
    """Decides access per bucket; project buckets are asked of the project service (fail-closed)."""

    def __init__(self, project_client: ProjectClient | None, retry_after: int = 5) -> None:
        self.project_client = project_client
        self.retry_after = retry_after

    def decide(self, principal: Principal, target: Target, action: str) -> Decision:
        """The decision for one target, without raising on denial."""
        return self.decide_many(principal, [target], action)[0]

    def decide_many(self, principal: Principal, targets: Sequence[Target], action: str) -> list[Decision]:
        """Decisions for several targets; all project targets go to the project service in one batch call."""
        decisions: list[Decision | None] = [self._local(principal, t) for t in targets]
        pending = [i for i, d in enumerate(decisions) if d is None]
        if pending:
            checks = [(targets[i].bucket_id, action, targets[i].file_id) for i in pending]
            answers = self._ask(checks, principal)
            for i, answer in zip(pending, answers, strict=True):
                decisions[i] = answer
        return decisions  # type: ignore[return-value]

    def decide_many_or_deny(self, principal: Principal, targets: Sequence[Target], action: str) -> list[Decision]:
        """Like decide_many, but project targets the project service cannot decide now are denied instead of raising
        (for listings that may leave out what they cannot confirm)."""
        try:
            return self.decide_many(principal, targets, action)
        except ProjectServiceUnavailable:
            undecided = Decision(False, None, "The project service could not confirm access.")
            return [self._local(principal, t) or undecided for t in targets]

    def require(self, principal: Principal, target: Target, action: str) -> Decision:
        """Return the decision or raise AccessDenied / ProjectServiceUnavailable (carrying the target for audit)."""
        try:
            decision = self.decide(principal, target, action)
        except ProjectServiceUnavailable as exc:
            exc.audit = (target, action)
            raise
        if not decision.allowed:
            exc = AccessDenied(f"You may not {action} in this {target.bucket[:-1]} space.")
            exc.audit = (target, action)
            raise exc
        return decision

    def _local(self, principal: Principal, target: Target) -> Decision | None:
        if target.bucket == "users":
            return Decision(target.bucket_id == principal.user_id, "owner", None)
        if target.bucket == "companies":
            return Decision(principal.company_id is not None and target.bucket_id == principal.company_id, None, None)
        return None

    def _ask(self, checks: list[tuple[str, str, str | None]], principal: Principal) -> list[Decision]:
        if self.project_client is None:
            raise ProjectServiceUnavailable(
                "Project access cannot be decided: no project service is configured.",
                headers={"Retry-After": str(self.retry_after)},
            )
        if len(checks) == 1:
            project_id, action, file_id = checks[0]
            return [self.project_client.check(project_id, action, principal.token, file_id)]
        return self.project_client.check_batch(checks, principal.token)

    def can_force_unlock(self, principal: Principal, target: Target) -> bool:
        """Admin role, the owner of a users bucket, or a project owner/admin per the `lock` check."""
        if principal.is_admin or (target.bucket == "users" and target.bucket_id == principal.user_id):
            return True
        if target.bucket != "projects":
            return False
        decision = self.decide(principal, target, "lock")
        return decision.allowed and decision.role in ("owner", "admin")
