"""The bytes of small objects, kept in a worker's memory after they were first read for a download.

A version's object never changes: its key is made by the server, once, for that version, and nothing writes to it
again. So a copy is right for as long as anyone can ask for it, and nothing has to invalidate it: a deleted
version's row is gone before its object is (the download looks the row up first), and an entry nobody asks for
leaves by age. A proxy or share-link download of a small file then costs its database read and audit row, not a
signed request to the object store as well.

Written by hand rather than with functools.lru_cache or cachetools: the bound is on bytes, not on entries, and an
entry is only ever added whole (a copy that came short is never kept).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator


class BytesStream:
    """An ObjectStream over bytes in memory (one chunk)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __iter__(self) -> Iterator[bytes]:
        if self.data:
            yield self.data

    def close(self) -> None:
        self.data = b""


class SmallObjectCache:
    """Least recently used copies of objects of at most `max_object` bytes, `max_total` bytes in all (0: off)."""

    def __init__(self, max_total: int, max_object: int) -> None:
        self.max_total = max(max_total, 0)
        self.max_object = min(max(max_object, 0), self.max_total)
        self._entries: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()  # the threads of a worker share it

    def holds(self, size: int) -> bool:
        """Whether an object of `size` bytes is kept here once read."""
        return 0 < size <= self.max_object

    def get(self, bucket: str, key: str) -> bytes | None:
        with self._lock:
            data = self._entries.get((bucket, key))
            if data is not None:
                self._entries.move_to_end((bucket, key))
            return data

    def put(self, bucket: str, key: str, data: bytes) -> None:
        if not self.holds(len(data)):
            return
        with self._lock:
            if (bucket, key) in self._entries:
                return
            self._entries[(bucket, key)] = data
            self._size += len(data)
            while self._size > self.max_total:
                _, evicted = self._entries.popitem(last=False)
                self._size -= len(evicted)

    @property
    def size(self) -> int:
        """Bytes held now."""
        return self._size
