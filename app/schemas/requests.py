"""Request schemas: each loads into a typed value a service takes; the field rules here are what the spec shows.

Address fields accept both field-name forms of contract §1; `app.schemas.address` applies the path rules and builds
the `Address` / `FileRef` after the fields' own checks (bucket enum, bucket id pattern, lengths, integer bounds).
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from marshmallow import (
    EXCLUDE,
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates,
    validates_schema,
)

from app.errors import InvalidPath
from app.schemas.address import (
    BUCKET_ID_RE,
    MAX_PATH_BYTES,
    Address,
    BucketChoice,
    FileRef,
    parse_address,
    parse_file_ref,
)
from app.services.content_types import MEDIA_TYPE_RE, parse_media_type

MAX_TEXT = 4096  # lock and unlock reasons, decision comments, commit messages
MAX_DESCRIPTION = 16384
MAX_TAG_KEY = 256
MAX_TAGS_BYTES = 64 * 1024  # the tags object serialized as JSON
MAX_PAGE = 1_000_000
MAX_OFFSET = 1_000_000_000
MAX_LIMIT = 1000
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)
STATUSES = ("draft", "pending_validation", "validated", "archived")
VERSION_STATUSES = ("draft", "pending_validation", "validated", "rejected", "corrupted")
EXPIRY = "Seconds, within PRESIGN_MIN_EXPIRY..PRESIGN_MAX_EXPIRY (else 400 invalid_expiry)"
FILE_EXPIRES_IN = "Seconds until the file expires, 1..MAX_FILE_TTL (else 400 invalid_expiry); not with expires_at"
FILE_EXPIRES_AT = "When the file expires (RFC 3339 with offset), at most MAX_FILE_TTL ahead; not with expires_in"
CATEGORIES = ("image", "video", "document", "archive", "other")
# A necessary shape of a path (the full rules of contract §1 are applied after loading): no backslash, no control
# character, no empty segment; an optional leading `/` (and for folders a trailing one).
# A segment: 1-255 characters, none of them `/`, `\`, a C0/C1 control, a bidi control, a zero-width or other common
# format character, or a line/paragraph separator (the byte length, NFC and NFKC rules are applied after loading).
_SEGMENT = r"[^/\\\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]{1,255}"
PATH_PATTERN = rf"^/?{_SEGMENT}(/{_SEGMENT})*$"
FOLDER_PATTERN = rf"^/?({_SEGMENT}(/{_SEGMENT})*/?)?$"


# The longest raw path field: a path of MAX_PATH_BYTES plus the README form's `/companies/<64-char id>` in front.
RAW_PATH = MAX_PATH_BYTES + len("/companies/") + 64


def _raw_path_length(value: str) -> None:
    """Checked on every path field, also one a `file_id` makes unused (the spec's maxLength holds everywhere)."""
    if len(value) > RAW_PATH:
        raise InvalidPath(f"The path is longer than {MAX_PATH_BYTES} bytes.")


def _text(max_length: int, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(max=max_length), **kwargs)


def _int(low: int, high: int, *, query: bool = False, **kwargs) -> fields.Integer:
    """JSON integers must be integers (no 1.0); query strings are text that must parse as one."""
    return fields.Integer(strict=not query, validate=validate.Range(min=low, max=high), **kwargs)


def address_fields(prefix: str = "", *, folder: bool = False) -> dict[str, fields.Field]:
    """The address fields in both name forms; `prefix` for the source_/target_ sides of copy and commit."""
    side = f"{prefix.rstrip('_')}-side " if prefix else ""
    pattern = FOLDER_PATTERN if folder else PATH_PATTERN
    what = "folder prefix" if folder else "path"

    def bucket(alias: str) -> fields.String:
        description = f"{side}bucket: users, companies or projects ({alias})"
        return fields.String(validate=BucketChoice(), metadata={"description": description})

    def bucket_id(alias: str) -> fields.String:
        return fields.String(
            validate=validate.Regexp(BUCKET_ID_RE, error="1-64 characters of A-Z, a-z, 0-9, _ and -."),
            metadata={"description": f"{side}owner id: user, company or project id ({alias})"},
        )

    def path(alias: str) -> fields.String:
        description = (
            f"{side}{what} inside the bucket ({alias}); README form /{{bucket}}/{{bucket_id}}/... accepted; "
            f"at most {MAX_PATH_BYTES} UTF-8 bytes inside the bucket"
        )
        return fields.String(
            validate=_raw_path_length, metadata={"description": description, "pattern": pattern, "maxLength": RAW_PATH}
        )

    return {
        f"{prefix}bucket_type": bucket("alias: bucket"),
        f"{prefix}bucket": bucket("alias of bucket_type"),
        f"{prefix}bucket_id": bucket_id("alias: id"),
        f"{prefix}id": bucket_id("alias of bucket_id"),
        f"{prefix}logical_path": path("alias: path"),
        f"{prefix}path": path("alias of logical_path"),
    }


def file_id_field() -> fields.UUID:
    return fields.UUID(metadata={"description": "File UUID, instead of the address"})


class _Loads(Schema):
    class Meta:
        unknown = EXCLUDE


AddressFieldsSchema = _Loads.from_dict(address_fields(), name="AddressFieldsSchema")
FileRefFieldsSchema = _Loads.from_dict({**address_fields(), "file_id": file_id_field()}, name="FileRefFieldsSchema")
FolderFieldsSchema = _Loads.from_dict(address_fields(folder=True), name="FolderFieldsSchema")


def _ref(data: dict, prefix: str = "", id_field: str = "file_id") -> FileRef:
    """The FileRef of loaded data: the (already checked) UUID, else the address built by the §1 rules."""
    file_id = data.get(id_field)
    return FileRef(file_id=file_id) if file_id is not None else parse_file_ref(data, prefix=prefix, id_field=id_field)


class FileRefSchema(FileRefFieldsSchema):
    """A file by `file_id` or by address."""

    @post_load
    def make(self, data, **_):
        return _ref(data)


# ---------------------------------------------------------------------------------------------- files and listing


@dataclass(frozen=True)
class ListQuery:
    folder: Address
    limit: int
    offset: int
    recursive: bool = True
    category: str | None = None
    status: str | None = None
    include_deleted: bool = False
    by_cursor: bool = False  # keyset pagination: `after` (None: from the start), no OFFSET and no total count
    after: ListCursor | None = None

    @property
    def page(self) -> int:
        return self.offset // self.limit + 1


MAX_CURSOR = 4096


@dataclass(frozen=True)
class ListCursor:
    """A position in a listing: just after the file at (path, id), in code-point order of paths."""

    path: str
    file_id: uuid.UUID

    def encode(self) -> str:
        """Opaque to clients: URL-safe base64 of a JSON pair, without padding."""
        text = json.dumps([self.path, str(self.file_id)], ensure_ascii=False, separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> ListCursor:
        """The cursor a `next_cursor` encoded; ValidationError (on `cursor`) for anything else."""
        try:
            raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
            path, file_id = json.loads(raw.decode())
            if not isinstance(path, str) or "\x00" in path:
                raise ValueError
            path.encode()  # no lone surrogate
            return cls(path, uuid.UUID(file_id))
        except (binascii.Error, UnicodeError, ValueError, TypeError, AttributeError):
            raise ValidationError("Not a cursor this service gave (use a next_cursor).", "cursor") from None


class ListArgsSchema(FolderFieldsSchema):
    page = _int(1, MAX_PAGE, query=True, load_default=1)
    offset = _int(0, MAX_OFFSET, query=True, metadata={"description": "Rows to skip; wins over page"})
    limit = _int(1, MAX_LIMIT, query=True, load_default=50)
    cursor = fields.String(
        validate=validate.Length(max=MAX_CURSOR),
        metadata={
            "description": "Keyset pagination instead of page/offset: empty for the first page, then the "
            "`next_cursor` of the previous answer. A page costs the same however deep; no total is counted."
        },
    )
    recursive = fields.Boolean(load_default=True)
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    status = fields.String(validate=validate.OneOf(STATUSES))
    include_deleted = fields.Boolean(load_default=False)

    @validates_schema(pass_original=True)
    def one_way_to_page(self, data, original, **_):
        if "cursor" in data and any(name in original for name in ("page", "offset")):
            raise ValidationError("Give either cursor or page/offset.", "cursor")

    @post_load
    def make(self, data, **_):
        offset = data.get("offset")
        if offset is None:
            offset = (data["page"] - 1) * data["limit"]
        cursor = data.get("cursor")
        return ListQuery(
            folder=parse_address(data, folder=True),
            limit=data["limit"],
            offset=0 if cursor is not None else offset,
            recursive=data["recursive"],
            category=data.get("category"),
            status=data.get("status"),
            include_deleted=data["include_deleted"],
            by_cursor=cursor is not None,
            after=ListCursor.decode(cursor) if cursor else None,
        )


@dataclass(frozen=True)
class MetadataQuery:
    ref: FileRef
    include_versions: bool = False
    include_locks: bool = False
    include_audit: bool = False


class MetadataArgsSchema(FileRefFieldsSchema):
    include_versions = fields.Boolean(load_default=False)
    include_locks = fields.Boolean(load_default=False)
    include_audit = fields.Boolean(load_default=False)

    @post_load
    def make(self, data, **_):
        flags = {name: data[name] for name in ("include_versions", "include_locks", "include_audit")}
        return MetadataQuery(ref=_ref(data), **flags)


@dataclass(frozen=True)
class FileExpiry:
    """When a file expires, as asked: `seconds` from now or the moment `at`; neither: never (PATCH expires_at null).
    The service bounds it by MAX_FILE_TTL (app/services/expiry.py)."""

    seconds: int | None = None
    at: datetime | None = None


def expiry_fields(prefix: str = "", *, query: bool = False, clearable: bool = False) -> dict[str, fields.Field]:
    """`expires_in` and `expires_at` (with a prefix where `expires_in` already names something else)."""
    clear = "; null: the file never expires" if clearable else ""
    return {
        f"{prefix}expires_in": _int(INT64_MIN, INT64_MAX, query=query, metadata={"description": FILE_EXPIRES_IN}),
        f"{prefix}expires_at": fields.AwareDateTime(
            allow_none=clearable, metadata={"description": FILE_EXPIRES_AT + clear}
        ),
    }


def file_expiry(data: dict, prefix: str = "") -> FileExpiry | None:
    """The expiry the loaded fields of `expiry_fields` ask for; None when none was given."""
    seconds, at = f"{prefix}expires_in", f"{prefix}expires_at"
    if seconds in data and at in data:
        raise ValidationError(f"Give {seconds} or {at}, not both.", field_name=at)
    if seconds not in data and at not in data:
        return None
    return FileExpiry(seconds=data.get(seconds), at=data.get(at))


class TagsField(fields.Dict):
    """A JSON object of tags; values keep their JSON types. Keys and the serialized size are bounded."""

    def __init__(self, **kwargs) -> None:
        super().__init__(keys=fields.String(validate=validate.Length(min=1, max=MAX_TAG_KEY)), **kwargs)
        self.metadata.setdefault(
            "description", f"Keys 1-{MAX_TAG_KEY} characters; at most {MAX_TAGS_BYTES} bytes as JSON"
        )

    def _deserialize(self, value, attr, data, **kwargs):
        tags = super()._deserialize(value, attr, data, **kwargs)
        if len(json.dumps(tags, ensure_ascii=False).encode()) > MAX_TAGS_BYTES:
            raise ValidationError(f"The tags are larger than {MAX_TAGS_BYTES} bytes as JSON.")
        return tags


class MetadataUpdateSchema(Schema.from_dict(expiry_fields(clearable=True))):
    """The changes of PATCH /metadata. Unknown fields are refused: a field that would be ignored is an error."""

    class Meta:
        unknown = RAISE

    tags = TagsField()
    description = _text(MAX_DESCRIPTION, allow_none=True)


class MetadataPatchSchema(_Loads.from_dict({**address_fields(), "file_id": file_id_field()}), MetadataUpdateSchema):
    """The JSON body of PATCH /metadata; the address may come here instead of the query."""

    class Meta:
        unknown = RAISE

    @post_load
    def make(self, data, **_):
        changes = {name: data[name] for name in ("tags", "description") if name in data}
        expiry = file_expiry(data)
        if expiry is not None:
            changes["expiry"] = expiry
        if not changes:
            raise ValidationError("Give tags, description, expires_in and/or expires_at.", field_name="_schema")
        return MetadataUpdate(NamedFile(data), changes)


REF_FIELDS = ("file_id", *address_fields())


@dataclass(frozen=True)
class NamedFile:
    """The file-naming fields of one location (query string or JSON body), resolved only if that location is used."""

    fields: dict

    def ref(self) -> FileRef | None:
        """The FileRef when the location names a file (MissingFields when only partly), else None."""
        return _ref(self.fields) if any(self.fields.get(n) not in (None, "") for n in REF_FIELDS) else None


NOTHING = NamedFile({})


def either_ref(*locations: NamedFile) -> FileRef:
    """The file named by the first location that names one (the body before the query); MissingFields if none does."""
    from app.errors import MissingFields

    for location in locations:
        ref = location.ref()
        if ref is not None:
            return ref
    names = ["bucket_type", "logical_path", "file_id"]
    raise MissingFields(f"Missing required fields: {', '.join(names[:2])} (or file_id).", fields=names)


@dataclass(frozen=True)
class MetadataUpdate:
    """The file (when the body names it) and only the fields the client sent: `tags` replaces the whole object."""

    named: NamedFile
    changes: dict


class QueryFileRefSchema(FileRefFieldsSchema):
    """A file named in the query string of a request whose JSON body may name it instead."""

    @post_load
    def make(self, data, **_):
        return NamedFile(data)


@dataclass(frozen=True)
class DeleteCommand:
    ref: FileRef
    physical: bool = False


@dataclass(frozen=True)
class DeleteFields:
    named: NamedFile
    physical: bool = False

    @staticmethod
    def merge(query: DeleteFields, body: DeleteFields | None) -> DeleteCommand:
        """DELETE /delete names the file in the JSON body or the query string (the body wins)."""
        body = body or DeleteFields(NOTHING)
        return DeleteCommand(either_ref(body.named, query.named), body.physical or query.physical)


class DeleteSchema(FileRefFieldsSchema):
    """The file to delete and how; the file may be named in the query string instead."""

    physical = fields.Boolean(load_default=False)

    @post_load
    def make(self, data, **_):
        return DeleteFields(NamedFile(data), data["physical"])


# ---------------------------------------------------------------------------------------------------------- uploads


class UploadFormSchema(AddressFieldsSchema.from_dict(expiry_fields(query=True))):
    """Documentation of the multipart form of `POST /upload/proxy` (the body is parsed as a stream).

    Send the address fields before the `file` part: a file part that comes first is spooled (at most
    MAX_UPLOAD_SIZE bytes) until they are known.
    """

    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})
    description = _text(MAX_DESCRIPTION)
    tags = fields.String(metadata={"description": "JSON object as text (the rules of PATCH /metadata tags)"})
    checksum_sha256 = fields.String(validate=validate.Regexp(r"^[0-9a-fA-F]{64}$"))


