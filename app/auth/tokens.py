"""JWT verification: a token string and settings in, a Principal out; every failure is the same InvalidToken."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field

import jwt

log = logging.getLogger(__name__)

NUMERIC_DATES = ("exp", "nbf", "iat")
MAX_USER_ID = 255  # the user id columns (owner_id, created_by, locked_by, audit user_id ...) are String(255)
MAX_COMPANY_ID = 64  # a company id is compared with bucket ids, which are at most 64 characters
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


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


def _identity(value, what: str, max_length: int) -> str:
    """An id claim as text that fits its columns: a non-empty string (or integer) without control characters."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise InvalidToken(f"no usable {what} claim")
    text = str(value)
    if not text or len(text) > max_length or CONTROL_RE.search(text):
        raise InvalidToken(f"the {what} claim is empty, longer than {max_length} characters or has control characters")
    return text


# Tokens that passed verification, each until it expires: a client sends the same token with every request, and
# verifying it again (the signature, the claims) costs more than the rest of authentication. Only verified tokens
# enter, keyed by the token and the settings that accepted it; bounded, emptied when full.
MAX_VERIFIED = 1024
_verified: dict[tuple[str, TokenSettings], tuple[Principal, float]] = {}


def decode_token(token: str, settings: TokenSettings) -> Principal:
    """Verify signature, algorithm, exp, sub (and iss/aud when configured); raise InvalidToken otherwise."""
    known = _verified.get((token, settings))
    if known is not None and time.time() < known[1]:
        return known[0]
    principal, valid_until = _verify(token, settings)
    if len(_verified) >= MAX_VERIFIED:
        _verified.clear()
    _verified[(token, settings)] = (principal, valid_until)
    return principal


def _verify(token: str, settings: TokenSettings) -> tuple[Principal, float]:
    """The principal of a token, and until when (exp + leeway) the token is accepted."""
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
    for name in NUMERIC_DATES:
        # PyJWT takes int("9999999999") and True as dates; RFC 7519 NumericDate is a JSON number.
        if name in claims and (isinstance(claims[name], bool) or not isinstance(claims[name], int | float)):
            raise InvalidToken(f"{name} is not a JSON number")
    user_id = _identity(claims.get("sub") or claims.get("user_id"), "user id", MAX_USER_ID)
    company = claims.get("company_id")
    company_id = None if company in (None, "") else _identity(company, "company id", MAX_COMPANY_ID)
    roles = _roles(claims.get(settings.roles_claim))
    principal = Principal(
        user_id=user_id,
        company_id=company_id,
        roles=roles,
        is_admin=settings.admin_role in roles,
        token=token,
    )
    return principal, claims["exp"] + settings.leeway


def encode_token(claims: dict, secret: str, algorithm: str = "HS256") -> str:
    """Sign claims (used by `flask storage token` and tests)."""
    return jwt.encode(claims, secret, algorithm=algorithm)


class MintingRefused(Exception):
    """This deployment does not sign tokens itself; the message says why."""


def mint_development_token(
    config, user_id: str, company_id: str | None = None, roles: tuple[str, ...] = (), ttl: int = 3600
) -> str:
    """A signed JWT for local use (`flask storage token`, the page's development sign-in).

    Raises MintingRefused where DEV_TOKEN_COMMAND is off (always in production) or no HS* algorithm is configured.
    """
    if not config["DEV_TOKEN_COMMAND"]:
        raise MintingRefused("minting tokens is disabled here (DEV_TOKEN_COMMAND is off, as in production)")
    algorithm = next((a for a in config["JWT_ALGORITHMS"] if a.startswith("HS")), None)
    if algorithm is None:
        raise MintingRefused("JWT_ALGORITHMS has no HS* algorithm: only the identity provider can sign tokens")
    now = int(time.time())
    claims = {"sub": user_id, "iat": now, "exp": now + ttl}
    if company_id:
        claims["company_id"] = company_id
    if roles:
        claims[config["JWT_ROLES_CLAIM"]] = list(roles)
    if config["JWT_ISSUER"]:
        claims["iss"] = config["JWT_ISSUER"]
    if config["JWT_AUDIENCE"]:
        claims["aud"] = config["JWT_AUDIENCE"]
    return encode_token(claims, config["JWT_SECRET"], algorithm)
