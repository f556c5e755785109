"""Request schemas of share links, moves and thumbnails: each loads into the typed value its service takes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from app.schemas.address import Address, FileRef, parse_address
from app.schemas.requests import (
    INT64_MAX,
    INT64_MIN,
    MAX_LIMIT,
    MAX_OFFSET,
    FileRefFieldsSchema,
    NamedFile,
    VersionArgsSchema,
    _int,
    _Loads,
    _ref,
    address_fields,
    file_id_field,
)

THUMBNAIL_SIZES = (64, 256, 1024)
MAX_DOWNLOADS = 1_000_000
SHARE_EXPIRY = "Seconds the link lives, within SHARE_MIN_EXPIRY..SHARE_MAX_EXPIRY (else 400 invalid_expiry)"


# ------------------------------------------------------------------------------------------------------ share links


@dataclass(frozen=True)
class ShareCommand:
    ref: FileRef
    version_id: uuid.UUID | None = None
    expires_in: int | None = None
    max_downloads: int | None = None


class ShareRequestSchema(FileRefFieldsSchema):
    """The file (address or file_id), the version (default: the current one), the expiry and a download limit."""

    version_id = fields.UUID(metadata={"description": "The version to share (default: the file's current version)"})
    expires_in = _int(INT64_MIN, INT64_MAX, metadata={"description": SHARE_EXPIRY})
    max_downloads = _int(
        1, MAX_DOWNLOADS, allow_none=True, metadata={"description": "Downloads the link serves (default: no limit)"}
    )

    @post_load
    def make(self, data, **_):
        return ShareCommand(_ref(data), data.get("version_id"), data.get("expires_in"), data.get("max_downloads"))


@dataclass(frozen=True)
class SharesQuery:
    ref: FileRef | None = None  # None: the links the caller created
    limit: int = 50
    offset: int = 0


class SharesArgsSchema(FileRefFieldsSchema):
    """Without a file: the links the caller created; with a file (address or file_id): that file's links."""

    limit = _int(1, MAX_LIMIT, query=True, load_default=50)
    offset = _int(0, MAX_OFFSET, query=True, load_default=0)

    @post_load
    def make(self, data, **_):
        return SharesQuery(NamedFile(data).ref(), data["limit"], data["offset"])


# ------------------------------------------------------------------------------------------------------------ moves


@dataclass(frozen=True)
class MoveCommand:
    source: FileRef
    target: Address
    overwrite: bool = False


class MoveRequestSchema(
    _Loads.from_dict(
        {
            **address_fields("source_"),
            "source_file_id": file_id_field(),
            "file_id": fields.UUID(metadata={"description": "Alias of source_file_id"}),
            **address_fields("target_"),
        }
    )
):
    overwrite = fields.Boolean(
        load_default=False,
        metadata={"description": "Archive a file already at the target (needs delete on it) instead of 409"},
    )

    @validates_schema
    def one_source_id(self, data, **_):
        if data.get("file_id") and data.get("source_file_id") and data["file_id"] != data["source_file_id"]:
            raise ValidationError("Give file_id or source_file_id, not two different ids.", "file_id")

    @post_load
    def make(self, data, **_):
        if data.get("source_file_id") is None and data.get("file_id") is not None:
            data["source_file_id"] = data["file_id"]
        source = _ref(data, "source_", "source_file_id")
        return MoveCommand(source, parse_address(data, prefix="target_"), data["overwrite"])


# ------------------------------------------------------------------------------------------------------- thumbnails


@dataclass(frozen=True)
class ThumbnailQuery:
    ref: FileRef
    version: int | None = None
    size: int = 256


class ThumbnailArgsSchema(VersionArgsSchema):
    size = fields.Integer(
        strict=False,
        load_default=256,
        validate=validate.OneOf(THUMBNAIL_SIZES),
        metadata={"description": "Longest side in pixels: 64, 256 or 1024"},
    )

    @post_load
    def make(self, data, **_):
        return ThumbnailQuery(_ref(data), data.get("version"), data["size"])