@dataclass(frozen=True)
class UploadFields:
    """The proxy upload's form fields other than the address."""

    description: str | None = None
    tags: dict | None = None
    checksum_sha256: str | None = None
    expiry: FileExpiry | None = None


class _UploadExtrasSchema(_Loads.from_dict(expiry_fields(query=True))):
    description = _text(MAX_DESCRIPTION)
    tags = TagsField()
    checksum_sha256 = fields.String(validate=validate.Regexp(r"^[0-9a-fA-F]{64}$"))

    @post_load
    def make(self, data, **_):
        checksum = data.get("checksum_sha256")
        return UploadFields(
            data.get("description"), data.get("tags"), checksum.lower() if checksum else None, file_expiry(data)
        )


def upload_fields(form: dict[str, str]) -> UploadFields:
    """Parse the optional fields of a proxy upload form (tags arrive as JSON text); 400 validation_error when bad."""
    from app.errors import ValidationError as BadRequest

    raw = {k: v for k, v in form.items() if k in _UploadExtrasSchema._declared_fields and v != ""}
    if "tags" in raw:
        try:
            raw["tags"] = json.loads(raw["tags"])
        except ValueError:
            raise BadRequest("tags must be a JSON object.", errors={"tags": ["Not valid JSON."]}) from None
    try:
        return _UploadExtrasSchema().load(raw)
    except ValidationError as exc:
        raise BadRequest("The form has invalid fields.", errors=exc.normalized_messages()) from None


