"""The web page at /ui: server-rendered folders and files; changes go through the JSON API from app/static/ui.js.

Reads (a folder, a file) call the same services as GET /list and GET /metadata, authenticated and rate-limited like
them (the `reads` budget). Every change (upload, lock, copy, commit, approve, reject, delete) is a same-origin
request of ui.js to the JSON API, so the page holds no second copy of any rule: the API's CSRF check, validation,
authorization, audit and events apply as they are.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import Blueprint, current_app, g, make_response, redirect, render_template, request, url_for
from marshmallow import ValidationError as SchemaError
from werkzeug.exceptions import HTTPException

from app.api.errors import handle_app_error, handle_unexpected
from app.api.files import FileListSchema, MetadataSchema
from app.api.limits import check_query_string
from app.api.rate_limits import authenticate_and_limit
from app.api.security import caller, check_csrf
from app.api.sharing import ShareListSchema
from app.auth.tokens import mint_development_token
from app.errors import AppError, ValidationError
from app.schemas.requests import ListArgsSchema, MetadataArgsSchema
from app.schemas.sharing import SharesArgsSchema
from app.services import files, sharing

bp = Blueprint("ui", __name__, url_prefix="/ui", static_folder="../static", static_url_path="/static")

# Files up to this size go through POST /upload/proxy (one request); larger ones straight to the object store
# through a presigned PUT (POST /upload/presign, PUT, POST /upload/confirm), so the service never carries their bytes.
PRESIGN_THRESHOLD = 8 * 1024 * 1024
PAGE_SIZE = 100
# The media types GET /thumbnail makes thumbnails of (JPEG, PNG, WebP, GIF: app/services/thumbnails.FORMATS).
THUMBNAIL_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")
DEV_TOKEN_TTL = 8 * 3600
# Only this origin's scripts and styles; connections to this origin and to the object store's public endpoint
# (presigned PUTs), forms posted here only, and never framed.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'{store}; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
OPEN_PATHS = ("ui.sign_in", "ui.dev_sign_in", "ui.sign_out", "ui.static")


def init_app(app) -> None:
    """The blueprint, and `/` leading to the page where development conveniences are on (DEV_TOKEN_COMMAND)."""
    app.register_blueprint(bp)
    if app.config["DEV_TOKEN_COMMAND"]:
        app.add_url_rule("/", "ui_root", lambda: redirect(url_for("ui.browse")))


@bp.before_request
def authenticate_page():
    """A page needs the platform's cookie (or a Bearer header); without any, the sign-in page answers."""
    g.dev_sign_in = _dev_sign_in_enabled()
    check_query_string(request.query_string)  # the API's rule: UTF-8 without NUL, before anything else
    if request.endpoint in OPEN_PATHS:
        return None
    if not request.headers.get("Authorization") and not request.cookies.get(current_app.config["JWT_COOKIE_NAME"]):
        return redirect(url_for("ui.sign_in", next=request.full_path.rstrip("?")))
    authenticate_and_limit()
    return None


@bp.after_request
def page_headers(response):
    response.headers["Content-Security-Policy"] = PAGE_CSP.format(store=_store_origin())
    response.headers["Referrer-Policy"] = "same-origin"
    if request.endpoint != "ui.static":
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(AppError)
def page_error(error: AppError):
    """The API's bookkeeping (audit of a denial, metrics), then the error as a page with the same status."""
    handle_app_error(error)
    if error.code in ("unauthorized", "missing_jwt_token"):
        return render_template("sign_in.html", error="Your session has ended or is not valid: sign in again."), 401
    return render_template("error.html", error=error.to_dict()), error.status, error.headers  # e.g. Retry-After


@bp.errorhandler(HTTPException)
def page_http_error(error: HTTPException):
    return render_template("error.html", error={"message": error.name, "detail": error.description}), error.code


@bp.errorhandler(Exception)
def page_failure(error: Exception):
    """Database or object store trouble, or a bug: the API's answer (logged, no details), as a page."""
    answer = handle_unexpected(error)
    return render_template("error.html", error=answer.get_json()), answer.status_code


