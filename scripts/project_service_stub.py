#!/usr/bin/env python3
"""A stand-in project service for local development: POST /check-file-access and /check-file-access/batch.

Standard library only, so it runs under any Python 3.11+ (the compose file uses a plain python image).
It decodes the caller's forwarded JWT WITHOUT verifying it: never expose it beyond a development machine.

Decisions come from rules, first match wins, else the default:

    {"default": "deny",
     "rules": [
       {"project": "p1", "user": "*",  "actions": ["read"], "allowed": true, "role": "viewer"},
       {"project": "p1", "user": "u1", "actions": "*",      "allowed": true, "role": "owner"},
       {"project": "*",  "user": "u2", "actions": "*",      "allowed": false}
     ]}

Rules come from --rules or PROJECT_STUB_RULES: a JSON file path (re-read on every request, so edits apply at
once) or the JSON text itself. --default / PROJECT_STUB_DEFAULT (allow|deny, default allow) wins over the
file's "default". Listens on --host/PROJECT_STUB_HOST (127.0.0.1) and --port/PROJECT_STUB_PORT (8001).
GET /health answers 200 for readiness checks.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SINGLE, BATCH = "/check-file-access", "/check-file-access/batch"


class Rules:
    """Allow rules from a file (re-read when it changes) or inline JSON."""

    def __init__(self, source: str | None, default: str | None) -> None:
        self.source = source
        self.default = default
        self._inline = json.loads(source) if source and source.lstrip().startswith("{") else None

    def _document(self) -> dict:
        if self._inline is not None:
            return self._inline
        if self.source:
            return json.loads(Path(self.source).read_text())
        return {}

    def decide(self, project_id, user_id, action) -> dict:
        document = self._document()
        for rule in document.get("rules", []):
            wanted = (rule.get("project", "*"), rule.get("user", "*"), rule.get("actions", "*"))
            if all(_matches(p, v) for p, v in zip(wanted, (project_id, user_id, action), strict=True)):
                return _answer(bool(rule.get("allowed", True)), rule.get("role"))
        default = (self.default or document.get("default") or "allow").lower()
        return _answer(default == "allow", "member" if default == "allow" else None)


def _matches(pattern, value) -> bool:
    patterns = pattern if isinstance(pattern, list) else [pattern]
    return "*" in patterns or str(value) in [str(p) for p in patterns]


def _answer(allowed: bool, role: str | None) -> dict:
    answer: dict = {"allowed": allowed}
    if role:
        answer["role"] = role
    if not allowed:
        answer["reason"] = "denied by the project service stub's rules"
    return answer


def user_id_from(headers) -> str | None:
    """The forwarded JWT's subject (Bearer header, else the access_token cookie), decoded without verification."""
    auth = headers.get("Authorization", "")
    token = auth[7:] if auth.lower().startswith("bearer ") else None
    if not token:
        for part in headers.get("Cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == "access_token":
                token = value
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (AttributeError, IndexError, ValueError):
        return None
    subject = claims.get("sub", claims.get("user_id"))
    return None if subject is None else str(subject)


class Handler(BaseHTTPRequestHandler):
    rules: Rules

    def do_GET(self) -> None:
        if self.path == "/health":
            self._send(200, {"status": "ok"})
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self) -> None:
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")
        except ValueError:
            return self._send(400, {"error": "body is not JSON"})
        user = user_id_from(self.headers)
        if self.path == SINGLE and isinstance(body, dict):
            result = self.rules.decide(body.get("project_id"), user, body.get("action"))
            self._log(body, user, result)
            return self._send(200, result)
        if self.path == BATCH and isinstance(body, dict) and isinstance(body.get("checks"), list):
            results = []
            for check in body["checks"]:
                check = check if isinstance(check, dict) else {}
                result = self.rules.decide(check.get("project_id"), user, check.get("action"))
                self._log(check, user, result)
                echo = {k: check[k] for k in ("project_id", "action", "file_id") if k in check}
                results.append({**echo, **result})
            return self._send(200, {"results": results})
        self._send(404 if self.path not in (SINGLE, BATCH) else 400, {"error": "unexpected request"})

    def _send(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _log(self, check: dict, user: str | None, result: dict) -> None:
        verdict = "allowed" if result["allowed"] else "denied"
        print(f"project={check.get('project_id')} user={user} action={check.get('action')} -> {verdict}", flush=True)

    def log_message(self, format: str, *args) -> None:
        pass  # one line per decision (above) is enough


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("PROJECT_STUB_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PROJECT_STUB_PORT", "8001")))
    parser.add_argument("--rules", default=os.environ.get("PROJECT_STUB_RULES") or None)
    parser.add_argument("--default", choices=("allow", "deny"), default=os.environ.get("PROJECT_STUB_DEFAULT") or None)
    args = parser.parse_args(argv)
    Handler.rules = Rules(args.rules, args.default)
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # as PID 1 in a container, SIGTERM is ignored otherwise
    print(f"project service stub listening on http://{args.host}:{args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