@dataclass(frozen=True)
class PresignUpload:
    address: Address
    content_type: str | None = None
    size: int | None = None
    checksum_sha256: str | None = None
    expires_in: int | None = None
    method: str = "PUT"
    file_expiry: FileExpiry | None = None


class DeclaredUploadSchema(AddressFieldsSchema):
    """Where an upload goes and what its client declares of the bytes to come (checked when they have arrived)."""

    content_type = fields.String(
        validate=validate.Length(max=255),
        metadata={
            "description": "RFC 6838 type/subtype (parameters allowed, dropped), e.g. application/pdf; checked "
            "against ALLOWED_MIME_TYPES",
            "pattern": f"^{MEDIA_TYPE_RE.pattern}$",
        },
    )
    checksum_sha256 = fields.String(
        validate=validate.Regexp(r"^[0-9a-fA-F]{64}$"),
        metadata={"description": "SHA-256 of the whole file (hex); checked when the upload completes"},
    )

    @validates("content_type")
    def _media_type(self, value, data_key):
        parse_media_type(value)


def declared(data: dict) -> dict:
    """The address, the declared type (parameters dropped) and checksum (lower case) of loaded DeclaredUploadSchema
    data, as keyword arguments of the typed request."""
    checksum = data.get("checksum_sha256")
    return {
        "address": parse_address(data),
        "content_type": parse_media_type(data["content_type"]) if data.get("content_type") else None,
        "checksum_sha256": checksum.lower() if checksum else None,
    }


