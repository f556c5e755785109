"""A streaming multipart/form-data reader: fields as small strings, the file part as a readable stream.

Nothing reads the whole body into memory: the file part is handed out chunk by chunk as it arrives. With a
`max_file_size`, nothing reads much more of the body than that file size plus the fields: a file part spooled to
disk (because address fields come after it) stops one read past the limit, and the body as a whole is bounded, so
a huge body is answered with 413 without being read to its end.
"""

from __future__ import annotations

import tempfile
from typing import BinaryIO

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.sansio.multipart import NEED_DATA, SEARCH_EXTRA_LENGTH, Data, Epilogue, Field, File, MultipartDecoder

from app.errors import AppError, PayloadTooLarge, ValidationError
from app.services.content_types import parse_media_type

READ_SIZE = 1024 * 1024
MAX_FIELD_BYTES = 64 * 1024
MAX_FIELDS = 100
SPOOL_MEMORY = 1024 * 1024
# What a form may hold besides its file: the fields, their part headers and the boundaries, with room to spare.
FORM_OVERHEAD = MAX_FIELDS * (MAX_FIELD_BYTES + 1024) + 2 * READ_SIZE


class _Decoder(MultipartDecoder):
    """werkzeug's decoder, holding back every CR/LF that may start the boundary.

    werkzeug 3.1 measures the window from the end of the buffer without the boundary's trailing `--`/CRLF, so a
    read ending just after `\r\n--boundary-` lets the CR out as file data (a stored byte too many).
    """

    def _last_partial_boundary_index(self, data: bytes | bytearray) -> int:
        start = max(0, len(data) - len(b"\r\n--" + self.boundary) - SEARCH_EXTRA_LENGTH)
        found = [i for i in (data.find(b"\r", start), data.find(b"\n", start)) if i != -1]
        return min(found) if found else len(data)


class MalformedForm(ValueError):
    """The body is not a well-formed multipart form (or its fields are too large or too many)."""


class FilePart:
    """The file part: `read(n)` pulls bytes from the body as they arrive; b"" when the part ends."""

    def __init__(self, form: StreamingForm, name: str, filename: str, content_type: str | None) -> None:
        self.form, self.name, self.filename, self.content_type = form, name, filename, content_type
        self.done = False
        self._buffer = bytearray()

    def read(self, size: int = -1) -> bytes:
        while not self.done and (size < 0 or len(self._buffer) < size):
            event = self.form._next_event()
            if not isinstance(event, Data):
                raise MalformedForm("unexpected part inside the file data")
            self._buffer += event.data
            self.done = not event.more_data
        if size < 0 or size >= len(self._buffer):
            data, self._buffer = bytes(self._buffer), bytearray()
        else:
            data = bytes(self._buffer[:size])
            del self._buffer[:size]
        return data


class SpooledPart:
    """A file part already read into a temporary file (bounded memory and disk), with the same interface."""

    def __init__(self, part: FilePart, max_size: int | None = None) -> None:
        self.name, self.filename, self.content_type = part.name, part.filename, part.content_type
        self._file: BinaryIO = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # noqa: SIM115 - closed by close()
        try:
            size = 0
            while chunk := part.read(READ_SIZE):
                size += len(chunk)
                if max_size is not None and size > max_size:
                    raise PayloadTooLarge(f"The file exceeds the limit of {max_size} bytes.")
                self._file.write(chunk)
        except BaseException:
            self._file.close()
            raise
        self._file.seek(0)

    def read(self, size: int = -1) -> bytes:
        return self._file.read(size)

    def close(self) -> None:
        self._file.close()


