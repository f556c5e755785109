"""Pure rules of large transfers: multipart part sizes within S3's bounds, safe names inside a folder's zip."""

from __future__ import annotations

import pytest

from app import create_app
from app.services.multipart_uploads import MAX_PART_SIZE, MIN_PART_SIZE, part_size_for
from app.services.zip_download import entry_name

MIB = 1024 * 1024


@pytest.mark.parametrize(
    ("configured", "size", "expected"),
    [
        (16 * MIB, 1, 16 * MIB),  # one short part
        (16 * MIB, 100 * MIB, 16 * MIB),
        (1 * MIB, 100 * MIB, MIN_PART_SIZE),  # below S3's minimum: raised
        (10 * 1024 * MIB, 100 * MIB, MAX_PART_SIZE),  # above S3's maximum: lowered
        (5 * MIB, 100_000 * MIB, 10 * MIB),  # 20,000 parts of 5 MiB: raised to fit 10,000
        (5 * MIB, 10_000 * 5 * MIB, 5 * MIB),  # exactly 10,000 parts
        (5 * MIB, 10_000 * 5 * MIB + 1, 6 * MIB),  # one byte more: the next whole MiB
    ],
)
def test_part_size_stays_within_s3_bounds_and_10000_parts(configured, size, expected):
    app = create_app("testing", MULTIPART_PART_SIZE=configured, STORAGE_BACKEND="local")
    with app.app_context():
        part_size = part_size_for(size)
    assert part_size == expected
    assert -(-size // part_size) <= 10_000


@pytest.mark.parametrize(
    ("path", "prefix", "expected"),
    [
        ("docs/a.txt", "docs/", "a.txt"),
        ("docs/sub/b.txt", "docs/", "sub/b.txt"),
        ("docs/a.txt", "", "docs/a.txt"),
        ("docs/../../etc/passwd", "docs/", None),
        ("docs/./a", "docs/", None),
        ("docs//a", "docs/", None),
        ("docs/a\\..\\b", "docs/", None),
        ("docs/C:/x", "docs/", None),
        ("/abs", "", None),
        ("docs", "docs/", None),
        ("other/a.txt", "docs/", None),
    ],
)
def test_zip_entry_names_never_leave_the_extraction_directory(path, prefix, expected):
    assert entry_name(path, prefix) == expected