class PresignUploadSchema(DeclaredUploadSchema.from_dict(expiry_fields("file_"))):
    """`expires_in` is the URL's lifetime; `file_expires_in` / `file_expires_at`, the file's (as on other uploads)."""

    size = _int(0, INT64_MAX)
    expires_in = _int(INT64_MIN, INT64_MAX, metadata={"description": EXPIRY})
    method = fields.String(validate=validate.OneOf(["PUT", "POST"]), load_default="PUT")

    @post_load
    def make(self, data, **_):
        return PresignUpload(
            **declared(data),
            size=data.get("size"),
            expires_in=data.get("expires_in"),
            method=data["method"],
            file_expiry=file_expiry(data, "file_"),
        )


class ConfirmUploadSchema(_Loads):
    upload_id = fields.UUID(required=True)


# -------------------------------------------------------------------------------------------------------- downloads


@dataclass(frozen=True)
class VersionQuery:
    ref: FileRef
    version: int | None = None
    expires_in: int | None = None


class VersionArgsSchema(FileRefFieldsSchema):
    version = _int(1, INT64_MAX, query=True, metadata={"description": "Version number (default: the current one)"})

    @post_load
    def make(self, data, **_):
        return VersionQuery(ref=_ref(data), version=data.get("version"), expires_in=data.get("expires_in"))


