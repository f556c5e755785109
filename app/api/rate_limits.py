"""Rate limits per user and route family (contract §7), counted by flask-limiter in Redis or in memory.

Every request to an API blueprint spends one unit of its family's budget: `uploads`, `downloads`, `reads` (list,
metadata, locks, versions), `deletes`, `writes` (metadata updates, copy, lock, unlock, commit, approve, reject), and
`shares` (GET /s/{token}, served without login). The budget belongs to the authenticated user; a request whose
authentication fails, or that needs none, spends its client address's budget.
The check runs in the API blueprints' before_request hook, after authentication: /health, /version, /config,
/metrics and the docs live elsewhere and are never limited.

Over the limit: 429 `rate_limited` with `Retry-After`; limited answers carry `RateLimit-Limit`, `RateLimit-Remaining`
and `RateLimit-Reset` (seconds). Redis unreachable: flask-limiter counts in this worker's memory until Redis answers
again; requests are never refused because of it.
"""

from __future__ import annotations

import logging
import math
import time
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter, RateLimitExceeded, RequestLimit
from limits import parse_many
from limits.errors import StorageError

from app import observability
from app.api.security import authenticate
from app.config import ConfigError
from app.errors import RateLimited

log = logging.getLogger(__name__)

FAMILIES = ("uploads", "downloads", "reads", "deletes", "writes", "shares")
# Budgets per user and family. `default` is generous: a client making a few dozen requests in a few seconds is
# never throttled, nor is a test suite or a fuzzer driving one app. `seed` has the S3 File Storage API seed's
# numbers (uploads 10/min, list 100/min, delete 50/min); it names no budget for downloads and writes.
PROFILES = {
    "default": {
        "uploads": "600/minute",
        "downloads": "3000/minute",
        "reads": "3000/minute",
        "deletes": "600/minute",
        "writes": "1200/minute",
        "shares": "600/minute",
    },
    "seed": {
        "uploads": "10/minute",
        "downloads": "3000/minute",
        "reads": "100/minute",
        "deletes": "50/minute",
        "writes": "1200/minute",
        "shares": "600/minute",
    },
}
# Seconds an unreachable Redis may cost a request before flask-limiter falls back to memory (the OS default for a
# connect to a silent host is minutes).
STORE_TIMEOUT = 0.5
EXPOSED_HEADERS = ["Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"]


def init_app(app: Flask) -> None:
    """Build the app's own limiter when RATE_LIMITS_ENABLED; raise ConfigError for an unusable limit."""
    if not app.config["RATE_LIMITS_ENABLED"]:
        app.extensions["rate_limits"] = None
        return
    # One limiter per app, never a module-level one: flask-limiter keeps the storage, prefix and options of the
    # app it was last initialised with on the instance itself.
    app.extensions["rate_limits"] = RateLimits(app, family_limits(app.config))
    app.after_request(add_headers)


def family_limits(config) -> dict[str, str]:
    """Each family's limit: RATE_LIMIT_<FAMILY> when set, else the RATE_LIMIT_PROFILE's."""
    profile = PROFILES.get(config["RATE_LIMIT_PROFILE"])
    if profile is None:
        raise ConfigError(f"RATE_LIMIT_PROFILE must be one of {', '.join(PROFILES)}")
    chosen = {family: config.get(f"RATE_LIMIT_{family.upper()}") or profile[family] for family in FAMILIES}
    for family, value in chosen.items():
        try:
            parse_many(value)
        except ValueError:
            raise ConfigError(f"RATE_LIMIT_{family.upper()}={value!r} is not a rate limit like 100/minute") from None
    return chosen


# Blueprints whose every request spends the uploads or downloads budget
TRANSFER_FAMILIES = {"multipart_uploads": "uploads", "zip_download": "downloads"}


def route_family(blueprint: str | None, method: str) -> str:
    """The budget a request to an API blueprint spends."""
    if blueprint in ("uploads", "downloads"):
        return blueprint
    if blueprint in TRANSFER_FAMILIES:
        return TRANSFER_FAMILIES[blueprint]
    if blueprint == "public_shares":  # GET /s/{token}: no login, the budget of the client's address
        return "shares"
    if method == "DELETE":
        return "deletes"
    return "reads" if method in ("GET", "HEAD") else "writes"


