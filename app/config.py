"""Configuration: the only module that reads the environment; one class per FLASK_ENV value."""

import base64
import json
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent


def _env(name: str, default=None):
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def _bool(name: str, default: bool) -> bool:
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    return int(_env(name, default))


def _float(name: str, default: float) -> float:
    return float(_env(name, default))


def _list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in _env(name, default).split(",") if item.strip()]


def _asymmetric(algorithms: list[str]) -> bool:
    """Whether tokens are checked with JWT_PUBLIC_KEY (any RS/ES/PS algorithm) rather than JWT_SECRET."""
    return any(a[:2] in {"RS", "ES", "PS"} for a in algorithms)


MIN_HMAC_SECRET_BYTES = 32  # RFC 7518 §3.2: an HS256 key at least as long as the hash output


def database_url(url: str) -> str:
    """psycopg2 is the driver: `postgres://` and bare `postgresql://` URLs are pinned to it."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix) :]
    return url


# --- Webhooks (app/services/events.py, docs/webhooks.md) ---
# The event types a subscription may choose; app/services/events.py emits exactly these (a unit test checks).
WEBHOOK_EVENT_TYPES = (
    "file.uploaded",
    "version.committed",
    "version.approved",
    "version.rejected",
    "file.deleted",
    "lock.acquired",
    "lock.released",
    "lock.forced",
    "upload.failed",
    "metadata.updated",
    "share.created",
    "share.revoked",
    "share.downloaded",
    "file.moved",
    "file.restored",
    "version.restored",
    "file.expired",
)


def _base_url(name: str) -> str | None:
    """An optional http(s)://host[:port][/path] setting that URLs are built on; ConfigError for anything else."""
    value = _env(name)
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError(f"{name} must be an http:// or https:// URL without query or fragment")
    return value


def webhook_subscriptions(text: str) -> list[dict]:
    """WEBHOOK_URLS, a JSON list of {"url", "secret", "events"?}, checked; ConfigError never quotes a secret."""
    try:
        items = json.loads(text)
    except ValueError as exc:
        raise ConfigError(f"WEBHOOK_URLS is not JSON: {exc}") from None
    if not isinstance(items, list):
        raise ConfigError('WEBHOOK_URLS must be a JSON list of {"url", "secret", "events"} objects')
    subscriptions: list[dict] = []
    for number, item in enumerate(items, 1):
        where = f"WEBHOOK_URLS item {number}"
        if not isinstance(item, dict) or not {"url", "secret"} <= set(item) <= {"url", "secret", "events"}:
            raise ConfigError(f"{where}: an object with the keys url, secret and optionally events")
        url, secret, events = item["url"], item["secret"], item.get("events", ["*"])
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ConfigError(f"{where}: url must be an http:// or https:// URL")
        if any(s["url"] == url for s in subscriptions):
            raise ConfigError(f"{where}: the url is listed twice (a url names one subscription)")
        if not _webhook_secret(secret):
            raise ConfigError(f"{where}: secret must be whsec_ followed by 24 to 64 random bytes in base64")
        if not isinstance(events, list) or not events or any(e != "*" and e not in WEBHOOK_EVENT_TYPES for e in events):
            raise ConfigError(f'{where}: events must be a non-empty list of "*" or {", ".join(WEBHOOK_EVENT_TYPES)}')
        subscriptions.append({"url": url, "secret": secret, "events": events})
    return subscriptions


def _webhook_secret(secret) -> bool:
    """A Standard Webhooks secret: `whsec_` and base64 of 24 to 64 bytes."""
    if not isinstance(secret, str) or not secret.startswith("whsec_"):
        return False
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except ValueError:
        return False
    return 24 <= len(key) <= 64