class PresignDownloadArgsSchema(VersionArgsSchema):
    expires_in = _int(INT64_MIN, INT64_MAX, query=True, metadata={"description": EXPIRY})


class PresignDownloadBodySchema(PresignDownloadArgsSchema):
    """The JSON body of POST /download/presign: the same fields as the GET's query."""

    version = _int(1, INT64_MAX, metadata={"description": "Version number (default: the current one)"})
    expires_in = _int(INT64_MIN, INT64_MAX, metadata={"description": EXPIRY})


# ---------------------------------------------------------------------------------------------------- collaboration


@dataclass(frozen=True)
class LockCommand:
    ref: FileRef
    reason: str | None = None
    lock_type: str = "edit"
    expires_in: int | None = None


class LockRequestSchema(FileRefFieldsSchema):
    reason = _text(MAX_TEXT, allow_none=True)
    lock_type = fields.String(validate=validate.OneOf(["edit", "review", "admin"]), load_default="edit")
    expires_in = _int(INT64_MIN, INT64_MAX, metadata={"description": "Seconds, within LOCK_MIN_TTL..LOCK_MAX_TTL"})

    @post_load
    def make(self, data, **_):
        return LockCommand(_ref(data), data.get("reason"), data["lock_type"], data.get("expires_in"))


@dataclass(frozen=True)
class UnlockCommand:
    ref: FileRef
    force: bool = False
    reason: str | None = None


