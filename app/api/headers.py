"""Security headers on every response (contract §9 Responses), set in one place rather than per view."""

from __future__ import annotations

import base64
import hashlib
import re

from flask import Flask, Response, current_app, g, request

JSON_CSP = "default-src 'none'; frame-ancestors 'none'"
# Stored bytes are served as a sandboxed document: no script, no same-origin access, whatever the file holds.
DOWNLOAD_CSP = "sandbox"
# Swagger UI: its own scripts and styles, inline styles it sets itself, data: icons, the spec by fetch.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'"
)
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def init_app(app: Flask) -> None:
    app.after_request(set_security_headers)


def set_security_headers(response: Response) -> Response:
    """nosniff everywhere; a CSP that fits what the response is; no-store on authenticated JSON."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    if response.is_json:
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Content-Security-Policy"] = JSON_CSP
        if g.get("principal") is not None:
            response.headers["Cache-Control"] = "no-store"
    elif _is_docs(request.path):
        response.headers["Content-Security-Policy"] = _docs_csp(response)
    elif request.blueprint == "ui":
        pass  # the web page sets its own policy: self scripts and styles only (app/ui)
    else:
        response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    return response


def _is_docs(path: str) -> bool:
    config = current_app.config
    return path == config["OPENAPI_SWAGGER_UI_PATH"] or path.startswith(config["OPENAPI_SWAGGER_UI_URL"])


def _docs_csp(response: Response) -> str:
    """The docs policy, allowing exactly the inline scripts of this HTML page by their hashes."""
    if response.mimetype != "text/html" or response.is_streamed:
        return DOCS_CSP.format(hashes="")
    hashes = "".join(
        f" 'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"
        for script in _INLINE_SCRIPT.findall(response.get_data(as_text=True))
    )
    return DOCS_CSP.format(hashes=hashes)
