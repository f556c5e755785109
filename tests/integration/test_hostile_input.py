"""Hostile and faulty input over HTTP (contract §9 "Bounded input"): every bad input is a 4xx in our error shape,
refused before authentication and storage I/O, and an oversized body is refused without being read.

Real PostgreSQL, SeaweedFS and the fake project service; the app behind the Flask test client, or a real threaded
HTTP server on 127.0.0.1 where the transport matters.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.api.limits import MAX_JSON_DEPTH
from tests.support.files_api import error, upload
from tests.support.tokens import SECRET, bearer, make_token

KiB, MiB = 1024, 1024 * 1024
BOUNDARY = "----hostile-input-test-b0undary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
LIMIT = 256 * KiB  # MAX_JSON_BODY of these tests (50,000 nested brackets fit)
UPLOAD_LIMIT = 1 * MiB  # MAX_UPLOAD_SIZE of these tests
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app(make_app):
    return make_app("minio", MAX_JSON_BODY=LIMIT, MAX_UPLOAD_SIZE=UPLOAD_LIMIT)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def uid() -> str:
    return "u" + uuid.uuid4().hex[:12]


class CountingStream:
    """A request body that counts what the server reads of it: `size` bytes made of `head` and then filler."""

    def __init__(self, head: bytes, size: int, filler: bytes = b"x") -> None:
        self.head, self.size, self.filler = head, size, filler
        self.position = 0
        self.read_bytes = 0

    def read(self, n: int = -1) -> bytes:
        left = self.size - self.position
        n = left if n is None or n < 0 else min(n, left)
        start, stop = self.position, self.position + n
        chunk = self.head[start:stop]
        chunk += self.filler * (n - len(chunk))
        self.position = stop
        self.read_bytes += n
        return chunk

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, n: int = -1) -> bytes:
        return self.read(n)

    # The test client measures the body by seeking to its end and back: that reads nothing.
    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = self.size + offset if whence == 2 else offset
        return self.position


def post_stream(client, path, stream, *, content_type, chunked=False, headers=None):
    """POST `stream` as the body; `chunked`: Transfer-Encoding: chunked (no length) to a server that ends the input."""
    headers = dict(headers or {})
    overrides = {}
    if chunked:
        headers["Transfer-Encoding"] = "chunked"
        overrides["wsgi.input_terminated"] = True
    return client.post(
        path, input_stream=stream, content_type=content_type, headers=headers, environ_overrides=overrides
    )


# --- multipart bodies built by hand (the order of the parts is the test's to choose) -----------------------------


def field(name: str, value: str | bytes) -> bytes:
    value = value.encode() if isinstance(value, str) else value
    return f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value + b"\r\n"


def file_head(filename: str = "blob", content_type: str | None = "application/octet-stream") -> bytes:
    head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
    if content_type is not None:
        head += f"Content-Type: {content_type}\r\n"
    return (head + "\r\n").encode()


def address(bucket_id: str, path: str = "docs/a.bin") -> bytes:
    return field("bucket", "users") + field("id", bucket_id) + field("path", path)


def form(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


# === JSON bodies: size ============================================================================================


def test_a_json_body_over_the_limit_is_refused_from_content_length_without_reading(client, uid):
    stream = CountingStream(b'{"reason": "', 300 * MiB)
    response = post_stream(client, "/lock", stream, content_type="application/json", headers=bearer(uid))
    error(response, 413, "payload_too_large")
    assert stream.read_bytes == 0


def test_a_chunked_json_body_over_the_limit_is_refused_after_at_most_the_limit(client, uid):
    stream = CountingStream(b'{"reason": "', 300 * MiB)
    response = post_stream(client, "/lock", stream, content_type="application/json", chunked=True, headers=bearer(uid))
    error(response, 413, "payload_too_large")
    assert stream.read_bytes <= LIMIT + 1


def test_the_size_limit_comes_before_authentication(client):
    stream = CountingStream(b"{}", LIMIT + 1)
    error(post_stream(client, "/lock", stream, content_type="application/json"), 413, "payload_too_large")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_any_body_other_than_multipart_is_bounded(client, uid, content_type):
    stream = CountingStream(b"", 300 * MiB)
    response = post_stream(client, "/lock", stream, content_type=content_type, headers=bearer(uid))
    error(response, 413, "payload_too_large")
    assert stream.read_bytes == 0


def test_a_json_body_exactly_at_the_limit_is_read(client, uid):
    body = json.dumps({"bucket": "users", "id": uid, "path": "docs/a.pdf", "content_type": "application/pdf"})
    padded = body.encode() + b" " * (LIMIT - len(body))
    assert len(padded) == LIMIT
    for chunked in (False, True):
        stream = CountingStream(padded, LIMIT)
        response = post_stream(
            client, "/upload/presign", stream, content_type="application/json", chunked=chunked, headers=bearer(uid)
        )
        assert response.status_code == 200, response.get_json()


def test_a_chunked_body_over_the_limit_through_a_real_server(app, uid):
    """werkzeug's server with Transfer-Encoding: chunked: the 413 comes after at most LIMIT + 1 bytes were read."""
    sent = 0

    def body() -> Iterator[bytes]:
        nonlocal sent
        yield b'{"reason": "'
        for _ in range(300):  # 300 x 64 KiB = 19 MiB offered
            sent += 64 * KiB
            yield b"x" * (64 * KiB)

    import requests

    with served(app) as base:
        headers = {**bearer(uid), "Content-Type": "application/json"}
        try:
            response = requests.post(f"{base}/lock", data=body(), headers=headers, timeout=30)
        except requests.ConnectionError:
            pytest.fail(f"the connection failed before the 413 was read ({sent} bytes sent)")
    assert response.status_code == 413, response.text
    assert response.json()["message"] == "payload_too_large"