class UnlockRequestSchema(FileRefFieldsSchema):
    force = fields.Boolean(load_default=False)
    reason = _text(MAX_TEXT, allow_none=True)

    @post_load
    def make(self, data, **_):
        return UnlockCommand(_ref(data), data["force"], data.get("reason"))


@dataclass(frozen=True)
class LocksQuery:
    file_id: uuid.UUID | None = None
    folder: Address | None = None
    mine: bool = False


class LocksArgsSchema(_Loads.from_dict({**address_fields(folder=True), "file_id": file_id_field()})):
    mine = fields.Boolean(load_default=False)

    @post_load
    def make(self, data, **_):
        folder = None
        if data.get("file_id") is None and (data.get("bucket") or data.get("bucket_type")):
            folder = parse_address(data, folder=True)
        return LocksQuery(data.get("file_id"), folder, data["mine"])


@dataclass(frozen=True)
class CopyCommand:
    source: FileRef
    target: Address
    lock_source: bool = True
    overwrite: bool = False


class CopyRequestSchema(
    _Loads.from_dict({**address_fields("source_"), **address_fields("target_"), "source_file_id": file_id_field()})
):
    lock_source = fields.Boolean(load_default=True)
    overwrite = fields.Boolean(load_default=False)

    @post_load
    def make(self, data, **_):
        source = _ref(data, "source_", "source_file_id")
        return CopyCommand(source, parse_address(data, prefix="target_"), data["lock_source"], data["overwrite"])


@dataclass(frozen=True)
class VersionsQuery:
    ref: FileRef
    status: str | None = None
    limit: int = 50
    offset: int = 0


class VersionsArgsSchema(FileRefFieldsSchema):
    status = fields.String(validate=validate.OneOf(VERSION_STATUSES))
    limit = _int(1, MAX_LIMIT, query=True, load_default=50)
    offset = _int(0, MAX_OFFSET, query=True, load_default=0)

    @post_load
    def make(self, data, **_):
        return VersionsQuery(_ref(data), data.get("status"), data["limit"], data["offset"])