@bp.app_template_test("thumbnailed")
def has_thumbnail(item: dict) -> bool:
    """Whether the page shows a thumbnail of a file: an image of a type GET /thumbnail reads, with a version."""
    return item.get("mime_type") in THUMBNAIL_TYPES and item.get("current_version_number") is not None


@bp.get("")
@bp.get("/")
def browse():
    """A folder of a user, company or project space: sub-folders, files and the upload form."""
    args = request.args.to_dict()
    if not {"bucket", "bucket_type"} & args.keys():  # no space named: the caller's own
        args = {**args, "bucket": "users", "id": g.principal.user_id}
    query = _load(ListArgsSchema, {**args, "recursive": "false", "limit": str(PAGE_SIZE)})
    listing = FileListSchema().dump(files.list_files(caller(), query))
    space = Space(query.folder.bucket, query.folder.bucket_id, _folder(query.folder.path))
    return render_template("browse.html", space=space, listing=listing, page=query.page, threshold=PRESIGN_THRESHOLD)


@bp.get("/file")
def file_page():
    """One file: details, lock, versions (approve or reject pending ones), and the actions on it."""
    args = {**request.args.to_dict(), "include_versions": "true"}
    meta = MetadataSchema().dump(files.get_metadata(caller(), _load(MetadataArgsSchema, args)))
    item = meta["file"]
    folder = item["logical_path"].rpartition("/")[0]
    space = Space(item["bucket_type"], item["bucket_id"], _folder(folder))
    workspace = _workspace_path(item)
    return render_template(
        "file.html",
        space=space,
        meta=meta,
        item=item,
        workspace=workspace,
        copy=_working_copy(workspace),
        shares=_share_links(item["id"]),
        share_expiries=_share_expiries(),
    )


@bp.get("/<path:unknown>")
def not_found(unknown: str):
    """A page that does not exist, as a page (with the way back) rather than the API's JSON 404."""
    return render_template("error.html", error={"message": "not_found", "detail": "There is no such page."}), 404


@bp.get("/sign-in")
def sign_in():
    return render_template("sign_in.html", next_url=_safe_next(request.args.get("next")))