class StreamingForm:
    """Reads fields up to the first file part; the file part streams; the rest can be read after it."""

    def __init__(
        self, stream: BinaryIO, boundary: bytes, *, max_file_size: int | None = None, content_length: int | None = None
    ) -> None:
        """Read the fields before the first file part; raise PayloadTooLarge for a body that cannot fit the limit."""
        self.stream = stream
        self.max_file_size = max_file_size
        self.max_body = None if max_file_size is None else max_file_size + FORM_OVERHEAD
        if self.max_body is not None and content_length is not None and content_length > self.max_body:
            raise self._too_large()
        # The buffer never holds more than one read plus one field: a body with no boundary cannot grow it.
        self.decoder = _Decoder(boundary, max_form_memory_size=READ_SIZE + MAX_FIELD_BYTES, max_parts=MAX_FIELDS + 1)
        self.fields: dict[str, str] = {}
        self.file: FilePart | SpooledPart | None = None
        self.bytes_read = 0
        self._eof = False
        self._complete = False
        self._read_fields()

    def _too_large(self) -> PayloadTooLarge:
        return PayloadTooLarge(f"The file exceeds the limit of {self.max_file_size} bytes.")

    def _next_event(self):
        while True:
            try:
                event = self.decoder.next_event()
                if event is not NEED_DATA:
                    return event
                if self._eof:
                    raise MalformedForm("the body ended before the form did")
                chunk = self.stream.read(READ_SIZE)
                self._eof = not chunk
                self.bytes_read += len(chunk)
                if self.max_body is not None and self.bytes_read > self.max_body:
                    raise self._too_large()  # e.g. more file parts after the first, which are skipped
                self.decoder.receive_data(chunk or None)
            except RequestEntityTooLarge:
                raise MalformedForm("too many parts, or part headers too large") from None
            except (MalformedForm, AppError):
                raise
            except ValueError as exc:
                raise MalformedForm(str(exc)) from None

    def _read_fields(self) -> None:
        """Collect fields until the first file part (kept open for streaming) or the end of the form."""
        while not self._complete:
            event = self._next_event()
            if isinstance(event, Epilogue):
                self._complete = True
                return
            if isinstance(event, File):
                if self.file is not None:  # only the first file part counts; later ones are skipped
                    self._skip_data()
                    continue
                self.file = FilePart(self, event.name, event.filename, _media_type(event.headers.get("content-type")))
                return
            if isinstance(event, Field):
                self._read_field(event.name)

    def _read_field(self, name: str) -> None:
        value = bytearray()
        more = True
        while more:
            event = self._next_event()
            value += event.data
            more = event.more_data
            if len(value) > MAX_FIELD_BYTES:
                raise MalformedForm(f"form field {name[:64]!r} is larger than {MAX_FIELD_BYTES} bytes")
        if len(self.fields) >= MAX_FIELDS:
            raise MalformedForm("too many form fields")
        self.fields.setdefault(name, _text(name, bytes(value)))

    def _skip_data(self) -> None:
        more = True
        while more:
            more = self._next_event().more_data

    def finish(self) -> dict[str, str]:
        """After the file part was consumed: read the remaining fields; return all fields."""
        if isinstance(self.file, FilePart) and not self.file.done:
            raise MalformedForm("the file part was not read to its end")
        self._read_fields_after_file()
        return self.fields

    def spool(self) -> None:
        """Read the file part into a temporary file so the fields after it become known.

        Raises PayloadTooLarge as soon as the part exceeds `max_file_size`, without reading the rest of the body.
        """
        if isinstance(self.file, FilePart):
            self.file = SpooledPart(self.file, self.max_file_size)
            self._read_fields_after_file()

    def _read_fields_after_file(self) -> None:
        current = self.file
        self._read_fields()
        self.file = current

    def close(self) -> None:
        if isinstance(self.file, SpooledPart):
            self.file.close()


def _text(name: str, value: bytes) -> str:
    """A field's value as text: UTF-8 without NUL (werkzeug's "replace" would make different bytes one name)."""
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        problem = "is not valid UTF-8" if text is None else "contains a NUL character"
        raise ValidationError(f"The form field {name[:64]!r} {problem}.", errors={name[:64]: [f"The value {problem}."]})
    return text


def _media_type(declared: str | None) -> str | None:
    """The file part's declared Content-Type as a bare RFC 6838 type/subtype (ValidationError if it is not one)."""
    if declared is None or not declared.strip():
        return None
    try:
        return parse_media_type(declared.strip())
    except ValidationError:
        raise ValidationError(
            "The file part's Content-Type is not a media type.",
            errors={"file": ["The part's Content-Type must be an RFC 6838 type/subtype."]},
        ) from None
