"""Per-user cap on concurrent proxy transfers (contract §9): one more gets 429 `rate_limited` with Retry-After.

The count lives in the worker process: gunicorn's workers do not share it, so across a server a user may hold up to
MAX_CONCURRENT_TRANSFERS_PER_USER transfers per worker process.
"""

from __future__ import annotations

import contextlib
import functools
import socket
import threading
from collections.abc import Callable, Iterable, Iterator

from flask import Response, after_this_request, current_app, g, request
from werkzeug.wsgi import ClosingIterator

from app.errors import RateLimited

# A slot frees when one of the caller's own transfers ends, which nobody can predict: a short, fixed hint.
RETRY_AFTER = 5


class TransferSlots:
    """Counts each user's transfers in progress, up to `limit` (0 or less: no cap)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}

    def acquire(self, user_id: str) -> Callable[[], None] | None:
        """A release function (safe to call twice) when a slot was free, else None."""
        with self._lock:
            count = self._counts.get(user_id, 0)
            if 0 < self.limit <= count:
                return None
            self._counts[user_id] = count + 1
        released = threading.Event()

        def release() -> None:
            with self._lock:
                if released.is_set():
                    return
                released.set()
                left = self._counts[user_id] - 1
                if left:
                    self._counts[user_id] = left
                else:
                    del self._counts[user_id]  # idle users leave nothing behind

        return release

    def in_progress(self, user_id: str) -> int:
        """The user's transfers counted now."""
        with self._lock:
            return self._counts.get(user_id, 0)


def slots() -> TransferSlots:
    """This app's counter, made on first use."""
    extensions = current_app.extensions
    if "transfer_slots" not in extensions:
        extensions.setdefault("transfer_slots", TransferSlots(current_app.config["MAX_CONCURRENT_TRANSFERS_PER_USER"]))
    return extensions["transfer_slots"]


def limit_transfers(view: Callable) -> Callable:
    """Count the view as one of the caller's transfers until its response body is closed (sent, or the client left)."""

    @functools.wraps(view)
    def counted(*args, **kwargs):
        principal = g.get("principal")
        if request.method == "HEAD" or principal is None:  # HEAD moves no bytes
            return view(*args, **kwargs)
        release = slots().acquire(principal.user_id)
        if release is None:
            if request.content_length or request.headers.get("Transfer-Encoding"):
                after_this_request(_close_connection_once_sent)
            raise RateLimited(
                f"At most {slots().limit} uploads and downloads at once per user; wait for one to finish.",
                headers={"Retry-After": str(RETRY_AFTER)},
            )
        try:
            result = view(*args, **kwargs)
        except BaseException:
            release()
            raise
        if isinstance(result, Response) and result.is_streamed:
            # The body streams after the view returns: counted until it is exhausted or closed (the server closes
            # it at the end, or when the client goes away).
            result.response = _CountedBody(result.response, release)
        else:
            release()
        return result

    return counted


def _close_connection_once_sent(response: Response) -> Response:
    """End the connection of a refused upload as soon as its answer is written, instead of reading the body it
    was refused for.

    gunicorn drains an unread body for up to 5 s before reusing a connection, then lingers up to 2 s more closing it
    (on the worker's main loop): a client trickling a refused upload would hold a thread, and stall every request of
    that worker, all that time. Shutting the socket down once the 429 is in the send buffer sends it, then FIN; the
    server's drain then meets the end of the stream at once. Other servers do not expose the socket: nothing changes.
    """
    sock = request.environ.get("gunicorn.socket")
    if isinstance(sock, socket.socket):
        response.response = ClosingIterator(response.response, functools.partial(_shutdown, sock))
    return response


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # the client may be gone already
        sock.shutdown(socket.SHUT_RDWR)


class _CountedBody:
    """A response body that releases its transfer slot when exhausted or closed, whichever comes first."""

    def __init__(self, body: Iterable[bytes], release: Callable[[], None]) -> None:
        self._body = body
        self._chunks: Iterator[bytes] = iter(body)
        self._release = release

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        try:
            return next(self._chunks)
        except StopIteration:
            self._release()
            raise

    def close(self) -> None:
        try:
            if (close := getattr(self._body, "close", None)) is not None:
                close()
        finally:
            self._release()
