"""Content type detection from the bytes and the name, the allow-list, and file categories."""

from __future__ import annotations

import fnmatch
import mimetypes

import filetype

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


def detect(head: bytes, filename: str, declared: str | None = None) -> str:
    """The type sniffed from the first bytes wins; then the name; then the client's word; else octet-stream."""
    sniffed = filetype.guess_mime(head) if head else None
    by_name = mimetypes.guess_type(filename, strict=False)[0]
    if sniffed and not (sniffed == "application/zip" and by_name and by_name.startswith(ZIP_FORMAT_PREFIXES)):
        return sniffed
    if by_name:
        return by_name
    declared = (declared or "").split(";")[0].strip().lower()
    if declared and declared not in GENERIC and "/" in declared:
        return declared
    return "application/octet-stream"


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
