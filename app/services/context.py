"""Who is calling, as plain values the services can use without touching the request."""

from __future__ import annotations

from dataclasses import dataclass

from app.auth.tokens import Principal


@dataclass(frozen=True)
class Caller:
    """`principal` None: an anonymous visitor (of a share link), audited without a user id."""

    principal: Principal | None
    request_id: str | None = None
    client_ip: str | None = None

    @property
    def user_id(self) -> str | None:
        return self.principal.user_id if self.principal is not None else None
