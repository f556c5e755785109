"""Content type detection from the bytes and the name, the allow-list, and file categories."""

from __future__ import annotations

import fnmatch
import mimetypes
import re

import filetype

from app.errors import ValidationError

OCTET_STREAM = "application/octet-stream"
MAX_MEDIA_TYPE = 255  # the mime_type and content_type columns are String(255)
# RFC 6838 §4.2 restricted-name, for the type and the subtype.
_NAME = r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
# RFC 9110 §5.6.6 parameters: token "=" ( token / quoted-string ), printable ASCII only (no obs-text).
_TCHARS = r"[A-Za-z0-9!#$%&'*+.^_`|~-]+"
_QUOTED = r'"(?:[\t !#-\[\]-~]|\\[\t -~])*"'
MEDIA_TYPE_RE = re.compile(rf"({_NAME})/({_NAME})((?:[ \t]*;[ \t]*(?:{_TCHARS}=(?:{_TCHARS}|{_QUOTED}))?)*)")

GENERIC = {"application/octet-stream", "binary/octet-stream", "application/unknown", ""}
ARCHIVES = {
    "application/zip",
    "application/x-tar",
    "application/gzip",
    "application/x-gzip",
    "application/x-7z-compressed",
    "application/x-rar-compressed",
    "application/vnd.rar",
    "application/x-bzip2",
    "application/x-xz",
    "application/zstd",
}
DOCUMENTS = {
    "application/pdf",
    "application/msword",
    "application/rtf",
    "application/json",
    "application/xml",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
}
DOCUMENT_PREFIXES = ("text/", "application/vnd.openxmlformats-officedocument.", "application/vnd.oasis.opendocument.")
# Zip-based formats: a zip whose name says one of these is one (a .docx is a zip); any other name keeps zip.
ZIP_FORMAT_PREFIXES = (
    "application/vnd.openxmlformats-officedocument.",
    "application/vnd.oasis.opendocument.",
    "application/epub+zip",
    "application/java-archive",
)


def parse_media_type(value) -> str:
    """The bare, lowercased `type/subtype` of an RFC 6838 media type (valid parameters are dropped).

    Raises ValidationError for anything else: no CR/LF, control or non-ASCII character can reach a stored type or
    a response header.
    """
    match = MEDIA_TYPE_RE.fullmatch(value) if isinstance(value, str) and len(value) <= MAX_MEDIA_TYPE else None
    if match is None:
        raise ValidationError(
            "The content type is not a media type.",
            errors={"content_type": ["Must be an RFC 6838 type/subtype, e.g. application/pdf."]},
        )
    return f"{match[1]}/{match[2]}".lower()


def safe_media_type(value) -> str:
    """The media type to serve for a stored value: itself when it parses, else octet-stream (never a bad header)."""
    try:
        return parse_media_type(value)
    except ValidationError:
        return OCTET_STREAM


def detect(head: bytes, filename: str, declared: str | None = None) -> str:
    """The type sniffed from the first bytes wins; then the name; then the client's word; else octet-stream.

    Whatever decides, the result is a bare RFC 6838 `type/subtype`.
    """
    sniffed = filetype.guess_mime(head) if head else None
    by_name = mimetypes.guess_type(filename, strict=False)[0]
    if sniffed and not (sniffed == "application/zip" and by_name and by_name.startswith(ZIP_FORMAT_PREFIXES)):
        return safe_media_type(sniffed)
    if by_name:
        return safe_media_type(by_name)
    declared = safe_media_type((declared or "").strip())
    return OCTET_STREAM if declared in GENERIC else declared


def category(mime_type: str) -> str:
    if mime_type.startswith("image/"):
        return "image"
    if mime_type.startswith("video/"):
        return "video"
    if mime_type in ARCHIVES:
        return "archive"
    if mime_type in DOCUMENTS or mime_type.startswith(DOCUMENT_PREFIXES):
        return "document"
    return "other"


def allowed(mime_type: str, allow_list: list[str]) -> bool:
    """An empty allow-list allows everything; entries may use wildcards (`image/*`)."""
    return not allow_list or any(fnmatch.fnmatchcase(mime_type, pattern) for pattern in allow_list)
