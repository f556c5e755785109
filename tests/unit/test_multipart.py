"""StreamingForm: the streaming multipart/form-data reader (no network, no database)."""

from __future__ import annotations

import hashlib
import io
import tracemalloc
from collections.abc import Iterable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import PayloadTooLarge, ValidationError
from app.multipart import FORM_OVERHEAD, MAX_FIELD_BYTES, MAX_FIELDS, MalformedForm, SpooledPart, StreamingForm

BOUNDARY = b"----test-boundary-7MA4YWxkTrZu0gW"
MiB = 1024 * 1024


# --- building bodies -------------------------------------------------------------------------------------------


def field(name: str, value: str | bytes, boundary: bytes = BOUNDARY) -> bytes:
    value = value.encode() if isinstance(value, str) else value
    return b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (boundary, name.encode(), value)


def file_head(
    name: str = "file",
    filename: str = "a.bin",
    content_type: str | None = "application/octet-stream",
    boundary: bytes = BOUNDARY,
) -> bytes:
    head = b'--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n' % (
        boundary,
        name.encode(),
        filename.encode(),
    )
    if content_type:
        head += b"Content-Type: %s\r\n" % content_type.encode()
    return head + b"\r\n"


def file_part(data: bytes, **kwargs) -> bytes:
    return file_head(**kwargs) + data + b"\r\n"


def end(boundary: bytes = BOUNDARY) -> bytes:
    return b"--%s--\r\n" % boundary


def form_of(*parts: bytes) -> bytes:
    return b"".join(parts) + end()


class PieceReader:
    """A readable over an iterable of byte pieces that returns at most one piece per read (short reads, like a
    socket), never joining them: what the reader holds is the current piece only."""

    def __init__(self, pieces: Iterable[bytes]) -> None:
        self._pieces: Iterator[bytes] = iter(pieces)
        self._current = b""
        self._pos = 0
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        while self._pos >= len(self._current):
            piece = next(self._pieces, None)
            if piece is None:
                return b""
            self._current, self._pos = piece, 0
        stop = len(self._current) if size < 0 else self._pos + size
        data = self._current[self._pos : stop]
        self._pos += len(data)
        self.bytes_read += len(data)
        return data


def pieces_of(body: bytes, sizes: list[int]) -> Iterator[bytes]:
    """Cut body into pieces of the given sizes (cycled), so chunk boundaries fall anywhere."""
    position, index = 0, 0
    while position < len(body):
        size = sizes[index % len(sizes)]
        yield body[position : position + size]
        position += size
        index += 1


def read_all(part, size: int = 64 * 1024) -> bytes:
    chunks = []
    while True:
        data = part.read(size)
        if not data:
            return b"".join(chunks)
        chunks.append(data)


# --- fields and the file part ----------------------------------------------------------------------------------


def test_fields_before_the_file_are_known_when_the_file_starts():
    body = form_of(
        field("bucket", "users"),
        field("path", "docs/a.txt"),
        file_part(b"hello", filename="a.txt", content_type="text/plain"),
    )
    form = StreamingForm(io.BytesIO(body), BOUNDARY)
    assert form.fields == {"bucket": "users", "path": "docs/a.txt"}
    assert form.file is not None
    assert (form.file.name, form.file.filename, form.file.content_type) == ("file", "a.txt", "text/plain")
    assert read_all(form.file) == b"hello"
    assert form.finish() == {"bucket": "users", "path": "docs/a.txt"}


def test_the_file_is_not_read_before_it_is_asked_for():
    data = b"x" * (8 * MiB)
    reader = PieceReader([form_of(field("bucket", "users"), file_part(data))])
    form = StreamingForm(reader, BOUNDARY)
    assert form.fields == {"bucket": "users"}
    assert reader.bytes_read <= 2 * MiB  # one read of the body, not the whole file
    assert read_all(form.file) == data


def test_fields_after_the_file_come_with_finish():
    body = form_of(
        field("bucket", "users"), file_part(b"payload"), field("description", "after"), field("tags", '{"a": 1}')
    )
    form = StreamingForm(io.BytesIO(body), BOUNDARY)
    assert form.fields == {"bucket": "users"}
    assert read_all(form.file) == b"payload"
    assert form.finish() == {"bucket": "users", "description": "after", "tags": '{"a": 1}'}