class Config:
    """Settings shared by every environment; values come from the environment at instantiation."""

    ENV_NAME = "base"
    REQUIRED: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.SECRET_KEY = _env("SECRET_KEY", "dev-secret-key-change-me")
        self.SERVICE_NAME = _env("SERVICE_NAME", "storage_service")
        self.SERVICE_VERSION = _env("SERVICE_VERSION", "1.0.0")
        self.LOG_LEVEL = _env("LOG_LEVEL", "INFO")
        self.LOG_FORMAT = _env("LOG_FORMAT", "json")  # "json" (one object per line) or "text"
        self.METRICS_ENABLED = _bool("METRICS_ENABLED", True)  # Prometheus metrics at /metrics
        # Bucket notifications (POST /internal/storage-events) need `Authorization: Bearer <token>`; unset: endpoint off
        self.STORAGE_EVENTS_TOKEN = _env("STORAGE_EVENTS_TOKEN")
        self.METRICS_TOKEN = _env("METRICS_TOKEN")  # when set, /metrics needs `Authorization: Bearer <token>`
        self.DEV_TOKEN_COMMAND = _bool("DEV_TOKEN_COMMAND", True)  # `flask storage token`; never in production

        self.SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'storage.db'}")
        # Connections a worker keeps open: at least its threads (GUNICORN_THREADS), so that a busy worker does not
        # open and close one per request (bursts add up to 10 more).
        self.DATABASE_POOL_SIZE = _int("DATABASE_POOL_SIZE", 10)
        # A connection idle longer than this (seconds) is pinged before use, so the first requests after a database
        # restart get a fresh one; 0 pings on every use (a round trip per request). app/extensions.py.
        self.DATABASE_PING_AFTER_IDLE = _float("DATABASE_PING_AFTER_IDLE", 1.0)
        self.SQLALCHEMY_ENGINE_OPTIONS = {
            "pool_pre_ping": self.DATABASE_PING_AFTER_IDLE <= 0,
            "pool_size": self.DATABASE_POOL_SIZE,
        }

        self.JWT_SECRET = _env("JWT_SECRET", "dev-jwt-secret-change-me-32-bytes-min")
        self.JWT_PUBLIC_KEY = _env("JWT_PUBLIC_KEY")
        self.JWT_ALGORITHMS = _list("JWT_ALGORITHMS", "HS256")
        self.JWT_COOKIE_NAME = _env("JWT_COOKIE_NAME", "access_token")
        self.JWT_ISSUER = _env("JWT_ISSUER")
        self.JWT_AUDIENCE = _env("JWT_AUDIENCE")
        self.JWT_LEEWAY = min(_int("JWT_LEEWAY", 0), 60)
        self.JWT_ROLES_CLAIM = _env("JWT_ROLES_CLAIM", "roles")
        self.ADMIN_ROLE = _env("ADMIN_ROLE", "admin")
        self.INTERNAL_SERVICE_TOKEN = _env("INTERNAL_SERVICE_TOKEN")

        # Unset, the backend follows from MINIO_ENDPOINT (the platform's environment names only MINIO_* settings).
        self.STORAGE_BACKEND = _env("STORAGE_BACKEND", "minio" if _env("MINIO_ENDPOINT") else "local")
        self.LOCAL_STORAGE_PATH = _env("LOCAL_STORAGE_PATH", str(BASE_DIR / "instance" / "objects"))
        self.MINIO_ENDPOINT = _env("MINIO_ENDPOINT", "localhost:9000")
        self.MINIO_ACCESS_KEY = _env("MINIO_ACCESS_KEY", "minioadmin")
        self.MINIO_SECRET_KEY = _env("MINIO_SECRET_KEY", "minioadmin")
        self.MINIO_SECURE = _bool("MINIO_SECURE", False)
        self.MINIO_REGION = _env("MINIO_REGION", "us-east-1")
        scheme = "https" if self.MINIO_SECURE else "http"
        self.MINIO_PUBLIC_ENDPOINT = _env("MINIO_PUBLIC_ENDPOINT", f"{scheme}://{self.MINIO_ENDPOINT}")
        # One physical bucket for all three logical buckets unless BUCKET_* name them (object keys never collide).
        self.MINIO_BUCKET_NAME = _env("MINIO_BUCKET_NAME")
        self.BUCKET_USERS = _env("BUCKET_USERS", self.MINIO_BUCKET_NAME or "users")
        self.BUCKET_COMPANIES = _env("BUCKET_COMPANIES", self.MINIO_BUCKET_NAME or "companies")
        self.BUCKET_PROJECTS = _env("BUCKET_PROJECTS", self.MINIO_BUCKET_NAME or "projects")

        self.PROJECT_SERVICE_URL = _env("PROJECT_SERVICE_URL")
        self.PROJECT_SERVICE_TIMEOUT = _float("PROJECT_SERVICE_TIMEOUT", 2.0)
        self.PROJECT_SERVICE_RETRY_AFTER = _int("PROJECT_SERVICE_RETRY_AFTER", 5)
        # Isolation and the platform's dialect (contract §9)
        self.PROJECT_SERVICE_DIALECT = _env("PROJECT_SERVICE_DIALECT", "seed")  # seed | waterfall
        self.PROJECT_SERVICE_BREAKER_FAILURES = _int("PROJECT_SERVICE_BREAKER_FAILURES", 4)  # 0: no breaker
        self.PROJECT_SERVICE_BREAKER_RESET = _float("PROJECT_SERVICE_BREAKER_RESET", 10.0)
        self.PROJECT_SERVICE_MAX_CONCURRENCY = _int("PROJECT_SERVICE_MAX_CONCURRENCY", 4)

        self.MAX_UPLOAD_SIZE = _int("MAX_UPLOAD_SIZE", 5 * 1024**3)
        # Largest request body other than a multipart upload (JSON commands), bytes: 413 above it.
        self.MAX_JSON_BODY = _int("MAX_JSON_BODY", 1024 * 1024)
        self.ALLOWED_MIME_TYPES = _list("ALLOWED_MIME_TYPES", "")
        self.PRESIGN_DEFAULT_EXPIRY = _int("PRESIGN_DEFAULT_EXPIRY", 3600)
        self.PRESIGN_MIN_EXPIRY = _int("PRESIGN_MIN_EXPIRY", 60)
        self.PRESIGN_MAX_EXPIRY = _int("PRESIGN_MAX_EXPIRY", 7 * 24 * 3600)
        self.LOCK_DEFAULT_TTL = _int("LOCK_DEFAULT_TTL", 3600)
        self.LOCK_MIN_TTL = _int("LOCK_MIN_TTL", 60)
        self.LOCK_MAX_TTL = _int("LOCK_MAX_TTL", 7 * 24 * 3600)
        # Longest expiry a file may be given (expires_in / expires_at on uploads and PATCH /metadata), seconds
        self.MAX_FILE_TTL = _int("MAX_FILE_TTL", 365 * 24 * 3600)
        self.RECONCILE_GRACE_SECONDS = _int("RECONCILE_GRACE_SECONDS", 3600)
        # `flask storage worker` (completes unconfirmed presigned uploads, runs gc): seconds between its polls
        self.WORKER_INTERVAL = _float("WORKER_INTERVAL", 10.0)
        # The worker's own metrics (deliveries, last pass) on this HTTP port, behind METRICS_TOKEN; 0: not served
        self.WORKER_METRICS_PORT = _int("WORKER_METRICS_PORT", 0)
        # Webhooks (docs/webhooks.md): subscriptions (JSON), hard deadline of one delivery (seconds), deliveries tried
        # before an event becomes a dead letter, delay before the first retry (seconds; doubles, capped, jittered)
        self.WEBHOOK_URLS = webhook_subscriptions(_env("WEBHOOK_URLS", "[]"))
        self.WEBHOOK_TIMEOUT = _float("WEBHOOK_TIMEOUT", 10.0)
        self.WEBHOOK_MAX_ATTEMPTS = _int("WEBHOOK_MAX_ATTEMPTS", 10)
        self.WEBHOOK_RETRY_BASE = _float("WEBHOOK_RETRY_BASE", 5.0)
        # Per-user cap on concurrent proxy transfers, per worker process (contract §9)
        self.MAX_CONCURRENT_TRANSFERS_PER_USER = _int("MAX_CONCURRENT_TRANSFERS_PER_USER", 4)
        # Proxy and share-link downloads of objects up to DOWNLOAD_CACHE_OBJECT_BYTES are served from a copy in the
        # worker's memory after the first one, DOWNLOAD_CACHE_BYTES per worker in all (least recently used leave
        # first); 0 = off.
        self.DOWNLOAD_CACHE_BYTES = _int("DOWNLOAD_CACHE_BYTES", 16 * 1024 * 1024)
        self.DOWNLOAD_CACHE_OBJECT_BYTES = _int("DOWNLOAD_CACHE_OBJECT_BYTES", 256 * 1024)
        # Resumable multipart uploads (docs/uploads.md): the part size (bytes, kept within S3's 5 MiB..5 GiB and
        # raised for files over 10,000 parts) and how long a session lives (seconds) before gc aborts it.
        self.MULTIPART_PART_SIZE = _int("MULTIPART_PART_SIZE", 16 * 1024**2)
        self.MULTIPART_SESSION_TTL = _int("MULTIPART_SESSION_TTL", 24 * 3600)
        # Folder download as zip (docs/uploads.md): at most this many files and bytes, else 413 before streaming.
        self.ZIP_MAX_FILES = _int("ZIP_MAX_FILES", 1000)
        self.ZIP_MAX_BYTES = _int("ZIP_MAX_BYTES", 5 * 1024**3)

        # Rate limits per user and route family (contract §7; app/api/rate_limits.py has the profiles)
        self.RATE_LIMITS_ENABLED = _bool("RATE_LIMITS_ENABLED", True)
        self.RATE_LIMIT_PROFILE = _env("RATE_LIMIT_PROFILE", "default")  # default (generous) | seed
        # Per-family overrides, e.g. "10/minute" or "5/second;100/hour"; unset: the profile's.
        self.RATE_LIMIT_UPLOADS = _env("RATE_LIMIT_UPLOADS")
        self.RATE_LIMIT_DOWNLOADS = _env("RATE_LIMIT_DOWNLOADS")
        self.RATE_LIMIT_READS = _env("RATE_LIMIT_READS")
        self.RATE_LIMIT_DELETES = _env("RATE_LIMIT_DELETES")
        self.RATE_LIMIT_WRITES = _env("RATE_LIMIT_WRITES")
        self.RATE_LIMIT_SHARES = _env("RATE_LIMIT_SHARES")  # GET /s/{token}, per client address
        # Where the counters live: redis://host:port/db shares them between workers and replicas; unset: memory.
        self.RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", _env("REDIS_URL"))
        self.RATE_LIMIT_KEY_PREFIX = _env("RATE_LIMIT_KEY_PREFIX", "storage")  # services sharing one Redis

        self.CORS_ORIGINS = _list("CORS_ORIGINS", "")
        # Unset: the local backend's presigned URLs use each request's own base URL.
        self.PUBLIC_BASE_URL = _env("PUBLIC_BASE_URL")
        # How many proxies in front set X-Forwarded-For/-Proto/-Host/-Port/-Prefix; 0 = those headers are ignored.
        self.TRUSTED_PROXY_COUNT = _int("TRUSTED_PROXY_COUNT", 0)

        # Quotas per bucket address (app/services/quotas.py): bytes and files; unset = unlimited. An administrator
        # sets a bucket's own limits with PUT /usage.
        quota_bytes, quota_files = _env("QUOTA_DEFAULT_BYTES"), _env("QUOTA_DEFAULT_FILES")
        self.QUOTA_DEFAULT_BYTES = int(quota_bytes) if quota_bytes is not None else None
        self.QUOTA_DEFAULT_FILES = int(quota_files) if quota_files is not None else None
        # Logically deleted files are purged by the worker this many days after deletion; 0: kept until deleted.
        self.TRASH_RETENTION_DAYS = _float("TRASH_RETENTION_DAYS", 30.0)

        # Share links (docs/sharing.md): how long a link lives (seconds; default, bounds), the base of the URLs they
        # carry (a CDN in front of this service; unset: PUBLIC_BASE_URL, else the request's own), and how long a
        # shared cache may keep a download of a link without a download limit (seconds; 0: no-store, a revoked link
        # stops at once).
        self.SHARE_DEFAULT_EXPIRY = _int("SHARE_DEFAULT_EXPIRY", 7 * 24 * 3600)
        self.SHARE_MIN_EXPIRY = _int("SHARE_MIN_EXPIRY", 60)
        self.SHARE_MAX_EXPIRY = _int("SHARE_MAX_EXPIRY", 30 * 24 * 3600)
        self.PUBLIC_CDN_BASE_URL = _base_url("PUBLIC_CDN_BASE_URL")
        self.SHARE_CACHE_MAX_AGE = _int("SHARE_CACHE_MAX_AGE", 0)
        # Thumbnails (docs/sharing.md): the largest image read (bytes) and decoded (pixels, Pillow's decompression-
        # bomb guard), how many are made at once per worker process and how long a request waits for its turn
        # (then, or when four per slot already wait, 429 with Retry-After).
        self.THUMBNAIL_MAX_SOURCE_BYTES = _int("THUMBNAIL_MAX_SOURCE_BYTES", 32 * 1024**2)
        self.THUMBNAIL_MAX_PIXELS = _int("THUMBNAIL_MAX_PIXELS", 50_000_000)
        self.THUMBNAIL_CONCURRENCY = _int("THUMBNAIL_CONCURRENCY", 1)
        self.THUMBNAIL_WAIT = _float("THUMBNAIL_WAIT", 10.0)  # seconds a request may wait for its turn

        self.API_TITLE = "storage_service"
        self.API_VERSION = self.SERVICE_VERSION
        self.OPENAPI_VERSION = "3.0.3"
        self.OPENAPI_URL_PREFIX = "/"
        self.OPENAPI_JSON_PATH = "openapi.json"
        self.OPENAPI_SWAGGER_UI_PATH = "/docs"
        self.OPENAPI_SWAGGER_UI_URL = "/docs/assets/"
        self.API_SPEC_OPTIONS = {
            "info": {"description": "Document storage: upload, download, list, lock, copy, version, validate."},
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                    "cookieAuth": {"type": "apiKey", "in": "cookie", "name": self.JWT_COOKIE_NAME},
                    "storageEventsToken": {"type": "http", "scheme": "bearer", "description": "STORAGE_EVENTS_TOKEN"},
                }
            },
            "security": [{"bearerAuth": []}, {"cookieAuth": []}],
        }
        self.PAGINATION_HEADER_NAME = None
        self.JSON_SORT_KEYS = False
        self.MAX_FORM_MEMORY_SIZE = 1024 * 1024

    def missing(self) -> list[str]:
        """Names of required environment variables that are not set."""
        return [name for name in self.REQUIRED if _env(name) is None]

    def problems(self) -> list[str]:
        """Settings that are set but cannot be used in this environment."""
        return []


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestingConfig(Config):
    ENV_NAME = "testing"

    def __init__(self) -> None:
        super().__init__()
        self.TESTING = True


