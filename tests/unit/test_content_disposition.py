"""content_disposition(): always an attachment; non-ASCII names via RFC 6266 filename*; no header splitting."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from app.storage.base import content_disposition


def test_no_filename_is_a_bare_attachment():
    assert content_disposition(None) == "attachment"
    assert content_disposition("") == "attachment"


def test_ascii_filename_is_quoted_without_filename_star():
    assert content_disposition("report 2024.pdf") == 'attachment; filename="report 2024.pdf"'


def test_non_ascii_filename_gets_an_ascii_fallback_and_filename_star():
    value = content_disposition("résumé.pdf")
    assert value == "attachment; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf"
    assert value.isascii()


@pytest.mark.parametrize(
    "filename",
    ['a"; filename="evil.html', "a\r\nSet-Cookie: x=1", "a\nb", 'a\\"b', "a\x00b", "tab\there", 'é\r\n"x"'],
)
def test_quotes_and_line_breaks_cannot_split_the_header(filename):
    value = content_disposition(filename)
    assert value.isascii()
    assert not any(ord(c) < 0x20 or ord(c) == 0x7F for c in value)
    fallback = value.split('filename="', 1)[1].split('"', 1)[0]
    assert value.startswith(f'attachment; filename="{fallback}"')  # the quoted string ends where it should
    assert "\\" not in fallback and '"' not in fallback
    assert unquote(value.split("filename*=UTF-8''", 1)[1]) == filename  # the exact name survives in filename*


def test_filename_star_keeps_separators_encoded():
    value = content_disposition("a;b,c=d é.txt")
    star = value.split("filename*=UTF-8''", 1)[1]
    assert not any(c in star for c in ';,= "')
    assert unquote(star) == "a;b,c=d é.txt"
