"""Rate limits per user and route family (contract §7), counted in Redis (or in a worker's memory) with `limits`.

Every request to an API blueprint spends one unit of its family's budget: `uploads`, `downloads`, `reads` (list,
metadata, locks, versions), `deletes`, `writes` (metadata updates, copy, lock, unlock, commit, approve, reject), and
`shares` (GET /s/{token}, served without login). The budget belongs to the authenticated user; a request whose
authentication fails, or that needs none, spends its client address's budget.
The check runs in the API blueprints' before_request hook, after authentication: /health, /version, /config,
/metrics and the docs live elsewhere and are never limited.

Windows are fixed: one starts with a caller's first request in a family and lasts the limit's period. Over the
limit: 429 `rate_limited` with `Retry-After`; limited answers carry `RateLimit-Limit`, `RateLimit-Remaining` and
`RateLimit-Reset` (seconds). Redis unreachable: the worker counts in its own memory until Redis answers again;
requests are never refused because of it.

Written here rather than with flask-limiter (which the service used before): flask-limiter spends three Redis round
trips per request (INCR, then GET and TTL for the headers) and about 0.3 ms of its own bookkeeping, a quarter of the
CPU of a `GET /metadata`. Here one Lua call (`SPEND`) counts and returns the window, and the `limits` package that
flask-limiter builds on parses the limits, names the keys and counts in memory.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import redis
from flask import Flask, Response, current_app, g, request
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage

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
# Seconds an unreachable Redis may cost a request before the worker counts in memory (the OS default for a
# connect to a silent host is minutes).
STORE_TIMEOUT = 0.5
RETRY_DELAYS = (1, 2, 4, 8, 16, 32)  # seconds before trying an unreachable Redis again, then from the start
EXPOSED_HEADERS = ["Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"]


def init_app(app: Flask) -> None:
    """Build the app's own rate limits when RATE_LIMITS_ENABLED; raise ConfigError for an unusable setting."""
    if not app.config["RATE_LIMITS_ENABLED"]:
        app.extensions["rate_limits"] = None
        return
    uri = app.config["RATELIMIT_STORAGE_URI"]
    counter = RedisCounter(uri) if uri and not uri.startswith("memory://") else None
    app.extensions["rate_limits"] = RateLimits(family_limits(app.config), counter, app.config["RATE_LIMIT_KEY_PREFIX"])
    app.after_request(add_headers)


def family_limits(config) -> dict[str, list[RateLimitItem]]:
    """Each family's limits: RATE_LIMIT_<FAMILY> when set, else the RATE_LIMIT_PROFILE's."""
    profile = PROFILES.get(config["RATE_LIMIT_PROFILE"])
    if profile is None:
        raise ConfigError(f"RATE_LIMIT_PROFILE must be one of {', '.join(PROFILES)}")
    chosen = {family: config.get(f"RATE_LIMIT_{family.upper()}") or profile[family] for family in FAMILIES}
    parsed = {}
    for family, value in chosen.items():
        try:
            parsed[family] = parse_many(value)
        except ValueError:
            raise ConfigError(f"RATE_LIMIT_{family.upper()}={value!r} is not a rate limit like 100/minute") from None
    return parsed


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
    family, client = route_family(request.blueprint, request.method), client_key()
    g.rate_limit = window = limits.spend(family, client)
    if window.remaining < 0:
        observability.rate_limited(family)
        log.info("rate limit %s (%s) exceeded: %s", window.item, client, family)
        raise RateLimited(
            f"Rate limit of {window.item} for {family} reached; retry in {window.reset} s.",
            headers={"Retry-After": str(window.reset)},
        )


@dataclass(frozen=True)
class Window:
    """Where a caller stands in one limit's current window: `remaining` < 0 once this request went over."""

    item: RateLimitItem
    remaining: int
    reset: int  # whole seconds until the window ends, at least 1


class RateLimits:
    """The families' limits, counted in Redis when one is configured, else (and while it is unreachable) in this
    worker's memory."""

    def __init__(self, limits: dict[str, list[RateLimitItem]], counter: RedisCounter | None, prefix: str) -> None:
        self.limits = limits
        self.counter = counter
        self.prefix = prefix
        self._memory: MemoryStorage | None = None
        self._lock = threading.Lock()
        self._failures = 0
        self._retry_at = 0.0

    def spend(self, family: str, client: str) -> Window:
        """Count one request of `client` in each of `family`'s limits; the window of the tightest one."""
        windows = []
        for item in self.limits[family]:
            count, seconds = self._hit(item.key_for(self.prefix, family, client), item.get_expiry())
            windows.append(Window(item, item.amount - count, max(1, math.ceil(seconds))))
        return min(windows, key=lambda w: (w.remaining >= 0, w.remaining, -w.reset))

    def _hit(self, key: str, period: int) -> tuple[int, float]:
        """(requests counted in the key's window, seconds until it ends), from Redis when it answers."""
        if self.counter is not None:
            if time.monotonic() >= self._retry_at:
                try:
                    counted = self.counter.hit(key, period)
                except redis.RedisError as exc:
                    self._unreachable(exc)
                else:
                    self._reachable()
                    return counted
            observability.rate_limit_fallback()
        memory = self._memory or self._start_memory()
        count = memory.incr(key, period)
        return count, memory.get_expiry(key) - time.time()

    def _start_memory(self) -> MemoryStorage:
        with self._lock:
            if self._memory is None:
                self._memory = MemoryStorage()  # starts a timer thread: only made once needed
            return self._memory

    def _unreachable(self, exc: Exception) -> None:
        with self._lock:
            self._retry_at = time.monotonic() + RETRY_DELAYS[self._failures % len(RETRY_DELAYS)]
            self._failures += 1
        log.warning("Rate limit storage unreachable - falling back to in-memory storage: %s", exc)

    def _reachable(self) -> None:
        if self._failures:
            with self._lock:
                self._failures = 0
            log.warning("Rate limit storage recovered")


class RedisCounter:
    """Fixed windows in Redis: one EVALSHA per request counts and reports the window."""

    # The key's count after this request and the milliseconds its window has left; the window starts (the key
    # gets its expiry) with the first request, or whenever the key is found without one.
    SPEND = """
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  ttl = tonumber(ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return {count, ttl}
"""

    def __init__(self, uri: str) -> None:
        if urlsplit(uri).scheme not in ("redis", "rediss", "unix"):
            raise ConfigError(f"RATELIMIT_STORAGE_URI must be a redis, rediss, unix or memory URL, not {uri!r}")
        client = redis.Redis.from_url(uri, socket_connect_timeout=STORE_TIMEOUT, socket_timeout=STORE_TIMEOUT)
        self._spend = client.register_script(self.SPEND)

    def hit(self, key: str, period: int) -> tuple[int, float]:
        count, milliseconds = self._spend(keys=[key], args=[period * 1000])
        return int(count), int(milliseconds) / 1000


def add_headers(response: Response) -> Response:
    """RateLimit-Limit, -Remaining and -Reset (seconds) on every answer that spent a budget."""
    window: Window | None = g.get("rate_limit")
    if window is not None:
        response.headers["RateLimit-Limit"] = str(window.item.amount)
        response.headers["RateLimit-Remaining"] = str(max(0, window.remaining))
        response.headers["RateLimit-Reset"] = str(window.reset)
    return response
