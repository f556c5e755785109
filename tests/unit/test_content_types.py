"""Content types: detection from bytes and name, categories, the allow-list (no network, no database)."""

from __future__ import annotations

import io
import zipfile

import pytest

from app.errors import ValidationError
from app.services.content_types import allowed, category, detect, parse_media_type, safe_media_type

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
GZIP = b"\x1f\x8b\x08\x00" + b"\x00" * 32
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"


def plain_zip() -> bytes:
    """A zip whose members say nothing about an office format: only the name can refine it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return buffer.getvalue()


# --- detection order: bytes, then name, then the declared type, then octet-stream -------------------------------


@pytest.mark.parametrize(
    ("head", "name", "expected"),
    [
        (PNG, "a.txt", "image/png"),
        (PNG, "photo.jpg", "image/png"),
        (JPEG, "a.png", "image/jpeg"),
        (PDF, "report.exe", "application/pdf"),
        (PDF, "noextension", "application/pdf"),
        (GZIP, "a.txt", "application/gzip"),
    ],
)
def test_bytes_beat_the_name(head, name, expected):
    assert detect(head, name) == expected


def test_bytes_beat_the_declared_type():
    assert detect(PNG, "a.png", "application/pdf") == "image/png"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("notes.txt", "text/plain"),
        ("data.csv", "text/csv"),
        ("data.json", "application/json"),
        ("docs/2024/report.final.PDF", "application/pdf"),
        ("page.html", "text/html"),
    ],
)
def test_the_name_when_the_bytes_say_nothing(name, expected):
    assert detect(b"just some text\n", name) == expected


def test_the_name_beats_the_declared_type():
    assert detect(b"a,b\n1,2\n", "data.csv", "application/pdf") == "text/csv"


@pytest.mark.parametrize(("name", "expected"), [("a.docx", DOCX), ("b.xlsx", XLSX), ("c.odt", ODT)])
def test_a_zip_is_refined_by_an_office_name(name, expected):
    assert detect(plain_zip(), name) == expected


def test_a_zip_named_zip_or_unnamed_stays_a_zip():
    assert detect(plain_zip(), "archive.zip") == "application/zip"
    assert detect(plain_zip(), "archive") == "application/zip"


@pytest.mark.parametrize("name", ["a.txt", "a.csv", "a.html", "a.json"])
def test_a_zip_is_not_turned_into_text_by_its_name(name):
    """Only zip-based formats refine a zip: bytes that are a zip named .txt are still a zip (else an allow-list of
    text types lets any archive through under a text name)."""
    assert detect(plain_zip(), name) == "application/zip"


def test_a_png_named_docx_stays_a_png():
    assert detect(PNG, "a.docx") == "image/png"


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("text/x-custom", "text/x-custom"),
        ("text/plain; charset=utf-8", "text/plain"),
        ("  Application/X-Thing ", "application/x-thing"),
    ],
)
def test_the_declared_type_when_bytes_and_name_say_nothing(declared, expected):
    assert detect(b"\x00\x01opaque", "blob", declared) == expected


@pytest.mark.parametrize(
    "declared", [None, "", "application/octet-stream", "binary/octet-stream", "application/unknown", "garbage"]
)
def test_octet_stream_is_the_fallback(declared):
    assert detect(b"\x00\x01opaque", "blob", declared) == "application/octet-stream"


def test_an_empty_file_with_an_unknown_name():
    assert detect(b"", "empty") == "application/octet-stream"
    assert detect(b"", "empty.txt") == "text/plain"


# --- categories ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mime_type", "expected"),
    [
        ("image/png", "image"),
        ("image/svg+xml", "image"),
        ("video/mp4", "video"),
        ("application/pdf", "document"),
        ("text/plain", "document"),
        ("text/csv", "document"),
        ("application/json", "document"),
        ("application/msword", "document"),
        (DOCX, "document"),
        (XLSX, "document"),
        (ODT, "document"),
        ("application/zip", "archive"),
        ("application/gzip", "archive"),
        ("application/x-tar", "archive"),
        ("application/x-7z-compressed", "archive"),
        ("application/octet-stream", "other"),
        ("audio/mpeg", "other"),
    ],
)
def test_categories(mime_type, expected):
    assert category(mime_type) == expected


def test_categories_of_detected_types():
    assert category(detect(PNG, "a.txt")) == "image"
    assert category(detect(plain_zip(), "a.docx")) == "document"
    assert category(detect(plain_zip(), "a.zip")) == "archive"


# --- the allow-list --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mime_type", ["image/png", "text/plain", "application/octet-stream", "video/mp4"])
def test_an_empty_allow_list_allows_everything(mime_type):
    assert allowed(mime_type, [])


@pytest.mark.parametrize(
    ("mime_type", "allow_list", "expected"),
    [
        ("image/png", ["image/*"], True),
        ("image/svg+xml", ["image/*"], True),
        ("text/plain", ["image/*"], False),
        ("application/pdf", ["image/*", "application/pdf"], True),
        ("application/pdfx", ["application/pdf"], False),
        ("application/pdf", ["application/*"], True),
        ("video/mp4", ["image/*", "application/pdf"], False),
        (DOCX, ["application/vnd.openxmlformats-officedocument.*"], True),
        ("text/plain", ["*"], True),
        ("image/png", ["image/png"], True),
        ("image/pngx", ["image/png"], False),
        ("ximage/png", ["image/*"], False),
    ],
)
def test_allow_list_with_wildcards(mime_type, allow_list, expected):
    assert allowed(mime_type, allow_list) is expected


# --- RFC 6838 media types (contract §9) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("application/pdf", "application/pdf"),
        ("Application/PDF", "application/pdf"),
        ("image/svg+xml", "image/svg+xml"),
        ("application/x-7z-compressed", "application/x-7z-compressed"),
        (DOCX, DOCX),
        ("text/plain; charset=utf-8", "text/plain"),  # parameters are valid but not kept: the stored type is bare
        ('text/plain;charset="utf-8"', "text/plain"),
        ('text/plain ; a=b;c="d;e\\"f"', "text/plain"),
        ("a" * 127 + "/" + "b" * 127, "a" * 127 + "/" + "b" * 127),
    ],
)
def test_media_types_that_parse(value, expected):
    assert parse_media_type(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "text",
        "text/",
        "/plain",
        "text/plain/x",
        "text/plain\r\nX-Injected: 1",
        "text/plain\n",
        "text/plain\r",
        "text/plain\x00",
        "text/pl ain",
        " text/plain",  # no leading or trailing whitespace around the type itself
        "text/plain ",
        "t\u00e9xt/plain",
        "text/*",
        "*/*",
        "-text/plain",
        "text/.plain",
        "a" * 128 + "/b",
        "a/" + "b" * 128,
        "text/plain; charset",
        "text/plain; =utf-8",
        'text/plain; charset="utf-8',
        "text/plain; charset=utf-8\r\nX: y",
        "text/plain" + "; a=b" * 60,  # valid but longer than the 255 characters a stored type may have
        None,
        42,
        ["text/plain"],
    ],
    ids=repr,
)
def test_media_types_that_do_not(value):
    with pytest.raises(ValidationError) as raised:
        parse_media_type(value)
    assert raised.value.status == 400 and raised.value.code == "validation_error"
    assert "content_type" in raised.value.context["errors"]


@pytest.mark.parametrize(
    "declared",
    ["text/plain\r\nX-Injected: 1", "text/x-\x00", "t\u00e9xt/x", "x" * 300 + "/y", "text/*", "a b/c"],
    ids=repr,
)
def test_a_declared_type_that_is_not_a_token_is_never_returned(declared):
    assert detect(b"\x00\x01opaque", "blob", declared) == "application/octet-stream"


@pytest.mark.parametrize(
    ("stored", "expected"),
    [("image/png", "image/png"), ("text/plain; charset=utf-8", "text/plain"), ("text/plain\r\nX: y", None), ("", None)],
)
def test_a_stored_type_is_served_only_when_it_is_a_token(stored, expected):
    assert safe_media_type(stored) == (expected or "application/octet-stream")