def test_finish_before_the_file_is_read_to_its_end_is_refused():
    body = form_of(file_part(b"x" * (4 * MiB)), field("description", "after"))
    form = StreamingForm(io.BytesIO(body), BOUNDARY)
    form.file.read(10)
    with pytest.raises(MalformedForm):
        form.finish()


def test_spool_makes_the_fields_after_the_file_known_and_keeps_the_bytes():
    data = bytes(range(256)) * 20_000  # ~5 MiB: beyond the in-memory part of the spool
    body = form_of(file_part(data, filename="big.bin"), field("bucket", "users"), field("path", "big.bin"))
    form = StreamingForm(io.BytesIO(body), BOUNDARY)
    assert form.fields == {}
    form.spool()
    try:
        assert form.fields == {"bucket": "users", "path": "big.bin"}
        assert isinstance(form.file, SpooledPart)
        assert form.file.filename == "big.bin"
        assert hashlib.sha256(read_all(form.file, MiB)).hexdigest() == hashlib.sha256(data).hexdigest()
        assert form.finish() == {"bucket": "users", "path": "big.bin"}
    finally:
        form.close()


def test_a_form_without_a_file_part():
    form = StreamingForm(io.BytesIO(form_of(field("bucket", "users"), field("path", "a.txt"))), BOUNDARY)
    assert form.file is None
    assert form.fields == {"bucket": "users", "path": "a.txt"}
    assert form.finish() == {"bucket": "users", "path": "a.txt"}


def test_an_empty_file_part():
    form = StreamingForm(io.BytesIO(form_of(file_part(b""), field("after", "1"))), BOUNDARY)
    assert form.file.read(MiB) == b""
    assert form.finish() == {"after": "1"}


def test_only_the_first_file_part_counts():
    body = form_of(
        field("a", "1"),
        file_part(b"first", filename="1.txt"),
        field("b", "2"),
        file_part(b"second" * 1000, name="other", filename="2.txt"),
        field("c", "3"),
        file_part(b"third", filename="3.txt"),
    )
    form = StreamingForm(io.BytesIO(body), BOUNDARY)
    assert form.file.filename == "1.txt"
    assert read_all(form.file) == b"first"
    assert form.finish() == {"a": "1", "b": "2", "c": "3"}
    assert form.file.filename == "1.txt"


def test_the_first_value_of_a_repeated_field_wins():
    form = StreamingForm(io.BytesIO(form_of(field("path", "a.txt"), field("path", "b.txt"))), BOUNDARY)
    assert form.fields == {"path": "a.txt"}


def test_field_values_are_utf8_text():
    form = StreamingForm(io.BytesIO(form_of(field("path", "docs/résumé ✓.txt"))), BOUNDARY)
    assert form.fields["path"] == "docs/résumé ✓.txt"


# --- chunk boundaries anywhere ----------------------------------------------------------------------------------

# Bytes that resemble line breaks and boundary fragments, so partial boundaries straddle chunk edges.
TRICKY = st.binary(max_size=3000) | st.lists(
    st.sampled_from([b"\r", b"\n", b"\r\n", b"-", b"--", b"\r\n--", b"\r\n--" + BOUNDARY[:-1], BOUNDARY[:5], b"a"]),
    max_size=200,
).map(b"".join)
FIELD_NAMES = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)
FIELD_VALUES = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=200)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    before=st.dictionaries(FIELD_NAMES, FIELD_VALUES, max_size=5),
    after=st.dictionaries(FIELD_NAMES, FIELD_VALUES, max_size=5),
    data=TRICKY,
    sizes=st.lists(st.integers(min_value=1, max_value=97), min_size=1, max_size=20),
    read_size=st.integers(min_value=1, max_value=5000),
)
def test_chunk_boundaries_falling_anywhere(before, after, data, sizes, read_size):
    after = {name: value for name, value in after.items() if name not in before}
    parts = [field(n, v) for n, v in before.items()] + [file_part(data)] + [field(n, v) for n, v in after.items()]
    form = StreamingForm(PieceReader(pieces_of(form_of(*parts), sizes)), BOUNDARY)
    assert form.fields == before
    assert read_all(form.file, read_size) == data
    assert form.finish() == {**before, **after}


CLOSING = b"\r\n--" + BOUNDARY


