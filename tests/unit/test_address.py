"""Address parsing and the path rules of contract §1 (no network, no database)."""

from __future__ import annotations

import pytest

from app.errors import AppError, BucketNotFound, InvalidPath, MissingFields, ValidationError
from app.schemas.address import Address, parse_address, validate_path

# --- both field-name forms -------------------------------------------------------------------------------------


def test_waterfall_field_names():
    address = parse_address({"bucket_type": "users", "bucket_id": "u1", "logical_path": "docs/a.pdf"})
    assert address == Address("users", "u1", "docs/a.pdf")


def test_readme_field_names():
    address = parse_address({"bucket": "companies", "id": "c-9_Z", "path": "docs/a.pdf"})
    assert address == Address("companies", "c-9_Z", "docs/a.pdf")


@pytest.mark.parametrize(
    "data",
    [
        {"bucket_type": "projects", "id": "p1", "path": "x/y.txt"},
        {"bucket": "projects", "bucket_id": "p1", "logical_path": "x/y.txt"},
        {"bucket_type": "projects", "bucket_id": "p1", "path": "x/y.txt"},
    ],
)
def test_field_name_forms_can_be_mixed(data):
    assert parse_address(data) == Address("projects", "p1", "x/y.txt")


def test_unknown_fields_are_ignored():
    data = {"bucket": "users", "id": "u1", "path": "a.txt", "size": 3, "extra": "whatever"}
    assert parse_address(data) == Address("users", "u1", "a.txt")


def test_prefixed_fields():
    data = {"source_bucket": "users", "source_id": "u1", "source_path": "a/b.txt", "bucket": "companies"}
    assert parse_address(data, prefix="source_") == Address("users", "u1", "a/b.txt")


def test_filename_is_the_last_segment():
    assert Address("users", "u1", "docs/2024/report.final.pdf").filename == "report.final.pdf"
    assert Address("users", "u1", "report.pdf").filename == "report.pdf"


# --- README absolute form --------------------------------------------------------------------------------------


def test_readme_absolute_form_takes_the_id_from_the_path():
    address = parse_address({"bucket": "projects", "path": "/projects/5678/docs/specifications_v1.pdf"})
    assert address == Address("projects", "5678", "docs/specifications_v1.pdf")


def test_readme_absolute_form_with_waterfall_names():
    address = parse_address({"bucket_type": "users", "logical_path": "/users/u1/a/b/c.txt"})
    assert address == Address("users", "u1", "a/b/c.txt")


@pytest.mark.parametrize(
    "path",
    [
        "/users/5678/docs/a.pdf",  # another bucket
        "/project/5678/docs/a.pdf",  # almost the bucket
        "/Projects/5678/docs/a.pdf",  # case matters
        "/docs/5678/a.pdf",
        "/",
    ],
)
def test_readme_absolute_form_first_segment_must_be_the_bucket(path):
    with pytest.raises(InvalidPath) as raised:
        parse_address({"bucket": "projects", "path": path})
    assert raised.value.status == 400
    assert raised.value.code == "invalid_path"


def test_readme_absolute_form_with_no_file_path_is_invalid():
    with pytest.raises(InvalidPath):
        parse_address({"bucket": "projects", "path": "/projects/5678"})


def test_readme_absolute_form_with_a_bad_rest_is_invalid():
    with pytest.raises(InvalidPath):
        parse_address({"bucket": "projects", "path": "/projects/5678/a/../b.txt"})


def test_readme_absolute_form_with_an_empty_id_is_a_validation_error():
    with pytest.raises(ValidationError) as raised:
        parse_address({"bucket": "projects", "path": "/projects//docs/a.pdf"})
    assert raised.value.code == "validation_error"


def test_readme_absolute_form_is_a_folder_prefix_when_folder():
    assert parse_address({"bucket": "projects", "path": "/projects/5678/docs/"}, folder=True) == Address(
        "projects", "5678", "docs"
    )
    assert parse_address({"bucket": "projects", "path": "/projects/5678/"}, folder=True) == Address(
        "projects", "5678", ""
    )


def test_relative_path_without_id_is_missing_the_id():
    with pytest.raises(MissingFields) as raised:
        parse_address({"bucket": "projects", "path": "docs/a.pdf"})
    assert raised.value.code == "missing_fields"
    assert "bucket_id" in raised.value.detail


def test_with_an_id_an_absolute_path_is_not_split():
    """When the id is given, only one leading `/` is dropped: the rest is the path, opaque."""
    address = parse_address({"bucket": "projects", "id": "5678", "path": "/projects/5678/docs/a.pdf"})
    assert address == Address("projects", "5678", "projects/5678/docs/a.pdf")


# --- one leading slash, opaque paths ---------------------------------------------------------------------------


def test_one_leading_slash_is_ignored():
    with_slash = parse_address({"bucket": "users", "id": "u1", "path": "/docs/a.pdf"})
    without = parse_address({"bucket": "users", "id": "u1", "path": "docs/a.pdf"})
    assert with_slash == without == Address("users", "u1", "docs/a.pdf")


