"""Bounded, well-formed input for every API request, checked before authentication, the schemas and storage I/O.

- A body that is not multipart (the upload streams its own form, under MAX_UPLOAD_SIZE) is at most MAX_JSON_BODY
  bytes: 413 `payload_too_large` from Content-Length before reading, or after reading at most MAX_JSON_BODY + 1
  bytes of a chunked body.
- A JSON body must be UTF-8 JSON nested at most MAX_JSON_DEPTH deep, without NUL or lone surrogates in any string
  (keys included), without integers outside signed 64-bit, NaN or Infinity: 400 `validation_error`. The depth is
  measured on the text before `json.loads` recurses, so 50,000 nested brackets are a 400, not a RecursionError.
- A query string must be UTF-8 without NUL once percent-decoded (werkzeug would turn bad bytes into U+FFFD): 400.
- `Range: bytes=-0` is a range that selects nothing (416), not a malformed header to ignore (`empty_suffix_range`).

webargs (and so every `@blp.arguments` JSON schema) reads the body with `request.get_data(cache=True)`: it gets the
bytes checked here.
"""

from __future__ import annotations

import json
import math
import re
from itertools import accumulate
from urllib.parse import unquote_to_bytes

from flask import current_app, request
from webargs.core import is_json
from werkzeug.exceptions import RequestEntityTooLarge

from app.errors import PayloadTooLarge, ValidationError

MAX_JSON_DEPTH = 32
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

# The scans below run on the raw bytes, in C (regular expressions, bytes.translate): UTF-8 never puts an ASCII byte
# inside a multi-byte character, so `"`, `\` and brackets mean the same in the bytes as in the text.
# A JSON string, or what is left of an unterminated one: possessive and anchored so that it never backtracks and
# never fails once started (a failed match would be retried from every later quote: quadratic).
_STRING = re.compile(rb'"[^"\\]*+(?:\\(?:.|\Z)[^"\\]*+)*+(?:"|\Z)', re.DOTALL)
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
# A \u0000 escape that is not itself escaped (an even number of backslashes before it).
_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*+\\u0000")
# An escape of a surrogate (maybe half of a pair, maybe alone: json.loads keeps a lone one as is).
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
# Outside strings: integers of 19 digits or more (maybe outside 64 bits), and numbers that may overflow a double.
_LONG_INTEGER = re.compile(rb"(?<![0-9.eE+-])-?[0-9]{19,}+(?![0-9.eE])")
_LARGE_NUMBER = re.compile(rb"-?[0-9]++(?:\.[0-9]++)?+[eE][+-]?+[0-9]++|-?[0-9]{300,}+\.[0-9]++")
_EMPTY_SUFFIX = re.compile(r"[ \t]*bytes[ \t]*=[ \t]*-0+[ \t]*", re.IGNORECASE)


class _Refused(ValueError):
    """A JSON value the service does not accept (raised from inside json.loads)."""


def check_request() -> None:
    """before_request hook of the API blueprints: raise PayloadTooLarge or ValidationError for refused input."""
    check_query_string(request.query_string)
    if request.mimetype == "multipart/form-data":
        return
    limit = current_app.config["MAX_JSON_BODY"]
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(limit)
    if not is_json(request.mimetype):
        return  # nothing parses it; the server discards it
    # One byte over the limit tells a chunked body that is too large from one that is exactly at it.
    request.max_content_length = limit + 1
    try:
        body = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise _too_large(limit) from None
    if len(body) > limit:
        raise _too_large(limit)
    if body:
        check_json(body)


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"The request body exceeds the limit of {limit} bytes (MAX_JSON_BODY).")


def check_query_string(raw: bytes) -> None:
    """Raise ValidationError unless the percent-decoded query string is UTF-8 without NUL."""
    decoded = unquote_to_bytes(raw.replace(b"+", b" "))
    if b"\x00" in decoded:
        raise _invalid("query", "The query string contains a NUL character.")
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError:
        raise _invalid("query", "The query string is not valid UTF-8 once percent-decoded.") from None


def check_json(body: bytes) -> None:
    """Raise ValidationError unless `body` is JSON the service accepts (see the module docstring)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _invalid("json", "The JSON body is not valid UTF-8.") from None
    skeleton = _STRING.sub(b"", body)  # the body without its strings: only structure, numbers and literals remain
    if _depth(skeleton) > MAX_JSON_DEPTH:
        raise _invalid("json", f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels.")
    if b"\\u0000" in body and _NUL_ESCAPE.search(body):
        raise _invalid("json", "The JSON body contains a NUL character.")
    for match in _LONG_INTEGER.finditer(skeleton):
        # Length first: int() of a 10,000-digit literal is slow, and Python refuses over 4,300 digits anyway.
        literal = match[0]
        if len(literal.lstrip(b"-")) > 19 or not INT64_MIN <= int(literal) <= INT64_MAX:
            raise _invalid("json", f"The JSON body has an integer outside the signed 64-bit range ({_start(literal)}).")
    for match in _LARGE_NUMBER.finditer(skeleton):
        if not math.isfinite(float(match[0])):
            raise _invalid("json", f"The JSON body has a number too large for a double ({_start(match[0])}).")
    try:
        value = json.loads(text, parse_constant=_no_constant)
        if _SURROGATE_ESCAPE.search(body):
            # A lone surrogate ("\ud800") cannot be stored as UTF-8; re-encoding finds one anywhere, keys included.
            json.dumps(value, ensure_ascii=False).encode("utf-8")
    except _Refused as exc:
        raise _invalid("json", str(exc)) from None
    except UnicodeEncodeError:
        raise _invalid("json", "The JSON body contains an unpaired surrogate escape.") from None
    except ValueError as exc:  # JSONDecodeError
        raise _invalid("json", f"The body is not valid JSON: {exc}.") from None


def json_depth(text: str | bytes) -> int:
    """The deepest nesting of arrays and objects in JSON text, without recursion (strings are skipped)."""
    return _depth(_STRING.sub(b"", text.encode() if isinstance(text, str) else text))


def _depth(skeleton: bytes) -> int:
    brackets = skeleton.translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0)


def _start(literal: bytes) -> str:
    return literal[:40].decode("ascii") + ("..." if len(literal) > 40 else "")


def _no_constant(name: str):
    raise _Refused(f"{name} is not JSON.")


def _invalid(where: str, detail: str) -> ValidationError:
    return ValidationError(detail, errors={where: [detail]})


def empty_suffix_range(header: str | None) -> bool:
    """Whether a Range header is `bytes=-0`, which werkzeug reads as no Range at all.

    RFC 9110 §14.1.1: a suffix range is satisfiable only with a non-zero length, so it is a 416, not the whole object.
    """
    return bool(header) and _EMPTY_SUFFIX.fullmatch(header) is not None
