"""Prefetch, the read-ahead wrapper any adapter can put around its ObjectStream (no server needed)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from app.storage.base import Prefetch, StorageUnavailable


class FakeStream:
    """An ObjectStream of numbered chunks that records what was read and whether (and by whom) it was closed."""

    def __init__(self, count: int, *, fail_after: int | None = None, delay: float = 0.0) -> None:
        self.count, self.fail_after, self.delay = count, fail_after, delay
        self.produced = 0
        self.closed_by: str | None = None
        self.close_calls = 0

    def __iter__(self) -> Iterator[bytes]:
        for n in range(self.count):
            if self.closed_by is not None:
                raise AssertionError("read after close")
            if self.fail_after is not None and n == self.fail_after:
                raise StorageUnavailable("the store went away")
            time.sleep(self.delay)
            self.produced += 1
            yield n.to_bytes(4, "big") * 256

    def close(self) -> None:
        self.close_calls += 1
        self.closed_by = self.closed_by or threading.current_thread().name


def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_yields_every_chunk_in_order_and_closes_the_stream():
    source = FakeStream(50)
    stream = Prefetch(source, depth=3)
    chunks = list(stream)
    assert chunks == [n.to_bytes(4, "big") * 256 for n in range(50)]
    wait_until(lambda: not stream.reader_alive)
    assert source.closed_by == "object-prefetch"
    stream.close()
    assert source.close_calls == 1


def test_reads_ahead_at_most_depth_chunks():
    source = FakeStream(100)
    stream = Prefetch(source, depth=4)
    chunks = iter(stream)
    next(chunks)
    wait_until(lambda: source.produced >= 5)
    time.sleep(0.1)
    assert source.produced == 1 + 4 + 1  # the one taken, a full buffer, and one waiting for room
    stream.close()


def test_close_while_the_reader_waits_for_room_ends_it_and_closes_the_stream():
    threads = threading.active_count()
    source = FakeStream(1000)
    stream = Prefetch(source, depth=2)
    chunks = iter(stream)
    next(chunks)
    wait_until(lambda: len(stream._chunks) == 2)
    assert stream.reader_alive and threading.active_count() == threads + 1
    stream.close()
    assert not stream.reader_alive and threading.active_count() == threads
    assert source.closed_by == "object-prefetch" and source.produced < 10
    assert list(chunks) == []  # nothing more after close
    stream.close()  # twice is harmless
    assert source.close_calls == 1


def test_close_while_the_reader_is_reading_waits_for_that_read_only():
    source = FakeStream(1000, delay=0.05)
    stream = Prefetch(source, depth=8)
    chunks = iter(stream)
    next(chunks)
    started = time.monotonic()
    stream.close()
    assert time.monotonic() - started < 0.5
    assert not stream.reader_alive and source.closed_by is not None


def test_close_before_iterating_closes_the_stream_without_a_thread():
    threads = threading.active_count()
    source = FakeStream(10)
    stream = Prefetch(source)
    stream.close()
    assert source.closed_by == threading.current_thread().name and source.produced == 0
    assert list(stream) == [] and threading.active_count() == threads


def test_the_stream_error_comes_after_the_chunks_read_before_it():
    source = FakeStream(10, fail_after=3)
    stream = Prefetch(source, depth=8)
    received = []
    with pytest.raises(StorageUnavailable, match="went away"):
        for chunk in stream:
            received.append(chunk)
    assert len(received) == 3
    wait_until(lambda: not stream.reader_alive)
    assert source.closed_by == "object-prefetch"
    stream.close()


def test_iterating_twice_is_refused():
    stream = Prefetch(FakeStream(2))
    assert len(list(stream)) == 2
    with pytest.raises(RuntimeError):
        list(stream)
    stream.close()


def test_a_generator_abandoned_by_the_server_still_stops_on_close():
    """What werkzeug's ClosingIterator does when the client disconnects: close() without finishing the iteration."""
    threads = threading.active_count()
    source = FakeStream(10_000)
    stream = Prefetch(source, depth=4)
    for index, _ in enumerate(stream):
        if index == 2:
            break
    stream.close()
    assert threading.active_count() == threads and source.closed_by is not None
