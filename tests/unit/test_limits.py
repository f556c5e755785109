"""The JSON and query-string checks of app.api.limits (no network, no database; the HTTP side is in
tests/integration/test_hostile_input.py)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.api.limits import MAX_JSON_DEPTH, check_json, check_query_string, empty_suffix_range, json_depth
from app.errors import ValidationError

# JSON values the service accepts: 64-bit integers, finite floats, strings without NUL or lone surrogates.
TEXT = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=20)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
)
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4), max_leaves=30
)


def depth(value) -> int:
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    return 0


@given(VALUES, st.booleans())
def test_the_depth_is_the_nesting_of_arrays_and_objects(value, ascii_only):
    assert json_depth(json.dumps(value, ensure_ascii=ascii_only)) == depth(value)


@given(VALUES)
def test_acceptable_values_pass(value):
    if depth(value) <= MAX_JSON_DEPTH:
        check_json(json.dumps(value, ensure_ascii=False).encode())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"[[[["', 0),
        ('["\\"[", ["]"]]', 2),
        ('{"a\\\\": [1]}', 2),  # an escaped backslash ends the escape: the quote after it closes the key
        ('"unterminated [[[', 0),
        ('"ends with a backslash \\', 0),
        ("[" * 50_000, 50_000),
        ("]]]" + "[" * 40, 37),
        ("", 0),
    ],
)
def test_depth_examples(text, expected):
    assert json_depth(text) == expected


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 50_000,
        b'{"a": ' + b"[" * (MAX_JSON_DEPTH) + b"]" * MAX_JSON_DEPTH + b"}",
        b'"\\u0000"',
        b'{"\\u0000": 1}',
        b'"\\\\\\u0000"',
        b'"\\ud800"',
        b'{"\\udfff": 1}',
        b"9223372036854775808",
        b"-9223372036854775809",
        b"1" * 100_000,
        b"1e400",
        b"-1e400",
        b"NaN",
        b"[Infinity]",
        b"\xff",
        b'"caf\xe9"',
        b"{",
        b"\xef\xbb\xbf{}",
    ],
    ids=lambda b: repr(b[:30]),
)
def test_refused_bodies(body):
    with pytest.raises(ValidationError) as raised:
        check_json(body)
    assert raised.value.status == 400 and raised.value.context["errors"]["json"]


@pytest.mark.parametrize(
    "body",
    [
        b'{"a": ' + b"[" * (MAX_JSON_DEPTH - 1) + b"]" * (MAX_JSON_DEPTH - 1) + b"}",
        b'"\\\\u0000"',  # an escaped backslash and the text u0000
        b'"\\ud83d\\ude00"',  # a surrogate pair is one character
        b"9223372036854775807",
        b"-9223372036854775808",
        b"1e308",
        b'"\xe2\x80\xae"',  # text the path rules refuse is still JSON text
    ],
    ids=lambda b: repr(b[:30]),
)
def test_accepted_bodies(body):
    check_json(body)


@pytest.mark.parametrize("raw", [b"path=%FF", b"a=%C3", b"p=%ED%A0%80", b"a=%00", b"%00=1", b"a=\xff", b"a=b&c=%C3%28"])
def test_refused_query_strings(raw):
    with pytest.raises(ValidationError):
        check_query_string(raw)


@pytest.mark.parametrize(
    "raw", [b"", b"path=docs/r%C3%A9sum%C3%A9.txt", b"a=%25FF", b"a=+%2B", b"a=\xc3\xa9", b"%zz=1"]
)
def test_accepted_query_strings(raw):
    check_query_string(raw)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=-0", True),
        ("bytes=-000", True),
        (" Bytes = -0 ", True),
        ("bytes=-1", False),
        ("bytes=0-0", False),
        ("bytes=-0,0-1", False),
        ("items=-0", False),
        ("", False),
        (None, False),
    ],
)
def test_empty_suffix_range(header, expected):
    assert empty_suffix_range(header) is expected
