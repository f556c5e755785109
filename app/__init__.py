"""Application factory: wiring only."""

from __future__ import annotations

import logging
import re
import uuid
from pathlib import Path

from flask import Flask, g, has_request_context, request
from flask.sessions import SessionInterface

from app import extensions, observability
from app.config import database_url, load_config

REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """Build the app for FLASK_ENV (or config_name); keyword overrides win over the environment."""
    app = Flask(__name__, instance_relative_config=True)
    app.json.sort_keys = False
    config = load_config(config_name)
    app.config.from_object(config)
    app.config.update({k: v for k, v in overrides.items() if k.isupper()})
    if "DATABASE_URL" in overrides:
        app.config["SQLALCHEMY_DATABASE_URI"] = overrides["DATABASE_URL"]
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    configure_logging(app)
    register_proxy_fix(app)
    register_extensions(app, clock=overrides.get("clock"))
    register_request_hooks(app)
    observability.init_app(app)
    warn_about_settings(app)
    register_response_headers(app)
    register_blueprints(app)
    register_docs_assets(app)
    register_error_handlers(app)
    register_commands(app)
    return app


def configure_logging(app: Flask) -> None:
    """The level here; handlers and the JSON or text format in `observability.init_app`."""
    logging.getLogger().setLevel(app.config["LOG_LEVEL"])
    app.logger.setLevel(app.config["LOG_LEVEL"])


def register_extensions(app: Flask, clock=None) -> None:
    from app.api import rate_limits
    from app.auth.access import AccessPolicy
    from app.auth.project_client import ProjectClient
    from app.auth.tokens import TokenSettings
    from app.clock import Clock
    from app.storage import build_store
    from app.storage.cache import SmallObjectCache

    _ensure_sqlite_dir(app)
    extensions.db.init_app(app)
    with app.app_context():
        extensions.ping_after_idle(extensions.db.engine, app.config["DATABASE_PING_AFTER_IDLE"])
    extensions.migrate.init_app(app, extensions.db, directory=str(Path(app.root_path).parent / "migrations"))
    extensions.api.init_app(app)
    if app.config["CORS_ORIGINS"]:
        from flask_cors import CORS

        CORS(
            app,
            origins=app.config["CORS_ORIGINS"],
            supports_credentials=True,
            expose_headers=[
                "Content-Disposition",
                "Content-Range",
                "ETag",
                "X-File-ID",
                "X-Version-ID",
                "X-Request-ID",
                *rate_limits.EXPOSED_HEADERS,
            ],
        )
    url = app.config["PROJECT_SERVICE_URL"]
    client = (
        ProjectClient(
            url,
            app.config["PROJECT_SERVICE_TIMEOUT"],
            app.config["PROJECT_SERVICE_RETRY_AFTER"],
            app.config["PROJECT_SERVICE_MAX_CONCURRENCY"],
            dialect=app.config["PROJECT_SERVICE_DIALECT"],
            breaker_failures=app.config["PROJECT_SERVICE_BREAKER_FAILURES"],
            breaker_reset=app.config["PROJECT_SERVICE_BREAKER_RESET"],
            clock=clock or Clock(),
        )
        if url
        else None
    )
    app.extensions["project_client"] = client
    app.extensions["policy"] = AccessPolicy(client, app.config["PROJECT_SERVICE_RETRY_AFTER"])
    app.extensions["token_settings"] = TokenSettings.from_config(app.config)
    app.extensions["clock"] = clock or Clock()
    app.extensions["object_store"] = build_store(app.config, app.extensions["clock"], base_url=request_base_url)
    app.extensions["small_objects"] = SmallObjectCache(
        app.config["DOWNLOAD_CACHE_BYTES"], app.config["DOWNLOAD_CACHE_OBJECT_BYTES"]
    )
    rate_limits.init_app(app)


def warn_about_settings(app: Flask) -> None:
    """Log, once at start, settings that leave part of the service refusing requests."""
    if not app.config["PROJECT_SERVICE_URL"]:
        app.logger.warning("PROJECT_SERVICE_URL is not set: every projects-bucket request is denied")


def request_base_url() -> str | None:
    """The current request's own base URL (after ProxyFix), or None outside a request."""
    return request.url_root if has_request_context() else None


def register_proxy_fix(app: Flask) -> None:
    """Honour X-Forwarded-* only from the TRUSTED_PROXY_COUNT proxies in front (none by default)."""
    count = app.config["TRUSTED_PROXY_COUNT"]
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count, x_prefix=count)


def _ensure_sqlite_dir(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


class NoSessions(SessionInterface):
    """Flask's cookie session is not used (tokens authenticate every request, the UI included): no request opens
    or signs one. Flask's own interface would build its signing serializer on every request to find no cookie."""

    def open_session(self, app: Flask, request) -> None:
        return None  # Flask then uses a NullSession, which refuses writes

    def save_session(self, app: Flask, session, response) -> None:
        return None


def register_request_hooks(app: Flask) -> None:
    app.session_interface = NoSessions()

    @app.before_request
    def assign_request_id():
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if REQUEST_ID_RE.fullmatch(given) else uuid.uuid4().hex

    @app.after_request
    def echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response


def register_response_headers(app: Flask) -> None:
    from app.api.headers import init_app

    init_app(app)


def register_blueprints(app: Flask) -> None:
    from app import ui
    from app.api import API_BLUEPRINTS
    from app.api.local_objects import blp as local_objects
    from app.api.system import blp as system

    extensions.api.register_blueprint(system)
    for blueprint in API_BLUEPRINTS:
        extensions.api.register_blueprint(blueprint)
    app.register_blueprint(local_objects)
    ui.init_app(app)  # the web page at /ui (app/ui)


def register_docs_assets(app: Flask) -> None:
    """Serve the Swagger UI assets from the swagger-ui-bundle package, so /docs works without internet."""
    from flask import Blueprint
    from swagger_ui_bundle import swagger_ui_path

    prefix = app.config["OPENAPI_SWAGGER_UI_URL"].rstrip("/")
    app.register_blueprint(Blueprint("docs_assets", __name__, static_folder=swagger_ui_path, static_url_path=prefix))


def register_error_handlers(app: Flask) -> None:
    from app.api.errors import register_error_handlers as register

    register(app)


def register_commands(app: Flask) -> None:
    from app.cli import storage

    app.cli.add_command(storage)
