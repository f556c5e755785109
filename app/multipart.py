"""A streaming multipart/form-data reader: fields as small strings, the file part as a readable stream.

Nothing reads the whole body into memory: the file part is handed out chunk by chunk as it arrives.
"""

from __future__ import annotations

import shutil
import tempfile
from typing import BinaryIO

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.sansio.multipart import NEED_DATA, SEARCH_EXTRA_LENGTH, Data, Epilogue, Field, File, MultipartDecoder

READ_SIZE = 1024 * 1024
MAX_FIELD_BYTES = 64 * 1024
MAX_FIELDS = 100
SPOOL_MEMORY = 1024 * 1024


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
    """A file part already read into a temporary file (bounded memory), with the same interface."""

    def __init__(self, part: FilePart) -> None:
        self.name, self.filename, self.content_type = part.name, part.filename, part.content_type
        self._file: BinaryIO = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # noqa: SIM115 - closed by close()
        shutil.copyfileobj(part, self._file, READ_SIZE)
        self._file.seek(0)

    def read(self, size: int = -1) -> bytes:
        return self._file.read(size)

    def close(self) -> None:
        self._file.close()


class StreamingForm:
    """Reads fields up to the first file part; the file part streams; the rest can be read after it."""

    def __init__(self, stream: BinaryIO, boundary: bytes) -> None:
        self.stream = stream
        # The buffer never holds more than one read plus one field: a body with no boundary cannot grow it.
        self.decoder = _Decoder(boundary, max_form_memory_size=READ_SIZE + MAX_FIELD_BYTES, max_parts=MAX_FIELDS + 1)
        self.fields: dict[str, str] = {}
        self.file: FilePart | SpooledPart | None = None
        self._eof = False
        self._complete = False
        self._read_fields()

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
                self.decoder.receive_data(chunk or None)
            except RequestEntityTooLarge:
                raise MalformedForm("too many parts, or part headers too large") from None
            except MalformedForm:
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
                self.file = FilePart(self, event.name, event.filename, event.headers.get("content-type"))
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
        self.fields.setdefault(name, value.decode("utf-8", "replace"))

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
        """Read the file part into a temporary file so the fields after it become known."""
        if isinstance(self.file, FilePart):
            self.file = SpooledPart(self.file)
            self._read_fields_after_file()

    def _read_fields_after_file(self) -> None:
        current = self.file
        self._read_fields()
        self.file = current

    def close(self) -> None:
        if isinstance(self.file, SpooledPart):
            self.file.close()