def client_key() -> str:
    """Whose budget: the authenticated user, else the client address (after TRUSTED_PROXY_COUNT's ProxyFix)."""
    principal = g.get("principal")
    if principal is not None:
        return f"user:{principal.user_id}"
    return f"ip:{request.remote_addr or 'unknown'}"


def authenticate_and_limit() -> None:
    """before_request hook of the API blueprints: authenticate, then spend the caller's budget.

    The budget is spent whether authentication succeeded or not, so floods of bad credentials are throttled too
    (by client address); once it is spent, 429 answers before 401.
    """
    try:
        authenticate()
    finally:
        spend_budget()


def spend_budget() -> None:
    """Spend one unit of the caller's budget for this route's family; 429 `rate_limited` once it is used up."""
    limits: RateLimits | None = current_app.extensions.get("rate_limits")
    if limits is None or request.method == "OPTIONS":  # CORS preflights do no work
        return
    g.rate_limit_family = route_family(request.blueprint, request.method)
    limits.spend(g.rate_limit_family)


class RateLimits:
    """The app's limiter and its one shared limit, whose scope and amount follow the request's family."""

    def __init__(self, app: Flask, limits: dict[str, str]) -> None:
        self.limits = limits
        uri = app.config["RATELIMIT_STORAGE_URI"] or "memory://"
        options: dict = {"wrap_exceptions": True}  # storage failures arrive as limits' StorageError
        if urlsplit(uri).scheme in ("redis", "rediss"):
            options.update(socket_connect_timeout=STORE_TIMEOUT, socket_timeout=STORE_TIMEOUT)
        self.limiter = Limiter(
            client_key,
            storage_uri=uri,
            storage_options=options,
            strategy="fixed-window",
            key_prefix=app.config["RATE_LIMIT_KEY_PREFIX"],
            # Fail open: with the storage unreachable, count in this worker's memory (retrying the storage after
            # 1, 2, 4 ... 32 s) and, should that fail too, let the request through.
            in_memory_fallback_enabled=True,
            swallow_errors=True,
            # Ours in add_headers: flask-limiter's would send Retry-After on every answer and raise the Retry-After
            # of other 429 and 403 answers (transfer cap, project service) to this window's reset.
            headers_enabled=False,
        )
        # flask-limiter's own before_request hook runs ahead of authentication: nothing is counted there.
        self.limiter.request_filter(lambda: "rate_limit_family" not in g)
        self.limiter.init_app(app)
        self._spend = self.limiter.shared_limit(
            lambda: self.limits[g.rate_limit_family], scope=lambda _endpoint: g.rate_limit_family
        )(_spent)

    def spend(self, family: str) -> None:
        """Count one request of `family`; raise RateLimited when the caller's budget is used up."""
        try:
            self._spend()
        except RateLimitExceeded as exc:
            observability.rate_limited(family)
            window = _window(self.limiter.current_limit)
            retry_after = window[1] if window else 1
            raise RateLimited(
                f"Rate limit of {exc.limit.limit} for {family} reached; retry in {retry_after} s.",
                headers={"Retry-After": str(retry_after)},
            ) from None
        finally:
            if self.limiter.limiter.storage is not self.limiter.storage:
                observability.rate_limit_fallback()


def _spent() -> None:
    """Nothing to do: calling it is what the limit decorating it counts."""


def _window(limit: RequestLimit | None) -> tuple[int, int] | None:
    """(remaining, seconds until the window resets) of the limit this request spent, or None when unknown."""
    if limit is None:
        return None
    try:
        reset_at, remaining = limit.window
        return remaining, max(1, math.ceil(reset_at - time.time()))
    except StorageError as exc:  # the storage went away after counting: the answer goes out without the figures
        log.warning("rate limit storage unreachable reading the window: %s", exc)
        return None


def add_headers(response: Response) -> Response:
    """RateLimit-Limit, -Remaining and -Reset (seconds) on every answer that spent a budget."""
    limits: RateLimits = current_app.extensions["rate_limits"]
    current = limits.limiter.current_limit
    window = _window(current)
    if window is not None:
        response.headers["RateLimit-Limit"] = str(current.limit.amount)
        response.headers["RateLimit-Remaining"] = str(window[0])
        response.headers["RateLimit-Reset"] = str(window[1])
    return response