class ProductionConfig(Config):
    """A setting is required only where it is used; PROJECT_SERVICE_URL unset denies the projects bucket."""

    ENV_NAME = "production"
    REQUIRED = ("DATABASE_URL",)

    def __init__(self) -> None:
        super().__init__()
        self.DEV_TOKEN_COMMAND = False  # a production deployment never mints tokens
        # /metrics is off the public surface unless asked for: a scrape token, or METRICS_ENABLED=true.
        self.METRICS_ENABLED = _bool("METRICS_ENABLED", self.METRICS_TOKEN is not None)
        if _env("SECRET_KEY") is None and self.STORAGE_BACKEND != "local":
            # Only the local backend signs with SECRET_KEY; nothing may hold the published development default.
            self.SECRET_KEY = secrets.token_hex(32)

    def missing(self) -> list[str]:
        names = list(self.REQUIRED)
        if _env("MINIO_ENDPOINT") is None:
            names.append("STORAGE_BACKEND")  # otherwise it follows from MINIO_ENDPOINT
        names.append("JWT_PUBLIC_KEY" if _asymmetric(self.JWT_ALGORITHMS) else "JWT_SECRET")
        if self.STORAGE_BACKEND == "local":
            names.append("SECRET_KEY")  # signs the local store's presigned URLs, the same on every worker
        if self.STORAGE_BACKEND == "minio":
            names += ["MINIO_ENDPOINT", "MINIO_ACCESS_KEY", "MINIO_SECRET_KEY"]
        return [name for name in dict.fromkeys(names) if _env(name) is None]

    def problems(self) -> list[str]:
        if _asymmetric(self.JWT_ALGORITHMS) or len(self.JWT_SECRET.encode()) >= MIN_HMAC_SECRET_BYTES:
            return []
        return [f"JWT_SECRET must be at least {MIN_HMAC_SECRET_BYTES} bytes for HS* algorithms"]


class StagingConfig(ProductionConfig):
    ENV_NAME = "staging"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "staging": StagingConfig,
    "production": ProductionConfig,
}


class ConfigError(RuntimeError):
    """Raised when the configuration cannot start the service."""


def load_config(config_name: str | None = None) -> Config:
    """Pick the class from FLASK_ENV, load `.env.<env>` when present, and check required settings."""
    name = config_name or os.environ.get("FLASK_ENV") or "development"
    if name not in CONFIGS:
        raise ConfigError(f"Unknown FLASK_ENV {name!r}; expected one of {', '.join(CONFIGS)}")
    env_file = BASE_DIR / f".env.{name}"
    if env_file.is_file():
        load_dotenv(env_file, override=False)
    config = CONFIGS[name]()
    missing = config.missing()
    if missing:
        raise ConfigError(f"Missing required settings for {name}: {', '.join(missing)}")
    problems = config.problems()
    if problems:
        raise ConfigError(f"Unusable settings for {name}: {'; '.join(problems)}")
    return config