def test_two_leading_slashes_are_an_empty_segment():
    with pytest.raises(InvalidPath):
        parse_address({"bucket": "users", "id": "u1", "path": "//docs/a.pdf"})


def test_path_is_opaque():
    address = parse_address({"bucket": "users", "id": "u1", "path": "u1/workspace/a.txt"})
    assert address == Address("users", "u1", "u1/workspace/a.txt")


@pytest.mark.parametrize(
    "path",
    [
        "a.txt",
        "users/u1/a.txt",
        "a b/c d.txt",
        "..hidden/.config",  # dots inside a segment are fine
        "a.../...b",
        "résumé/naïve.txt",
        "日本語/ファイル.pdf",
        "emoji/😀.png",
        "percent/%2e%2e/%2F.txt",  # percent-encoding is never decoded again
        " leading and trailing spaces /x.txt ",  # spaces inside a segment are data
        "\uff0e\uff0e\uff0e/\uff21.txt",  # "..." and "A" under NFKC: neither is a dot segment
        "a\uff0fb.txt",  # FULLWIDTH SOLIDUS is "a/b.txt" under NFKC: no dot segment
        "x" * 255,
        "/".join(["y" * 200] * 5) + "/" + "z" * 19,  # exactly 1024 bytes
    ],
    ids=lambda p: repr(p[:40]),
)
def test_valid_paths_are_returned_unchanged(path):
    assert validate_path(path) == path
    assert parse_address({"bucket": "users", "id": "u1", "path": path}).path == path


# --- rejected shapes --------------------------------------------------------------------------------------------

REJECTED = [
    "",
    "/",
    ".",
    "..",
    "a/./b",
    "a/../b",
    "../a",
    "a/..",
    "./a",
    "a//b",
    "a/",
    "a\\b",
    "..\\a",
    "a\x00b",
    "a\x01b",
    "a\x1fb",
    "a\x7fb",
    "a\nb",
    "a\rb",
    "a\tb",
    "a\x85b",  # C1 control (NEL)
    "a\x9fb",
    "e\u0301.txt",  # decomposed é: not NFC
    "cafe\u0301/x.txt",
    "\u212b.txt",  # ANGSTROM SIGN: NFC turns it into Å
    "x" * 256,
    "é" * 128,  # 128 characters, 256 bytes
    "a/" + "日" * 86,  # 86 characters, 258 bytes
    "/".join(["y" * 200] * 5) + "/" + "z" * 20,  # 1025 bytes
    "/".join(["é" * 100] * 6),  # 605 characters, 1205 bytes
    # contract §9: characters that make one name look like another
    "a\u202eb.txt",  # RIGHT-TO-LEFT OVERRIDE: "invoice_\u202efdp.exe" shows as "invoice_exe.pdf"
    "a\u202ab",
    "a\u2066b",
    "a\u2069b",
    "a\u200bb",  # ZERO WIDTH SPACE
    "\ufeffa.txt",  # BOM
    "a\u00adb",  # SOFT HYPHEN (format character)
    "a\u2028b",  # LINE SEPARATOR
    "a\u2029b",  # PARAGRAPH SEPARATOR
    " ",  # whitespace-only segments
    "a/ /b",
    "a/\t/b",
    "a/\u3000",  # IDEOGRAPHIC SPACE
    "a/\u00a0\u2003/b",
    "\uff0e\uff0e/etc",  # FULLWIDTH FULL STOP x2: ".." under NFKC
    "a/\uff0e",
    "a/\u2025/b",  # TWO DOT LEADER: ".." under NFKC
    "a/\u2024",  # ONE DOT LEADER
    "a/\ufe52\ufe52",  # SMALL FULL STOP
    "a\uff0f\u2025/b",  # FULLWIDTH SOLIDUS: "a/.." under NFKC
    "a\uff3cb",  # FULLWIDTH REVERSE SOLIDUS: a backslash under NFKC
    "a\ud800b",  # a lone surrogate (JSON "\ud800"): not UTF-8 encodable
]


def _id(path: str) -> str:
    return repr(path) if len(path) < 40 else f"{len(path.encode())}-bytes"


@pytest.mark.parametrize("path", REJECTED, ids=_id)
def test_rejected_paths(path):
    with pytest.raises(InvalidPath) as raised:
        validate_path(path)
    assert raised.value.status == 400
    assert raised.value.code == "invalid_path"


@pytest.mark.parametrize("path", [p for p in REJECTED if p not in ("", "a/")], ids=_id)
def test_rejected_paths_through_parse_address(path):
    with pytest.raises(InvalidPath):
        parse_address({"bucket": "users", "id": "u1", "path": path})


