"""Request authentication (contract §2): credentials, the internal-service headers and the CSRF rule."""

from __future__ import annotations

import hmac
import logging
from urllib.parse import urlsplit

from flask import current_app, g, request

from app.auth.tokens import InvalidToken, Principal, decode_token
from app.errors import CsrfFailed, MissingToken, Unauthorized
from app.services.context import Caller

log = logging.getLogger(__name__)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def authenticate() -> None:
    """before_request hook of the API blueprints: set g.principal or raise 401/403."""
    if request.method == "OPTIONS":
        return
    config = current_app.config
    token, from_cookie = _credentials(config["JWT_COOKIE_NAME"])
    internal = _internal_principal(config.get("INTERNAL_SERVICE_TOKEN"), token)
    if internal is not None:
        g.principal = internal
        return
    if token is None:
        raise MissingToken()
    try:
        g.principal = decode_token(token, current_app.extensions["token_settings"])
    except InvalidToken as exc:
        log.info("rejected token: %s", exc)
        raise Unauthorized() from None
    if from_cookie and request.method not in SAFE_METHODS:
        _check_csrf(config["CORS_ORIGINS"])


def _credentials(cookie_name: str) -> tuple[str | None, bool]:
    """The Authorization header, when present, is the only credential considered."""
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise Unauthorized()
        return value.strip(), False
    cookie = request.cookies.get(cookie_name)
    return (cookie, True) if cookie else (None, False)


def _internal_principal(expected: str | None, token: str | None) -> Principal | None:
    given = request.headers.get("X-Internal-Token")
    user_id = request.headers.get("X-User-ID")
    if not expected or not given or not user_id:
        return None
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return None
    return Principal(user_id=user_id, company_id=request.headers.get("X-Company-ID") or None, token=token)


def check_csrf() -> None:
    """The CSRF rule alone, for cookie-authenticated form posts outside the API blueprints (the web page's sign-in)."""
    _check_csrf(current_app.config["CORS_ORIGINS"])


def _check_csrf(trusted_origins: list[str]) -> None:
    """Go's net/http CrossOriginProtection: Fetch Metadata when the browser sends it, else Origin against Host.

    Trusted origins (CORS_ORIGINS) pass either way; a request with neither header is not from a browser.
    """
    origin = request.headers.get("Origin", "")
    site = request.headers.get("Sec-Fetch-Site", "")
    if site:
        if site in ("same-origin", "none") or origin in trusted_origins:
            return
        raise CsrfFailed()
    if not origin or _host_of(origin) == request.host or origin in trusted_origins:
        return
    raise CsrfFailed()


def _host_of(origin: str) -> str | None:
    try:
        return urlsplit(origin).netloc
    except ValueError:  # e.g. an unbalanced IPv6 bracket: matches no host
        return None


def caller() -> Caller:
    """The authenticated caller with the request's audit context."""
    return Caller(principal=g.principal, request_id=g.get("request_id"), client_ip=request.remote_addr)
