"""Per-user cap on concurrent proxy transfers (contract §9): one more upload or download than
MAX_CONCURRENT_TRANSFERS_PER_USER gets 429 rate_limited with Retry-After; a slot comes back when the response body
is exhausted or closed (the client went away), or when the view fails."""

from __future__ import annotations

import io
import socket
import threading
import time

import pytest

from tests.support.files_api import error, proxy_upload

A = {"bucket": "users", "id": "u1", "path": "a.bin"}
B = {"bucket": "users", "id": "u2", "path": "b.bin"}
CONTENT = bytes(range(256)) * 64
BOUNDARY = "capboundary"


@pytest.fixture
def app(make_app):
    return make_app("local", MAX_CONCURRENT_TRANSFERS_PER_USER=2)


@pytest.fixture
def files(client, auth):
    proxy_upload(client, auth("u1"), A, CONTENT)
    proxy_upload(client, auth("u2"), B, CONTENT)


def in_progress(app, user):
    return app.extensions["transfer_slots"].in_progress(user)


def start_download(client, auth, user="u1", address=A, **kwargs):
    """A download whose body is not read yet: the transfer is in progress until it is read or closed."""
    response = client.get("/download/proxy", query_string=address, headers=auth(user), buffered=False, **kwargs)
    assert response.status_code == 200, response.status_code
    return response


def refused(response):
    error(response, 429, "rate_limited")
    assert response.headers["Retry-After"] == "5"


def test_downloads_over_the_cap_wait_for_one_to_end(app, client, auth, files):
    first, second = start_download(client, auth), start_download(client, auth)
    assert in_progress(app, "u1") == 2
    refused(client.get("/download/proxy", query_string=A, headers=auth("u1")))
    other = client.get("/download/proxy", query_string=B, headers=auth("u2"))  # another user is not affected
    assert other.status_code == 200 and other.data == CONTENT

    first.close()  # the client went away mid-stream
    assert in_progress(app, "u1") == 1
    third = start_download(client, auth)
    refused(client.get("/download/proxy", query_string=A, headers=auth("u1")))
    assert second.data == CONTENT and third.data == CONTENT  # read to the end: both slots come back
    assert in_progress(app, "u1") == 0
    assert client.get("/download/proxy", query_string=A, headers=auth("u1")).data == CONTENT


def test_head_and_not_modified_do_not_hold_a_slot(app, client, auth, files):
    held = [start_download(client, auth), start_download(client, auth)]
    assert client.head("/download/proxy", query_string=A, headers=auth("u1")).status_code == 200
    for response in held:
        response.close()
    etag = client.head("/download/proxy", query_string=A, headers=auth("u1")).headers["ETag"]
    for _ in range(3):
        response = client.get("/download/proxy", query_string=A, headers={**auth("u1"), "If-None-Match": etag})
        assert response.status_code == 304
    assert in_progress(app, "u1") == 0


def test_failed_transfers_give_their_slot_back(app, client, auth, files):
    for _ in range(5):
        missing = client.get("/download/proxy", query_string={**A, "path": "none.bin"}, headers=auth("u1"))
        error(missing, 404, "file_not_found")
        refused_upload = client.post(
            "/upload/proxy",
            data={"bucket": "users", "id": "u2", "path": "x.bin", "file": (io.BytesIO(b"x"), "x.bin")},
            content_type="multipart/form-data",
            headers=auth("u1"),
        )
        error(refused_upload, 403, "access_denied")
    assert in_progress(app, "u1") == 0
    start_download(client, auth), start_download(client, auth)


class GatedBody(io.RawIOBase):
    """A request body that gives `head` bytes, then blocks until `gate` is set before giving the rest."""

    def __init__(self, data: bytes, head: int, gate: threading.Event) -> None:
        self.data, self.head, self.gate = data, head, gate
        self.pos = 0  # seekable only so that the test client can measure it
        self.sent = 0  # bytes the application read

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = 0) -> int:
        self.pos = {0: 0, 1: self.pos, 2: len(self.data)}[whence] + offset
        return self.pos

    def readinto(self, buffer) -> int:
        if self.pos >= self.head:
            self.gate.wait(10)
        limit = self.head if self.pos < self.head else len(self.data)
        chunk = self.data[self.pos : min(limit, self.pos + len(buffer))]
        buffer[: len(chunk)] = chunk
        self.pos += len(chunk)
        self.sent += len(chunk)
        return len(chunk)


def multipart(address: dict, content: bytes) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in address.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="f.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def post_upload(app, auth, user, body: io.RawIOBase, length: int):
    return app.test_client().post(
        "/upload/proxy",
        input_stream=body,
        content_length=length,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        headers=auth(user),
    )


def test_uploads_over_the_cap_are_refused_before_their_body_is_read(make_app, auth):
    app = make_app("local", MAX_CONCURRENT_TRANSFERS_PER_USER=1)
    gate = threading.Event()
    data = multipart({"bucket": "users", "id": "u1", "path": "slow.bin"}, CONTENT)
    slow = GatedBody(data, 300, gate)
    results = []
    uploader = threading.Thread(target=lambda: results.append(post_upload(app, auth, "u1", slow, len(data))))
    uploader.start()
    try:
        deadline = time.monotonic() + 10
        while slow.sent < 300 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert in_progress(app, "u1") == 1

        second_data = multipart({"bucket": "users", "id": "u1", "path": "second.bin"}, CONTENT)
        second = GatedBody(second_data, len(second_data), threading.Event())
        refused(post_upload(app, auth, "u1", second, len(second_data)))
        assert second.sent == 0  # refused without reading a byte of the body
        other = multipart({"bucket": "users", "id": "u2", "path": "other.bin"}, b"other user")
        assert post_upload(app, auth, "u2", io.BytesIO(other), len(other)).status_code == 201
    finally:
        gate.set()
        uploader.join()
    assert results[0].status_code == 201, results[0].get_json()
    assert in_progress(app, "u1") == 0
    third = multipart({"bucket": "users", "id": "u1", "path": "third.bin"}, b"third")
    assert post_upload(app, auth, "u1", io.BytesIO(third), len(third)).status_code == 201


def test_a_refused_upload_ends_its_connection_once_answered(make_app, auth, files):
    """gunicorn would drain the refused body for up to 5 s (a thread held by a trickling client): the socket it
    exposes is shut down once the 429 is written, so the drain meets the end at once. A refused download, which
    has no body, keeps its connection."""
    app = make_app("local", MAX_CONCURRENT_TRANSFERS_PER_USER=1)
    client = app.test_client()
    held = start_download(client, auth)
    server_side, client_side = socket.socketpair()
    try:
        body = multipart({"bucket": "users", "id": "u1", "path": "refused.bin"}, CONTENT)
        upload = client.post(
            "/upload/proxy",
            data=body,
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
            headers=auth("u1"),
            environ_overrides={"gunicorn.socket": server_side},
            buffered=False,
        )
        refused(upload)
        client_side.setblocking(False)
        with pytest.raises(BlockingIOError):
            client_side.recv(1)  # still open until the server has written the answer
        upload.close()  # what the server does after writing it
        assert client_side.recv(1) == b""  # the end of the stream

        other_server, other_client = socket.socketpair()
        download = client.get(
            "/download/proxy", query_string=A, headers=auth("u1"), environ_overrides={"gunicorn.socket": other_server}
        )
        refused(download)
        download.close()
        other_client.setblocking(False)
        with pytest.raises(BlockingIOError):
            other_client.recv(1)
        other_server.close()
        other_client.close()
    finally:
        held.close()
        server_side.close()
        client_side.close()