@pytest.mark.parametrize("extra", range(-3, 6))
@pytest.mark.parametrize("last", ["file", "field"])
def test_a_read_ending_inside_the_closing_boundary(extra, last):
    """The deterministic form of the property above: the body arrives in two reads split near the last boundary."""
    parts = [field("a", "1"), file_part(b"payload")] if last == "file" else [file_part(b"payload"), field("a", "1")]
    body = form_of(*parts)
    split = body.rindex(CLOSING) + len(CLOSING) + extra
    form = StreamingForm(PieceReader([body[:split], body[split:]]), BOUNDARY)
    assert read_all(form.file) == b"payload"
    assert form.finish() == {"a": "1"}


@settings(max_examples=100, deadline=None)
@given(data=TRICKY, sizes=st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=10))
def test_spooling_with_chunk_boundaries_anywhere(data, sizes):
    body = form_of(file_part(data), field("bucket", "users"), field("path", "x"))
    form = StreamingForm(PieceReader(pieces_of(body, sizes)), BOUNDARY)
    form.spool()
    try:
        assert form.fields == {"bucket": "users", "path": "x"}
        assert read_all(form.file, 7) == data
    finally:
        form.close()


# --- malformed bodies -------------------------------------------------------------------------------------------


def test_too_many_fields():
    body = form_of(*(field(f"f{i}", "v") for i in range(MAX_FIELDS + 1)))
    with pytest.raises(MalformedForm):
        StreamingForm(io.BytesIO(body), BOUNDARY)


def test_as_many_fields_as_allowed():
    body = form_of(*(field(f"f{i}", "v") for i in range(MAX_FIELDS)), file_part(b"x"))
    form = StreamingForm(io.BytesIO(body), BOUNDARY)
    assert len(form.fields) == MAX_FIELDS


def test_too_many_parts_with_one_name():
    """Repeating one field name must not get round the limit, and the reader still reports a malformed form."""
    body = form_of(*(field("same", "v") for _ in range(MAX_FIELDS * 2)))
    with pytest.raises(MalformedForm):
        StreamingForm(io.BytesIO(body), BOUNDARY)


def test_too_many_fields_after_the_file():
    body = form_of(file_part(b"x"), *(field(f"f{i}", "v") for i in range(MAX_FIELDS + 1)))
    form = StreamingForm(io.BytesIO(body), BOUNDARY)
    read_all(form.file)
    with pytest.raises(MalformedForm):
        form.finish()


def test_a_field_too_large():
    with pytest.raises(MalformedForm):
        StreamingForm(io.BytesIO(form_of(field("description", "x" * (MAX_FIELD_BYTES + 1)))), BOUNDARY)


def test_a_field_at_the_size_limit():
    form = StreamingForm(io.BytesIO(form_of(field("description", "x" * MAX_FIELD_BYTES))), BOUNDARY)
    assert len(form.fields["description"]) == MAX_FIELD_BYTES


def test_a_field_too_large_arriving_in_small_pieces():
    body = form_of(field("description", "x" * (MAX_FIELD_BYTES * 4)))
    with pytest.raises(MalformedForm):
        StreamingForm(PieceReader(pieces_of(body, [1000])), BOUNDARY)


BODY = form_of(field("bucket", "users"), file_part(b"0123456789" * 100), field("after", "x"))


@pytest.mark.parametrize("cut", [0, 10, len(b"--" + BOUNDARY) + 5, BODY.index(b"users") + 2, BODY.index(b"filename")])
def test_truncated_before_the_file_data(cut):
    with pytest.raises(MalformedForm):
        form = StreamingForm(io.BytesIO(BODY[:cut]), BOUNDARY)
        read_all(form.file)


def test_truncated_inside_the_file_data():
    cut = BODY.index(b"0123456789") + 500
    form = StreamingForm(io.BytesIO(BODY[:cut]), BOUNDARY)
    with pytest.raises(MalformedForm):
        read_all(form.file)


def test_truncated_after_the_file():
    cut = BODY.index(b"after") + 3
    form = StreamingForm(io.BytesIO(BODY[:cut]), BOUNDARY)
    assert read_all(form.file) == b"0123456789" * 100
    with pytest.raises(MalformedForm):
        form.finish()


def test_missing_closing_boundary():
    body = field("bucket", "users") + file_part(b"abc")
    form = StreamingForm(io.BytesIO(body), BOUNDARY)
    with pytest.raises(MalformedForm):
        read_all(form.file)
        form.finish()