# === JSON bodies: shape ===========================================================================================


def nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


def raw_json(**members: str) -> str:
    """A JSON object written by hand: each member's value is JSON text, sent exactly as written."""
    return "{" + ", ".join(f'"{name}": {value}' for name, value in members.items()) + "}"


def patch_raw(client, uid: str, file_id: str, **members: str):
    body = raw_json(file_id=f'"{file_id}"', **members)
    return client.patch("/metadata", data=body, content_type="application/json", headers=bearer(uid))


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH, 1000, 50_000])
def test_deep_nesting_is_a_400_not_a_recursion_error(client, uid, depth):
    """The body's outer object is one level: `depth` arrays inside it are one too many."""
    body = raw_json(bucket='"users"', id=f'"{uid}"', path='"a.txt"', reason=nested(depth))
    response = client.post("/lock", data=body, content_type="application/json", headers=bearer(uid))
    body = error(response, 400, "validation_error")
    assert "nested deeper" in body["detail"]


def test_unclosed_brackets_are_a_400(client, uid):
    response = client.post("/lock", data="[" * 50_000, content_type="application/json", headers=bearer(uid))
    error(response, 400, "validation_error")


def test_brackets_inside_strings_do_not_count(client, uid):
    data = upload(client, bearer(uid), bucket_id=uid)
    response = patch_raw(client, uid, data["file_id"], description='"' + "[" * 5000 + '\\"{' * 100 + '"')
    assert response.status_code == 200, response.get_json()


def test_nesting_up_to_the_limit_is_accepted(client, uid):
    data = upload(client, bearer(uid), bucket_id=uid)
    tags = {"deep": json.loads(nested(MAX_JSON_DEPTH - 2))}  # body object + tags object + 30 arrays
    response = client.patch("/metadata", json={"file_id": data["file_id"], "tags": tags}, headers=bearer(uid))
    assert response.status_code == 200, response.get_json()


@pytest.mark.parametrize(
    "member",
    [
        {"description": '"a\\u0000b"'},
        {"tags": '{"k\\u0000": "v"}'},  # in a key
        {"tags": '{"k": ["v", {"x": "\\u0000"}]}'},
        {"description": '"\\\\\\u0000"'},  # an escaped backslash, then a NUL
    ],
)
def test_nul_anywhere_in_a_json_string_is_a_400(client, uid, member):
    data = upload(client, bearer(uid), bucket_id=uid)
    error(patch_raw(client, uid, data["file_id"], **member), 400, "validation_error")


def test_an_escaped_backslash_before_u0000_is_text(client, uid):
    data = upload(client, bearer(uid), bucket_id=uid)
    response = patch_raw(client, uid, data["file_id"], description='"C:\\\\u0000"')
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["data"]["updated_fields"]["description"] == "C:\\u0000"


