"""Request schemas of resumable multipart uploads and of folder downloads as zip, loading into typed values."""

from __future__ import annotations

from dataclasses import dataclass

from marshmallow import ValidationError, fields, post_load, validate, validates

from app.schemas.address import Address, parse_address
from app.schemas.requests import (
    EXPIRY,
    INT64_MAX,
    INT64_MIN,
    DeclaredUploadSchema,
    FolderFieldsSchema,
    _Loads,
    declared,
)

MAX_PARTS = 10_000  # S3's limit on the parts of one upload
MAX_PART_URLS = 1000  # part URLs one request may ask for


@dataclass(frozen=True)
class StartMultipart:
    address: Address
    size: int
    content_type: str | None = None
    checksum_sha256: str | None = None


class StartMultipartSchema(DeclaredUploadSchema):
    size = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=INT64_MAX),
        metadata={"description": "Bytes of the whole file; at most MAX_UPLOAD_SIZE (else 413 payload_too_large)"},
    )

    @post_load
    def make(self, data, **_):
        return StartMultipart(**declared(data), size=data["size"])


@dataclass(frozen=True)
class PartUrlsRequest:
    part_numbers: tuple[int, ...]
    expires_in: int | None = None


class PartUrlsRequestSchema(_Loads):
    part_numbers = fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_PARTS)),
        required=True,
        validate=validate.Length(min=1, max=MAX_PART_URLS),
        metadata={
            "description": f"Distinct part numbers, 1 to the session's part_count; at most {MAX_PART_URLS} per request",
            "uniqueItems": True,
        },
    )
    expires_in = fields.Integer(
        strict=True,
        validate=validate.Range(min=INT64_MIN, max=INT64_MAX),
        metadata={"description": f"{EXPIRY}; never past the session's expires_at"},
    )

    @validates("part_numbers")
    def _distinct(self, value, data_key):
        if len(set(value)) != len(value):
            raise ValidationError("Part numbers must be distinct.")

    @post_load
    def make(self, data, **_):
        return PartUrlsRequest(tuple(data["part_numbers"]), data.get("expires_in"))


class ZipArgsSchema(FolderFieldsSchema):
    """The folder to download: the address style of GET /list (an empty path is the bucket id's root)."""

    @post_load
    def make(self, data, **_):
        return parse_address(data, folder=True)