def test_a_part_without_content_disposition():
    body = b"--%s\r\nContent-Type: text/plain\r\n\r\nvalue\r\n" % BOUNDARY + end()
    with pytest.raises(MalformedForm):
        StreamingForm(io.BytesIO(body), BOUNDARY)


def test_a_body_with_another_boundary():
    body = form_of(field("bucket", "users"))
    with pytest.raises(MalformedForm):
        StreamingForm(io.BytesIO(body), b"not-the-boundary")


# --- bounded memory ---------------------------------------------------------------------------------------------

LARGE = 64 * MiB


def file_blocks(size: int) -> Iterator[bytes]:
    """`size` bytes, 1 MiB at a time; every MiB differs, so a hash also checks the order."""
    block = bytes(range(256)) * (MiB // 256)
    for index in range(size // MiB):
        yield block[index % 256 :] + block[: index % 256]


def lazy_file_body(size: int, *, before: bytes = b"", after: bytes = b"") -> Iterator[bytes]:
    """A multipart body with a `size`-byte file part, generated lazily (never held whole)."""
    yield before + file_head()
    yield from file_blocks(size)
    yield b"\r\n" + after + end()


def expected_sha256(size: int) -> str:
    digest = hashlib.sha256()
    for block in file_blocks(size):
        digest.update(block)
    return digest.hexdigest()


def test_reading_a_large_file_part_holds_a_bounded_amount_of_memory():
    reader = PieceReader(lazy_file_body(LARGE, after=field("description", "after")))
    digest, size, largest_buffer = hashlib.sha256(), 0, 0
    tracemalloc.start()
    try:
        form = StreamingForm(reader, BOUNDARY)
        tracemalloc.reset_peak()
        while True:
            data = form.file.read(MiB)  # what the object stores ask for
            largest_buffer = max(largest_buffer, len(form.decoder.buffer), len(form.file._buffer))
            if not data:
                break
            size += len(data)
            digest.update(data)
            del data
        fields = form.finish()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size == LARGE
    assert digest.hexdigest() == expected_sha256(LARGE)
    assert fields == {"description": "after"}
    assert largest_buffer <= 2 * MiB, f"an internal buffer reached {largest_buffer} bytes"
    assert peak <= 8 * MiB, f"peak traced memory {peak / MiB:.1f} MiB while streaming {LARGE // MiB} MiB"


def test_spooling_a_large_file_part_holds_a_bounded_amount_of_memory():
    reader = PieceReader(lazy_file_body(LARGE, after=field("bucket", "users")))
    tracemalloc.start()
    try:
        form = StreamingForm(reader, BOUNDARY)
        tracemalloc.reset_peak()
        form.spool()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    try:
        assert form.fields == {"bucket": "users"}
        digest = hashlib.sha256()
        while data := form.file.read(MiB):
            digest.update(data)
        assert digest.hexdigest() == expected_sha256(LARGE)
    finally:
        form.close()
    # The spool keeps its first MiB in memory and copies it once when it rolls over to disk.
    assert peak <= 10 * MiB, f"peak traced memory {peak / MiB:.1f} MiB while spooling {LARGE // MiB} MiB"


def junk(size: int) -> Iterator[bytes]:
    block = b"x" * MiB
    for _ in range(size // MiB):
        yield block


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(lambda: junk(LARGE), id="no boundary at all"),
        pytest.param(lambda: iter([b"--" + BOUNDARY + b"\r\nX-Filler: ", *junk(LARGE)]), id="endless part headers"),
    ],
)
def test_a_body_that_never_reaches_a_part_is_refused_without_buffering_it(body):
    """Before the first file byte the reader must not buffer an unbounded preamble or header block."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        with pytest.raises(MalformedForm):
            StreamingForm(PieceReader(body()), BOUNDARY)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak <= 8 * MiB, f"peak traced memory {peak / MiB:.1f} MiB on a {LARGE // MiB} MiB body without parts"


# --- bounded by the upload limit (contract §9) -------------------------------------------------------------------

LIMIT = 2 * MiB


def endless_file(*, before: bytes = b"", total: int = 300 * MiB) -> PieceReader:
    """A body of `total` bytes: `before`, then a file part that never ends within it."""
    head = before + file_head()

    def pieces():
        yield head
        left = total - len(head)
        while left > 0:
            yield b"x" * min(256 * 1024, left)
            left -= 256 * 1024

    return PieceReader(pieces())


def test_spooling_stops_one_read_past_the_limit():
    reader = endless_file()
    form = StreamingForm(reader, BOUNDARY, max_file_size=LIMIT)
    with pytest.raises(PayloadTooLarge):
        form.spool()
    form.close()
    assert reader.bytes_read <= LIMIT + 2 * MiB


def test_a_spooled_file_exactly_at_the_limit_is_kept():
    data = b"q" * LIMIT
    form = StreamingForm(io.BytesIO(form_of(file_part(data), field("bucket", "users"))), BOUNDARY, max_file_size=LIMIT)
    form.spool()
    try:
        assert form.fields == {"bucket": "users"}
        assert read_all(form.file) == data
    finally:
        form.close()


def test_a_content_length_over_what_can_fit_is_refused_before_reading():
    reader = endless_file()
    with pytest.raises(PayloadTooLarge):
        StreamingForm(reader, BOUNDARY, max_file_size=LIMIT, content_length=LIMIT + FORM_OVERHEAD + 1)
    assert reader.bytes_read == 0


def test_a_content_length_that_can_fit_is_read():
    body = form_of(field("bucket", "users"), file_part(b"abc"))
    form = StreamingForm(io.BytesIO(body), BOUNDARY, max_file_size=LIMIT, content_length=LIMIT + FORM_OVERHEAD)
    assert read_all(form.file) == b"abc"


def test_skipped_file_parts_cannot_make_the_body_unbounded():
    """Only the first file part counts; the later ones are skipped, but the body as a whole stays bounded."""
    first = field("bucket", "users") + file_part(b"small")
    reader = endless_file(before=first)
    form = StreamingForm(reader, BOUNDARY, max_file_size=LIMIT)
    assert read_all(form.file) == b"small"
    with pytest.raises(PayloadTooLarge):
        form.finish()
    assert reader.bytes_read <= LIMIT + FORM_OVERHEAD + 2 * MiB


def test_without_a_limit_nothing_changes():
    data = b"z" * (3 * MiB)
    form = StreamingForm(io.BytesIO(form_of(file_part(data), field("a", "1"))), BOUNDARY)
    form.spool()
    try:
        assert read_all(form.file) == data
    finally:
        form.close()


# --- field values are UTF-8 text without NUL (contract §9) ---------------------------------------------------------


@pytest.mark.parametrize("value", [b"a\x00b", b"\x00", b"caf\xe9", b"\xff\xfe", b"\xed\xa0\x80", b"docs/\xc3"])
@pytest.mark.parametrize("where", ["before", "after"])
def test_a_field_with_nul_or_invalid_utf8_is_a_validation_error(value, where):
    parts = (
        [field("path", value), file_part(b"data")] if where == "before" else [file_part(b"data"), field("path", value)]
    )
    with pytest.raises(ValidationError) as raised:
        form = StreamingForm(io.BytesIO(form_of(*parts)), BOUNDARY)
        read_all(form.file)
        form.finish()
    assert raised.value.status == 400 and "path" in raised.value.context["errors"]


def test_utf8_field_values_are_kept_exactly():
    value = "résumé 日本 😀 \u202e"
    form = StreamingForm(io.BytesIO(form_of(field("description", value), file_part(b"d"))), BOUNDARY)
    assert form.fields == {"description": value}


# --- the file part's declared type (contract §9) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("text/plain", "text/plain"),
        ("Text/Plain; charset=UTF-8", "text/plain"),
        ("application/vnd.ms-excel", "application/vnd.ms-excel"),
        (None, None),
    ],
)
def test_the_file_part_type_is_a_bare_media_type(declared, expected):
    form = StreamingForm(io.BytesIO(form_of(file_part(b"d", content_type=declared))), BOUNDARY)
    assert form.file.content_type == expected


@pytest.mark.parametrize("declared", ["text", "text/*", "a b/c", "x/" + "y" * 300, "text/plain; charset", "t\xe9xt/a"])
def test_a_file_part_type_that_is_not_a_media_type_is_a_validation_error(declared):
    head = file_head(content_type=None)[:-2] + b"Content-Type: " + declared.encode() + b"\r\n\r\n"
    with pytest.raises(ValidationError) as raised:
        StreamingForm(io.BytesIO(form_of(head + b"d\r\n")), BOUNDARY)
    assert "file" in raised.value.context["errors"]
