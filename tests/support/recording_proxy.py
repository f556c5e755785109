"""A forwarding HTTP proxy that records every request it passes to an upstream server (a real process boundary
to watch what the service asks of the S3 server: which objects it reads, stats, copies or deletes)."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


class RecordingProxy:
    """Listens on 127.0.0.1; forwards each request unchanged (Host included, so signatures still verify)."""

    def __init__(self, upstream: str) -> None:
        host, _, port = upstream.partition(":")
        self.upstream = (host, int(port or 80))
        self.requests: list[tuple[str, str, str, dict[str, str]]] = []  # (method, path, query, headers)
        # Called with (method, path) before a request is forwarded: a test can hold a request back or look around.
        self.on_request: Callable[[str, str], None] | None = None
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _forward(self) -> None:
                parts = urlsplit(self.path)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                with proxy._lock:
                    proxy.requests.append((self.command, unquote(parts.path), parts.query, headers))
                if proxy.on_request is not None:
                    proxy.on_request(self.command, unquote(parts.path))
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                upstream = http.client.HTTPConnection(*proxy.upstream, timeout=30)
                try:
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    response = upstream.getresponse()
                    data = response.read()
                    self.send_response(response.status, response.reason)
                    for key, value in response.getheaders():
                        if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                            self.send_header(key, value)
                    # a HEAD answer has no body but the length of the object
                    length = response.getheader("Content-Length") if self.command == "HEAD" else None
                    self.send_header("Content-Length", length or str(len(data)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                finally:
                    upstream.close()

            do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.endpoint = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> RecordingProxy:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()

    def calls_on(self, bucket: str, key: str) -> list[str]:
        """The requests made on one object, as "METHOD" or "METHOD copy-from" (a CopyObject reading it)."""
        with self._lock:
            seen = list(self.requests)
        path, calls = f"/{bucket}/{key}", []
        for method, request_path, _, headers in seen:
            source = {k.lower(): v for k, v in headers.items()}.get("x-amz-copy-source", "")
            if unquote(source).split("?")[0].lstrip("/") == path[1:]:
                calls.append(f"{method} copy-from")
            elif request_path == path:
                calls.append(method)
        return calls