@pytest.mark.parametrize(
    "value",
    [str(2**63), str(-(2**63) - 1), "1" * 5000, "NaN", "Infinity", "-Infinity", "1e400", '"\\ud800"', '"\\udc00x"'],
    ids=["2**63", "-2**63-1", "5000-digits", "NaN", "Infinity", "-Infinity", "1e400", "lone-high", "lone-low"],
)
def test_values_that_cannot_be_stored_are_a_400(client, uid, value):
    data = upload(client, bearer(uid), bucket_id=uid)
    error(patch_raw(client, uid, data["file_id"], tags=raw_json(n=value)), 400, "validation_error")


def test_64_bit_integers_and_surrogate_pairs_are_accepted(client, uid):
    data = upload(client, bearer(uid), bucket_id=uid)
    tags = raw_json(max=str(2**63 - 1), min=str(-(2**63)), emoji='"\\ud83d\\ude00"')
    response = patch_raw(client, uid, data["file_id"], tags=tags)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["data"]["updated_fields"]["tags"] == {"max": 2**63 - 1, "min": -(2**63), "emoji": "😀"}


@pytest.mark.parametrize("body", [b"{", b'{"a": }', b"\xff\xfe{}", b'{"a": 1} x', b"\xef\xbb\xbf{}"])
def test_malformed_json_is_a_400_in_our_shape(client, uid, body):
    response = client.post("/lock", data=body, content_type="application/json", headers=bearer(uid))
    error(response, 400, "validation_error")


# === query strings ================================================================================================


@pytest.mark.parametrize(
    "query",
    [
        "bucket=users&id={uid}&path=docs%FF",  # not UTF-8: werkzeug would read U+FFFD
        "bucket=users&id={uid}&path=docs%C3",  # a truncated sequence
        "bucket=users&id={uid}&path=%ED%A0%80",  # an encoded surrogate
        "bucket=users&id={uid}&path=docs&x=%00",  # NUL, even in a parameter nobody reads
        "bucket=users&id={uid}&path=docs&%00=1",
    ],
)
def test_a_query_that_is_not_utf8_or_has_nul_is_a_400(client, uid, query):
    response = client.get(f"/list?{query.format(uid=uid)}", headers=bearer(uid))
    error(response, 400, "validation_error")


def test_two_byte_strings_never_become_one_name(client, uid):
    upload(client, bearer(uid), bucket_id=uid, path="docs/\ufffd.txt")
    for raw in ("%FF", "%FE"):
        response = client.get(f"/metadata?bucket=users&id={uid}&path=docs/{raw}.txt", headers=bearer(uid))
        error(response, 400, "validation_error")
    ok = client.get(f"/metadata?bucket=users&id={uid}&path=docs/%EF%BF%BD.txt", headers=bearer(uid))
    assert ok.status_code == 200, ok.get_json()


def test_percent_encoded_utf8_is_fine(client, uid):
    upload(client, bearer(uid), bucket_id=uid, path="docs/résumé.txt")
    response = client.get(f"/metadata?bucket=users&id={uid}&path=docs/r%C3%A9sum%C3%A9.txt", headers=bearer(uid))
    assert response.status_code == 200, response.get_json()


# === multipart: a file part before the address fields =============================================================


def test_a_file_before_the_address_is_spooled_at_most_up_to_the_limit(client, uid):
    big = CountingStream(file_head(), 300 * MiB)  # the address would come after 300 MiB: it never does
    response = post_stream(client, "/upload/proxy", big, content_type=MULTIPART, headers=bearer(uid))
    error(response, 413, "payload_too_large")
    assert big.read_bytes <= UPLOAD_LIMIT + 2 * MiB


def test_a_file_before_an_address_in_another_users_space_is_413_before_403(client, uid):
    body = form(file_head(), b"x" * (8 * UPLOAD_LIMIT) + b"\r\n", address("someone-else"))
    stream = CountingStream(body, len(body))
    response = post_stream(client, "/upload/proxy", stream, content_type=MULTIPART, headers=bearer(uid))
    error(response, 413, "payload_too_large")
    assert stream.read_bytes <= UPLOAD_LIMIT + 2 * MiB < len(body)


def test_a_file_at_the_limit_before_the_address_is_stored(client, uid):
    content = b"y" * UPLOAD_LIMIT
    body = form(file_head(), content + b"\r\n", address(uid))
    response = client.post("/upload/proxy", data=body, content_type=MULTIPART, headers=bearer(uid))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["data"]["size"] == UPLOAD_LIMIT


