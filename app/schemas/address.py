"""Address parsing: the one place for bucket / bucket id / path aliases and the path rules of contract §1."""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from marshmallow import validate

from app.errors import BucketNotFound, InvalidPath, MissingFields, ValidationError

BUCKETS = ("users", "companies", "projects")
BUCKET_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_PATH_BYTES = 1024
MAX_SEGMENT_BYTES = 255
ALIASES = {"bucket": ("bucket_type", "bucket"), "bucket_id": ("bucket_id", "id"), "path": ("logical_path", "path")}


@dataclass(frozen=True)
class Address:
    bucket: str
    bucket_id: str
    path: str

    @property
    def filename(self) -> str:
        return self.path.rstrip("/").rsplit("/", 1)[-1]


def validate_path(path: str, *, folder: bool = False) -> str:
    """Return the path without its one leading `/`; raise InvalidPath for any shape contract §1 rejects."""
    if not isinstance(path, str):
        raise InvalidPath("The path must be a string.")
    if path.startswith("/"):
        path = path[1:]
    if folder and path.endswith("/"):
        path = path[:-1]
    if not path:
        if folder:
            return ""
        raise InvalidPath("The path is empty.")
    if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in path):
        raise InvalidPath("The path contains a control character.")
    if "\\" in path:
        raise InvalidPath("The path contains a backslash.")
    # Invisible characters make one name display as another: bidi overrides and isolates, zero-width characters,
    # the BOM, soft hyphens (all Unicode category Cf) and the line and paragraph separators. A lone surrogate (Cs,
    # from a JSON "\ud800" escape) is no character at all and cannot be stored as UTF-8.
    if any(unicodedata.category(c) in ("Cf", "Cs", "Zl", "Zp") for c in path):
        raise InvalidPath("The path contains an invisible format, separator or surrogate character.")
    if unicodedata.normalize("NFC", path) != path:
        raise InvalidPath("The path is not in Unicode NFC form.")
    if len(path.encode("utf-8")) > MAX_PATH_BYTES:
        raise InvalidPath(f"The path is longer than {MAX_PATH_BYTES} bytes.")
    for segment in path.split("/"):
        if segment in ("", ".", "..") or segment.isspace():
            raise InvalidPath("The path has an empty, whitespace-only, '.' or '..' segment.")
        if len(segment.encode("utf-8")) > MAX_SEGMENT_BYTES:
            raise InvalidPath(f"A path segment is longer than {MAX_SEGMENT_BYTES} bytes.")
    # A consumer that applies NFKC must not find a traversal either: `．．` is `..`, `／` a separator, `＼` a backslash.
    compatible = unicodedata.normalize("NFKC", path)
    if "\\" in compatible or any(segment in ("", ".", "..") for segment in compatible.split("/")):
        raise InvalidPath("The path has a segment that is '.' or '..' (or a backslash) under Unicode NFKC.")
    return path


def _pick(data: Mapping, prefix: str, concept: str):
    for name in ALIASES[concept]:
        value = data.get(prefix + name)
        if value not in (None, ""):
            return value
    return None


def parse_bucket(value) -> str:
    if value not in BUCKETS:
        raise BucketNotFound(f"Unknown bucket {str(value)[:64]!r}; expected one of {', '.join(BUCKETS)}.")
    return value


def parse_address(data: Mapping, *, prefix: str = "", folder: bool = False) -> Address:
    """Build an Address from either field-name form (or the README absolute form); raise 400 errors of §1/§4."""
    bucket, bucket_id, path = (_pick(data, prefix, c) for c in ("bucket", "bucket_id", "path"))
    if path is None and folder:
        path = ""
    missing = [prefix + ALIASES[c][0] for c, v in (("bucket", bucket), ("path", path)) if v is None]
    if missing:
        raise MissingFields(f"Missing required fields: {', '.join(missing)}.", fields=missing)
    bucket = parse_bucket(bucket)
    if not isinstance(path, str):
        raise InvalidPath("The path must be a string.")
    if bucket_id is None:
        bucket_id, path = _split_absolute(bucket, path, prefix)
    if not isinstance(bucket_id, str) or not BUCKET_ID_RE.fullmatch(bucket_id):
        raise ValidationError(
            "The bucket id is invalid.", errors={prefix + "bucket_id": ["1-64 characters of A-Z, a-z, 0-9, _ and -."]}
        )
    return Address(bucket, bucket_id, validate_path(path, folder=folder))


def _split_absolute(bucket: str, path: str, prefix: str) -> tuple[str, str]:
    """README form `/{bucket}/{bucket_id}/rest`: the id comes from the path, whose first segment must be the bucket."""
    if not path.startswith("/"):
        raise MissingFields(f"Missing required fields: {prefix}bucket_id.", fields=[prefix + "bucket_id"])
    parts = path[1:].split("/", 2)
    if len(parts) < 2 or parts[0] != bucket:
        raise InvalidPath(f"An absolute path must start with /{bucket}/<bucket_id>/ when no bucket id is given.")
    return parts[1], "/" + parts[2] if len(parts) == 3 else ""


def parse_file_id(value, field: str = "file_id") -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationError("The file id is not a UUID.", errors={field: ["Not a valid UUID."]}) from None


@dataclass(frozen=True)
class FileRef:
    """A file named by id or by address (contract §1: commands on existing files accept `file_id`)."""

    file_id: uuid.UUID | None = None
    address: Address | None = None


def parse_file_ref(data: Mapping, *, prefix: str = "", id_field: str = "file_id") -> FileRef:
    """A `file_id` wins; otherwise the address in either field-name form."""
    raw_id = data.get(id_field)
    if raw_id not in (None, ""):
        return FileRef(file_id=parse_file_id(raw_id, id_field))
    try:
        return FileRef(address=parse_address(data, prefix=prefix))
    except MissingFields as exc:
        raise MissingFields(f"{exc.detail[:-1]} (or {id_field}).", fields=[*exc.context["fields"], id_field]) from None


class BucketChoice(validate.OneOf):
    """The bucket enum of the spec; an unknown bucket is 400 `bucket_not_found` (contract §4), not validation_error."""

    def __init__(self) -> None:
        super().__init__(BUCKETS)

    def __call__(self, value):
        return parse_bucket(value)
