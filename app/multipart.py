"""A streaming multipart/form-data reader: fields as small strings, the file part as a readable stream.

Nothing reads the whole body into memory: the file part is handed out chunk by chunk as it arrives.
"""

from __future__ import annotations

import shutil
import tempfile
from typing import BinaryIO

from werkzeug.sansio.multipart import NEED_DATA, Data, Epilogue, Field, File, MultipartDecoder

READ_SIZE = 1024 * 1024
MAX_FIELD_BYTES = 64 * 1024
MAX_FIELDS = 100
SPOOL_MEMORY = 1024 * 1024


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
        self.decoder = MultipartDecoder(boundary, max_parts=MAX_FIELDS + 1)
        self.fields: dict[str, str] = {}
        self.file: FilePart | SpooledPart | None = None
        self._eof = False
        self._read_fields()

    def _next_event(self):
        while True:
            try:
                event = self.decoder.next_event()
            except ValueError as exc:
                raise MalformedForm(str(exc)) from None
            if event is not NEED_DATA:
                return event
            if self._eof:
                raise MalformedForm("the body ended before the form did")
            chunk = self.stream.read(READ_SIZE)
            self._eof = not chunk
            self.decoder.receive_data(chunk or None)

    def _read_fields(self) -> None:
        """Collect fields until the first file part (kept open for streaming) or the end of the form."""
        while True:
            event = self._next_event()
            if isinstance(event, Epilogue):
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