@bp.post("/sign-in")
def dev_sign_in():
    """Development sign-in: sets the same cookie the platform sets, with a token this service signs."""
    if not g.dev_sign_in:
        return render_template("sign_in.html", error="Sign in through the platform."), 404
    check_csrf()  # the API's rule (contract §9): one rule, not a copy
    form = request.form
    user_id, company_id = form.get("user_id", "").strip(), form.get("company_id", "").strip() or None
    if not user_id or len(user_id) > 64 or (company_id and len(company_id) > 64):
        return render_template("sign_in.html", error="Give a user id of 1 to 64 characters."), 400
    roles = ("admin",) if form.get("admin") else ()
    token = mint_development_token(current_app.config, user_id, company_id, roles, DEV_TOKEN_TTL)
    response = make_response(redirect(_safe_next(form.get("next")) or url_for("ui.browse")))
    response.set_cookie(
        current_app.config["JWT_COOKIE_NAME"],
        token,
        max_age=DEV_TOKEN_TTL,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response


@bp.post("/sign-out")
def sign_out():
    check_csrf()  # the API's rule (contract §9): one rule, not a copy
    response = make_response(redirect(url_for("ui.sign_in")))
    response.delete_cookie(current_app.config["JWT_COOKIE_NAME"])
    return response


@bp.app_template_filter("size")
def size_text(value) -> str:
    """Bytes for people: 0 B, 12 KiB, 3.4 MiB (binary units, as the limits are configured)."""
    if value is None:
        return "–"
    amount = float(value)
    if amount < 1024:
        return f"{int(amount)} B"
    for unit in ("KiB", "MiB"):
        amount /= 1024
        if amount < 1024:
            return f"{amount:.1f} {unit}"
    return f"{amount / 1024:.1f} GiB"


@bp.app_template_filter("when")
def when_text(value: str | None) -> str:
    """An ISO 8601 timestamp as `2026-12-02 13:20 UTC` (the representations are in UTC)."""
    if not value:
        return "–"
    return f"{value[:10]} {value[11:16]} UTC"


class Space:
    """Where a page is: a bucket, its id, the folder inside it (no leading slash, ends with / unless the root)."""

    LABELS = {"users": "User", "companies": "Company", "projects": "Project"}

    def __init__(self, bucket: str, bucket_id: str, folder: str) -> None:
        self.bucket, self.bucket_id, self.folder = bucket, bucket_id, folder

    @property
    def title(self) -> str:
        principal = g.principal
        if self.bucket == "users" and self.bucket_id == principal.user_id:
            return "My files"
        if self.bucket == "companies" and self.bucket_id == principal.company_id:
            return "My company"
        return f"{self.LABELS.get(self.bucket, self.bucket)} {self.bucket_id}"

    def url(self, folder: str = "") -> str:
        query = {"bucket": self.bucket, "id": self.bucket_id}
        if folder:
            query["path"] = folder
        return f"{url_for('ui.browse')}?{urlencode(query)}"

    def file_url(self, path: str) -> str:
        return f"{url_for('ui.file_page')}?{urlencode({'bucket': self.bucket, 'id': self.bucket_id, 'path': path})}"

    def crumbs(self) -> list[tuple[str, str]]:
        """(name, url) from the space's root to the current folder."""
        parts = [p for p in self.folder.split("/") if p]
        return [(name, self.url("/".join(parts[: i + 1]) + "/")) for i, name in enumerate(parts)]


def _load(schema, args: dict):
    try:
        return schema().load(args)
    except SchemaError as exc:
        raise ValidationError("The address is not valid.", errors=exc.normalized_messages()) from None


def _folder(path: str) -> str:
    path = path.strip("/")
    return f"{path}/" if path else ""


def _workspace_path(item: dict) -> str:
    """Where "copy to my workspace" puts a file by default: workspace/<bucket>/<id>/<path> in the caller's space."""
    return f"workspace/{item['bucket_type']}/{item['bucket_id']}/{item['logical_path'].lstrip('/')}"


def _working_copy(path: str) -> dict | None:
    """The caller's file at `path` in their own space (the default working copy), or None when there is none."""
    try:
        query = _load(MetadataArgsSchema, {"bucket": "users", "id": g.principal.user_id, "path": path})
        return MetadataSchema().dump(files.get_metadata(caller(), query))["file"]
    except AppError:  # none there (or the path is too long to be one): the page says so
        return None


def _share_links(file_id: str) -> list[dict] | None:
    """The file's share links (newest first), or None when the caller may not share it (GET /share needs write)."""
    try:
        query = _load(SharesArgsSchema, {"file_id": file_id, "limit": str(PAGE_SIZE)})
        return ShareListSchema().dump(sharing.list_shares(caller(), query))["shares"]
    except AppError:
        return None


def _share_expiries() -> list[tuple[int, str]]:
    """The link lifetimes offered: those within SHARE_MIN_EXPIRY..SHARE_MAX_EXPIRY, the default among them."""
    config = current_app.config
    offered = {3600: "1 hour", 86400: "1 day", 7 * 86400: "7 days", 30 * 86400: "30 days"}
    offered.setdefault(config["SHARE_DEFAULT_EXPIRY"], f"{config['SHARE_DEFAULT_EXPIRY']} seconds")
    low, high = config["SHARE_MIN_EXPIRY"], config["SHARE_MAX_EXPIRY"]
    return sorted((seconds, label) for seconds, label in offered.items() if low <= seconds <= high)


def _dev_sign_in_enabled() -> bool:
    config = current_app.config
    return bool(config["DEV_TOKEN_COMMAND"]) and any(a.startswith("HS") for a in config["JWT_ALGORITHMS"])


def _safe_next(value: str | None) -> str | None:
    """Only a path on this page (no scheme, no host, no protocol-relative //): never an open redirect."""
    if not value or not value.startswith("/ui") or value.startswith("//") or "\\" in value:
        return None
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else None


def _store_origin() -> str:
    """The object store's public origin when presigned URLs point away from this service, else nothing."""
    config = current_app.config
    minio = config["STORAGE_BACKEND"] == "minio"
    base = config["MINIO_PUBLIC_ENDPOINT"] if minio else config["PUBLIC_BASE_URL"] or ""
    parts = urlsplit(base)
    return f" {parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""