@dataclass(frozen=True)
class CommitCommand:
    source: FileRef
    target: FileRef
    message: str | None = None
    base_version: int | None = None
    keep_lock: bool = False


class CommitRequestSchema(
    _Loads.from_dict(
        {
            **address_fields("source_"),
            **address_fields("target_"),
            "source_file_id": file_id_field(),
            "file_id": file_id_field(),
        }
    )
):
    message = _text(MAX_TEXT, metadata={"description": "The change log (alias: changelog)"})
    changelog = _text(MAX_TEXT, metadata={"description": "Alias of message"})
    base_version = _int(0, INT64_MAX, metadata={"description": "Default: the version the working copy came from"})
    keep_lock = fields.Boolean(load_default=False)

    @post_load
    def make(self, data, **_):
        return CommitCommand(
            source=_ref(data, "source_", "source_file_id"),
            target=_ref(data, "target_", "file_id"),
            message=data.get("message") or data.get("changelog"),
            base_version=data.get("base_version"),
            keep_lock=data["keep_lock"],
        )


class DecisionSchema(_Loads):
    comment = _text(MAX_TEXT, allow_none=True)


# ---------------------------------------------------------------------------------------- trash, restore and quotas

MAX_FILES_LIMIT = 2**31 - 1  # bucket_usage.files_used is a 32-bit integer


class BucketArgsSchema(FolderFieldsSchema):
    """A bucket address (bucket and bucket id, or the README form `/{bucket}/{bucket_id}`), no folder inside it."""

    @post_load
    def make(self, data, **_):
        address = parse_address(data, folder=True)
        if address.path:
            raise ValidationError("Usage is per bucket: give no path beyond the bucket id.", "path")
        return address


@dataclass(frozen=True)
class QuotaLimits:
    """Limits an administrator sets for one bucket address; None: back to QUOTA_DEFAULT_BYTES / _FILES."""

    max_bytes: int | None = None
    max_files: int | None = None


class QuotaLimitsSchema(Schema):
    """PUT /usage: the bucket's own limits; null or absent returns to the configured default."""

    class Meta:
        unknown = RAISE

    max_bytes = _int(0, INT64_MAX, allow_none=True, metadata={"description": "Bytes; null: QUOTA_DEFAULT_BYTES"})
    max_files = _int(0, MAX_FILES_LIMIT, allow_none=True, metadata={"description": "Files; null: QUOTA_DEFAULT_FILES"})

    @post_load
    def make(self, data, **_):
        return QuotaLimits(data.get("max_bytes"), data.get("max_files"))


@dataclass(frozen=True)
class TrashQuery:
    folder: Address
    limit: int = 50
    offset: int = 0


class TrashArgsSchema(FolderFieldsSchema):
    limit = _int(1, MAX_LIMIT, query=True, load_default=50)
    offset = _int(0, MAX_OFFSET, query=True, load_default=0)

    @post_load
    def make(self, data, **_):
        return TrashQuery(parse_address(data, folder=True), data["limit"], data["offset"])


class RestoreFileSchema(_Loads):
    """POST /restore: the logically deleted file to bring back (several deleted files may share an address)."""

    file_id = fields.UUID(required=True, metadata={"description": "The file's UUID, as GET /trash lists it"})

    @post_load
    def make(self, data, **_):
        return data["file_id"]


@dataclass(frozen=True)
class RestoreVersionCommand:
    message: str | None = None
    base_version: int | None = None


class RestoreVersionSchema(_Loads):
    message = _text(MAX_TEXT, metadata={"description": 'The change log (default: "Restored from version N")'})
    base_version = _int(
        0,
        INT64_MAX,
        metadata={"description": "The file's newest version number the caller expects; else 409 version_conflict"},
    )

    @post_load
    def make(self, data, **_):
        return RestoreVersionCommand(data.get("message"), data.get("base_version"))
