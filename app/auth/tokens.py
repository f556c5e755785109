"""JWT verification: a token string and settings in, a Principal out; every failure is the same InvalidToken."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import jwt

log = logging.getLogger(__name__)


class InvalidToken(Exception):
    """The token cannot be trusted; the message is the reason, for the log only."""


@dataclass(frozen=True)
class TokenSettings:
    algorithms: tuple[str, ...]
    key: str
    issuer: str | None = None
    audience: str | None = None
    leeway: int = 0
    roles_claim: str = "roles"
    admin_role: str = "admin"

    @classmethod
    def from_config(cls, config) -> TokenSettings:
        algorithms = tuple(config["JWT_ALGORITHMS"])
        asymmetric = any(not a.startswith("HS") for a in algorithms)
        return cls(
            algorithms=algorithms,
            key=config["JWT_PUBLIC_KEY"] if asymmetric else config["JWT_SECRET"],
            issuer=config["JWT_ISSUER"],
            audience=config["JWT_AUDIENCE"],
            leeway=min(int(config["JWT_LEEWAY"]), 60),
            roles_claim=config["JWT_ROLES_CLAIM"],
            admin_role=config["ADMIN_ROLE"],
        )


@dataclass(frozen=True)
class Principal:
    user_id: str
    company_id: str | None = None
    roles: tuple[str, ...] = ()
    is_admin: bool = False
    token: str | None = field(default=None, repr=False)


def _roles(value) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return ()


def decode_token(token: str, settings: TokenSettings) -> Principal:
    """Verify signature, algorithm, exp, sub (and iss/aud when configured); raise InvalidToken otherwise."""
    try:
        claims = jwt.decode(
            token,
            settings.key,
            algorithms=list(settings.algorithms),
            issuer=settings.issuer,
            audience=settings.audience,
            leeway=settings.leeway,
            options={"require": ["exp", "sub"], "verify_aud": settings.audience is not None},
        )
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise InvalidToken(f"{type(exc).__name__}: {exc}") from None
    user_id = claims.get("sub") or claims.get("user_id")
    if not isinstance(user_id, str | int) or isinstance(user_id, bool) or str(user_id) == "":
        raise InvalidToken("no usable user id claim")
    company = claims.get("company_id")
    roles = _roles(claims.get(settings.roles_claim))
    return Principal(
        user_id=str(user_id),
        company_id=None if company in (None, "") else str(company),
        roles=roles,
        is_admin=settings.admin_role in roles,
        token=token,
    )


def encode_token(claims: dict, secret: str, algorithm: str = "HS256") -> str:
    """Sign claims (used by `flask storage token` and tests)."""
    return jwt.encode(claims, secret, algorithm=algorithm)
