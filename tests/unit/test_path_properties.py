"""Properties of the path rules (contract §1 and §9), checked on generated paths.

The number of examples comes from the Hypothesis profile (tests/unit/conftest.py): a few hundred by default,
10,000 with HYPOTHESIS_PROFILE=nightly (`make test-nightly`).
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.errors import InvalidPath
from app.schemas.address import MAX_PATH_BYTES, MAX_SEGMENT_BYTES, Address, parse_address, validate_path

FORBIDDEN_CATEGORIES = ("Cc", "Cf", "Cs", "Zl", "Zp")
DOT_SEGMENTS = ("", ".", "..")
# Characters that are a dot, two dots, a slash or a backslash under NFKC.
NFKC_DOTS = [c for c in map(chr, range(0x80, 0x110000)) if unicodedata.normalize("NFKC", c) in (".", "..")]
NFKC_SLASHES = [c for c in map(chr, range(0x80, 0x110000)) if unicodedata.normalize("NFKC", c) in ("/", "\\")]
WHITESPACE = [c for c in map(chr, range(0x110000)) if c.isspace()]


def _clean_segment(segment: str) -> bool:
    compatible = unicodedata.normalize("NFKC", segment)
    return (
        segment not in DOT_SEGMENTS
        and not segment.isspace()
        and compatible not in DOT_SEGMENTS
        and not set(compatible) & {"/", "\\"}
    )


SEGMENT = (
    st.text(
        alphabet=st.characters(blacklist_categories=FORBIDDEN_CATEGORIES, blacklist_characters="/\\"),
        min_size=1,
        max_size=20,
    )
    .map(lambda s: unicodedata.normalize("NFC", s))
    .filter(_clean_segment)
)
VALID_PATH = st.lists(SEGMENT, min_size=1, max_size=8).map("/".join)
FORBIDDEN_CHARACTER = st.sampled_from(
    ["\\", "\x00", "\ud800", "\udfff", "\u202a", "\u202e", "\u2066", "\u2069", "\u200b", "\ufeff", "\u2028", "\u2029"]
) | st.characters(whitelist_categories=("Cc", "Cf", "Cs", "Zl", "Zp"))
BAD_SEGMENT = (
    st.sampled_from(DOT_SEGMENTS)
    | st.text(alphabet=st.sampled_from(WHITESPACE), min_size=1, max_size=4)
    | st.lists(st.sampled_from([".", *NFKC_DOTS]), min_size=1, max_size=2)
    .map("".join)
    .filter(lambda s: unicodedata.normalize("NFKC", s) in (".", ".."))
)
# Any text, with the characters the rules are about mixed in often.
NASTY = st.sampled_from(["/", "/", ".", "..", " ", "\\", "\x00", "\u0301", "é", *NFKC_DOTS, *NFKC_SLASHES])
ANY_PATH = st.lists(st.characters() | NASTY, max_size=40).map("".join)


def assert_clean(path: str) -> None:
    """What every accepted path satisfies."""
    assert not path.startswith("/")
    assert unicodedata.normalize("NFC", path) == path
    assert "\\" not in path
    assert not [c for c in path if unicodedata.category(c) in FORBIDDEN_CATEGORIES]
    assert 0 < len(path.encode()) <= MAX_PATH_BYTES
    for segment in path.split("/"):
        assert segment not in DOT_SEGMENTS and not segment.isspace()
        assert len(segment.encode()) <= MAX_SEGMENT_BYTES
    compatible = unicodedata.normalize("NFKC", path)
    assert "\\" not in compatible
    assert not [s for s in compatible.split("/") if s in DOT_SEGMENTS]


def insert(path: str, position: int, text: str) -> str:
    position %= len(path) + 1
    return path[:position] + text + path[position:]


@given(VALID_PATH)
def test_valid_paths_round_trip(path):
    assert validate_path(path) == path
    assert validate_path("/" + path) == path
    assert validate_path(path + "/", folder=True) == path
    assert parse_address({"bucket": "users", "id": "u1", "path": path}) == Address("users", "u1", path)
    assert parse_address({"bucket_type": "users", "bucket_id": "u1", "logical_path": "/" + path}).path == path
    assert parse_address({"bucket": "projects", "path": f"/projects/p-1/{path}"}) == Address("projects", "p-1", path)


@given(ANY_PATH, st.booleans())
def test_any_text_is_refused_or_accepted_clean(path, folder):
    """validate_path never fails otherwise than with InvalidPath; what it accepts obeys every rule and is stable."""
    try:
        accepted = validate_path(path, folder=folder)
    except InvalidPath:
        return
    if folder and accepted == "":
        assert path in ("", "/", "//")
        return
    assert_clean(accepted)
    expected = path.removeprefix("/")
    assert accepted == (expected.removesuffix("/") if folder else expected)
    assert validate_path(accepted, folder=folder) == accepted


@given(VALID_PATH, st.integers(min_value=0), FORBIDDEN_CHARACTER, st.booleans())
def test_a_forbidden_character_anywhere_is_rejected(path, position, character, folder):
    bad = insert(path, position, character)
    with pytest.raises(InvalidPath):
        validate_path(bad, folder=folder)
    with pytest.raises(InvalidPath):
        parse_address({"bucket": "users", "id": "u1", "path": bad})


@given(VALID_PATH, st.integers(min_value=0), BAD_SEGMENT, st.booleans())
def test_a_bad_segment_anywhere_is_rejected(path, position, segment, folder):
    """Empty, `.`, `..`, whitespace-only, and segments that are `.` or `..` under NFKC (`．．`, `‥`)."""
    segments = path.split("/")
    position %= len(segments) + 1
    bad = "/".join([*segments[:position], segment, *segments[position:]])
    if segment == "" and position == 0:
        bad = "/" + bad  # one leading `/` alone is allowed: make it two
    if segment == "" and position == len(segments):
        bad += "/x"  # a trailing `/` is a folder: put a segment after the empty one
    with pytest.raises(InvalidPath):
        validate_path(bad, folder=folder)


@given(VALID_PATH, st.integers(min_value=0), st.sampled_from(NFKC_SLASHES), st.sampled_from(["..", ".", "\uff0e"]))
def test_a_traversal_under_nfkc_is_rejected(path, position, slash, dots):
    """A compatibility slash followed by dots is `/..` for any consumer that applies NFKC."""
    with pytest.raises(InvalidPath):
        validate_path(insert(path, position, slash + dots + slash))


@given(VALID_PATH, st.integers(min_value=0), st.sampled_from(["a", "e", "o", "A"]))
def test_a_decomposed_character_anywhere_is_rejected(path, position, base):
    with pytest.raises(InvalidPath):
        validate_path(insert(path, position, base + "\u0301"))