def test_segment_limit_counts_utf8_bytes():
    assert validate_path("é" * 127 + "a") == "é" * 127 + "a"  # 255 bytes
    with pytest.raises(InvalidPath):
        validate_path("é" * 127 + "ab")  # 256 bytes


def test_path_limit_counts_utf8_bytes():
    ok = "/".join(["é" * 100] * 5) + "/" + "a" * 19  # 5*200 + 5 + 19 = 1024 bytes
    assert len(ok.encode()) == 1024
    assert validate_path(ok) == ok
    with pytest.raises(InvalidPath):
        validate_path(ok + "a")


def test_leading_slash_does_not_count_towards_the_limit():
    path = "/".join(["y" * 200] * 5) + "/" + "z" * 19
    assert len(path.encode()) == 1024
    assert validate_path("/" + path) == path


def test_trailing_slash_only_for_folders():
    with pytest.raises(InvalidPath):
        validate_path("docs/")
    assert validate_path("docs/", folder=True) == "docs"
    assert validate_path("/docs/sub/", folder=True) == "docs/sub"
    with pytest.raises(InvalidPath):
        parse_address({"bucket": "users", "id": "u1", "path": "docs/"})
    assert parse_address({"bucket": "users", "id": "u1", "path": "docs/"}, folder=True).path == "docs"


def test_folder_prefix_rules_still_apply():
    for path in ("a//", "a/../", "a\\b/", "../", "a//b/"):
        with pytest.raises(InvalidPath):
            validate_path(path, folder=True)


def test_folder_root():
    assert validate_path("/", folder=True) == ""
    assert parse_address({"bucket": "users", "id": "u1"}, folder=True) == Address("users", "u1", "")


def test_non_string_path_is_invalid():
    with pytest.raises(InvalidPath):
        validate_path(12)  # type: ignore[arg-type]
    with pytest.raises(InvalidPath):
        parse_address({"bucket": "users", "id": "u1", "path": ["a"]})


# --- missing fields, buckets, bucket ids ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({}, ["bucket", "path"]),
        ({"id": "u1"}, ["bucket", "path"]),
        ({"bucket": "users", "id": "u1"}, ["path"]),
        ({"bucket_type": "users", "bucket_id": "u1"}, ["path"]),
        ({"id": "u1", "path": "a.txt"}, ["bucket"]),
        ({"bucket_id": "u1", "logical_path": "a.txt"}, ["bucket"]),
        ({"bucket": None, "id": "u1", "path": "a.txt"}, ["bucket"]),
    ],
)
def test_missing_fields(data, named):
    with pytest.raises(MissingFields) as raised:
        parse_address(data)
    assert raised.value.status == 400
    assert raised.value.code == "missing_fields"
    for name in named:
        assert name in raised.value.detail
    for name in {"bucket", "path"} - set(named):
        assert name not in raised.value.detail.replace("bucket_id", "")


def test_missing_fields_are_reported_before_the_bucket():
    with pytest.raises(MissingFields):
        parse_address({"bucket": "nope", "id": "u1"})


@pytest.mark.parametrize("bucket", ["files", "user", "Users", "PROJECTS", "companies ", "../users", "0"])
def test_unknown_bucket(bucket):
    with pytest.raises(BucketNotFound) as raised:
        parse_address({"bucket": bucket, "id": "u1", "path": "a.txt"})
    assert raised.value.status == 400
    assert raised.value.code == "bucket_not_found"


def test_unknown_bucket_wins_over_a_bad_path():
    """§4: an unknown bucket is bucket_not_found, whatever else is wrong."""
    with pytest.raises(BucketNotFound):
        parse_address({"bucket_type": "nope", "bucket_id": "u1", "logical_path": "a/../b"})


@pytest.mark.parametrize("bucket_id", ["a" * 65, "a/b", "a b", " ", "a.b", "ü", "a\x00", "u1\n", "a:b", "*"])
def test_bad_bucket_id(bucket_id):
    with pytest.raises(ValidationError) as raised:
        parse_address({"bucket": "users", "id": bucket_id, "path": "a.txt"})
    assert raised.value.status == 400
    assert raised.value.code == "validation_error"
    assert raised.value.context["errors"]


def test_empty_bucket_id_is_rejected():
    with pytest.raises((MissingFields, ValidationError)):
        parse_address({"bucket": "users", "id": "", "path": "a.txt"})


@pytest.mark.parametrize("bucket_id", ["a", "a" * 64, "A-z_09", "-", "_"])
def test_good_bucket_ids(bucket_id):
    assert parse_address({"bucket": "users", "id": bucket_id, "path": "a.txt"}).bucket_id == bucket_id


def test_errors_are_app_errors_with_the_json_shape():
    with pytest.raises(AppError) as raised:
        parse_address({"bucket": "users", "id": "u1", "path": "a//b"})
    body = raised.value.to_dict()
    assert body["status"] == "error"
    assert body["message"] == "invalid_path"
    assert isinstance(body["detail"], str) and body["detail"]