@pytest.fixture
def gunicorn_url(database_url, tmp_path) -> Iterator[str]:
    """The service under gunicorn (gthread, as in the image) on a free port: the server's own handling of an unread
    body is part of what is tested (werkzeug's development server drains up to 10 GB of it on purpose)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {  # only what the service needs: nothing another test left in os.environ
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "FLASK_ENV": "testing",
        "DATABASE_URL": database_url,
        "JWT_SECRET": SECRET,
        "STORAGE_BACKEND": "local",
        "LOCAL_STORAGE_PATH": str(tmp_path / "objects"),
        "MAX_UPLOAD_SIZE": str(UPLOAD_LIMIT),
        "MAX_JSON_BODY": str(LIMIT),
        "METRICS_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread"]
    command += ["--workers", "1", "--threads", "4", "--no-control-socket", "wsgi:app"]
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_until_answering(port, server, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(30)


def _wait_until_answering(port: int, server: subprocess.Popen, log: Path) -> None:
    """Until a worker answers HTTP (the master accepts connections before any worker has booted)."""
    for _ in range(600):
        assert server.poll() is None, log.read_text()[-3000:]
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"GET /version HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            if sock.recv(12).startswith(b"HTTP/1.1"):
                return
        time.sleep(0.1)
    raise AssertionError("gunicorn did not answer within a minute:\n" + log.read_text()[-3000:])


def send_until_answered(port: int, head: bytes, total: int) -> tuple[bytes, int, bool]:
    """Send `head` and then filler up to `total` bytes, reading at the same time. Returns the start of the answer,
    how many bytes had been sent when it came, and whether the server then closed the connection (sending more
    fails) rather than reading on."""
    chunk = b"z" * (64 * KiB)
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head)
        sent, answer = len(head), b""
        while sent < total:
            readable, writable, _ = select.select([sock], [sock], [], 30)
            if readable:
                answer = _read_answer(sock)
                break
            assert writable, "the server neither read nor answered for 30 s"
            try:
                sent += sock.send(chunk)
            except OSError:
                answer = _read_answer(sock)
                break
        return answer, sent, _closed_after(sock, chunk)


def test_a_huge_multipart_body_is_answered_while_the_client_still_sends(gunicorn_url, uid):
    """The 413 arrives while the client is still sending a 1 GiB body, and the server stops reading it."""
    total = 1024 * MiB
    head = (
        f"POST /upload/proxy HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {make_token(uid)}\r\n"
        f"Content-Type: {MULTIPART}\r\nContent-Length: {total}\r\n\r\n"
    ).encode() + file_head()
    answer, sent, closed = send_until_answered(int(gunicorn_url.rsplit(":", 1)[1]), head, total)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert b"payload_too_large" in answer
    assert sent < total
    assert closed, "the server kept reading the body after its 413"


def test_a_huge_json_body_is_refused_without_being_read(gunicorn_url, uid):
    total = 1024 * MiB
    head = (
        f"POST /lock HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {make_token(uid)}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {total}\r\n\r\n"
    ).encode() + b'{"reason": "'
    answer, sent, closed = send_until_answered(int(gunicorn_url.rsplit(":", 1)[1]), head, total)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert b"payload_too_large" in answer
    assert sent < total
    assert closed, "the server kept reading the body after its 413"


def _read_answer(sock) -> bytes:
    """The response: its headers and its Content-Length bytes of body (what arrived of it if the connection ends)."""
    answer = b""
    with contextlib.suppress(OSError):
        while True:
            head, _, body = answer.partition(b"\r\n\r\n")
            length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head + b"\r\n")
            if _ and length and len(body) >= int(length[1]):
                break
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    return answer


def _closed_after(sock, chunk: bytes) -> bool:
    """Whether the server closed the connection: keep sending until the kernel reports it (at most 256 MiB)."""
    for _ in range(4096):
        try:
            sock.send(chunk)
        except OSError:
            return True
    return False


@contextlib.contextmanager
def served(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join(10)


# === multipart: fields and the file part's type ===================================================================


@pytest.mark.parametrize(
    "parts",
    [
        lambda uid: (field("description", "a\x00b"), address(uid)),
        lambda uid: (address(uid), field("description", b"caf\xe9")),  # Latin-1, not UTF-8
        lambda uid: (field("bucket", "users"), field("id", uid), field("path", b"docs/\xff.txt")),
        lambda uid: (address(uid), field("tags", '{"k": "v\x00"}')),
    ],
    ids=["nul-before-file", "latin1-before-file", "bad-path-bytes", "nul-in-tags"],
)
def test_form_fields_with_nul_or_invalid_utf8_are_a_400(client, uid, parts):
    body = form(*parts(uid), file_head("a.txt", "text/plain"), b"hello\r\n")
    response = client.post("/upload/proxy", data=body, content_type=MULTIPART, headers=bearer(uid))
    error(response, 400, "validation_error")
    assert client.get(f"/list?bucket=users&id={uid}", headers=bearer(uid)).get_json()["files"] == []


def test_a_form_field_after_the_file_with_nul_is_a_400_and_nothing_is_stored(client, uid):
    body = form(address(uid), file_head("a.txt", "text/plain"), b"hello\r\n", field("description", "x\x00"))
    response = client.post("/upload/proxy", data=body, content_type=MULTIPART, headers=bearer(uid))
    error(response, 400, "validation_error")
    assert client.get(f"/list?bucket=users&id={uid}", headers=bearer(uid)).get_json()["files"] == []


@pytest.mark.parametrize("declared", ["x/" + "y" * 300, "text/pl ain", "text/*", "a\x01/b", "t\u00e9xt/plain"])
def test_a_file_part_type_that_is_not_a_media_type_is_a_400(client, uid, declared):
    body = form(address(uid), file_head("blob", declared), b"\x00\x01opaque\r\n")
    response = client.post("/upload/proxy", data=body, content_type=MULTIPART, headers=bearer(uid))
    error(response, 400, "validation_error")


def test_a_file_part_type_with_parameters_is_stored_bare(client, uid):
    body = form(address(uid), file_head("blob", "text/x-thing; charset=utf-8"), b"\x00\x01opaque\r\n")
    response = client.post("/upload/proxy", data=body, content_type=MULTIPART, headers=bearer(uid))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["data"]["mime_type"] == "text/x-thing"


@pytest.mark.parametrize("content_type", ["text/plain\r\nX-Injected: 1", "text/plain\n", "a b/c", "x" * 300])
def test_a_presign_content_type_that_is_not_a_media_type_is_a_400(client, uid, content_type):
    body = {"bucket": "users", "id": uid, "path": "docs/a.txt", "content_type": content_type}
    error(client.post("/upload/presign", json=body, headers=bearer(uid)), 400, "validation_error")


# === tokens =======================================================================================================


@pytest.mark.parametrize(
    "token",
    [
        lambda uid: make_token("u" * 256),  # longer than the user id columns
        lambda uid: make_token(uid, company_id="c" * 65),
        lambda uid: make_token(uid, exp="9999999999"),
        lambda uid: make_token(uid, nbf="0"),
    ],
    ids=["long-sub", "long-company", "string-exp", "string-nbf"],
)
def test_tokens_with_unusable_claims_are_401(client, uid, token):
    headers = {"Authorization": f"Bearer {token(uid)}"}
    error(
        client.post("/lock", json={"bucket": "users", "id": uid, "path": "a.txt"}, headers=headers), 401, "unauthorized"
    )
    error(client.get(f"/list?bucket=users&id={uid}", headers=headers), 401, "unauthorized")


# === Range ========================================================================================================


def test_an_empty_suffix_range_is_416(client, uid):
    upload(client, bearer(uid), bucket_id=uid, content=b"0123456789")
    query = {"bucket": "users", "id": uid, "path": "docs/a.txt"}
    for header in ("bytes=-0", "bytes=-000", "bytes = -0"):
        response = client.get("/download/proxy", query_string=query, headers={**bearer(uid), "Range": header})
        error(response, 416, "range_not_satisfiable")
        assert response.headers["Content-Range"] == "bytes */10"
    whole = client.get("/download/proxy", query_string=query, headers={**bearer(uid), "Range": "bytes=-1"})
    assert (whole.status_code, whole.data) == (206, b"9")


def test_an_empty_suffix_range_is_416_on_the_local_stores_urls(make_app, uid):
    app = make_app("local", MAX_JSON_BODY=LIMIT)
    client = app.test_client()
    upload(client, bearer(uid), bucket_id=uid, content=b"0123456789")
    query = {"bucket": "users", "id": uid, "path": "docs/a.txt"}
    url = client.get("/download/presign", query_string=query, headers=bearer(uid)).get_json()["url"]
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, headers={"Range": "bytes=-0"})
    assert response.status_code == 416, response.get_data(as_text=True)
    assert response.headers["Content-Range"] == "bytes */10"
    ranged = client.get("/" + path, headers={"Range": "bytes=-2"})
    assert (ranged.status_code, ranged.data) == (206, b"89")
