"""HTTP hardening without a database: the CSRF rule, security headers, the docs policy and /metrics protection."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from app import create_app
from tests.support.tokens import SECRET, make_token

HOST = "storage.internal:5000"
TRUSTED = "https://app.example"
FRONTEND = "https://frontend.example"  # the platform's Next.js front end, not listed in CORS_ORIGINS
JSON_CSP = "default-src 'none'; frame-ancestors 'none'"


@pytest.fixture
def make(tmp_path):
    def build(config_name="testing", **overrides):
        settings = {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite'}",
            "STORAGE_BACKEND": "local",
            "LOCAL_STORAGE_PATH": str(tmp_path / "objects"),
            "JWT_SECRET": SECRET,
            "CORS_ORIGINS": [TRUSTED],
            **overrides,
        }
        return create_app(config_name, **settings)

    return build


@pytest.fixture
def client(make):
    return make().test_client()


def _cookie_post(client, headers: dict):
    """A cookie-authenticated unsafe request whose body fails validation after the CSRF check (no database)."""
    client.set_cookie("access_token", make_token("u1"), domain=HOST.split(":")[0])
    return client.post("/upload/presign", json={}, headers=headers, base_url=f"http://{HOST}")


# (Sec-Fetch-Site, Origin, allowed) — Go's net/http CrossOriginProtection, CORS_ORIGINS = [TRUSTED].
CSRF_TABLE = [
    # Fetch Metadata present: trust the browser's own verdict; anything but same-origin/none needs a trusted Origin.
    ("same-origin", None, True),
    ("same-origin", FRONTEND, True),  # the platform's Next.js proxy forwards the browser's headers
    ("none", None, True),  # typed in the address bar, a bookmark
    ("none", "https://evil.example", True),
    ("same-site", FRONTEND, False),
    ("same-site", TRUSTED, True),
    ("cross-site", None, False),
    ("cross-site", "https://evil.example", False),
    ("cross-site", TRUSTED, True),
    ("cross-site", f"http://{HOST}", False),  # Fetch Metadata wins over an Origin that looks like ours
    # No Fetch Metadata (older browsers, non-browser clients): compare the Origin's host with Host.
    (None, None, True),
    (None, f"http://{HOST}", True),
    (None, f"https://{HOST}", True),  # Go compares hosts only
    (None, TRUSTED, True),
    (None, FRONTEND, False),
    (None, "https://storage.internal:5001", False),
    (None, "https://storage.internal", False),
    (None, "null", False),
    (None, "http://[::1", False),  # malformed: matches nothing, and is not a 500
    ("", FRONTEND, False),  # an empty header counts as absent
]


@pytest.mark.parametrize(("site", "origin", "allowed"), CSRF_TABLE)
def test_csrf_follows_cross_origin_protection(client, site, origin, allowed):
    headers = {name: value for name, value in (("Sec-Fetch-Site", site), ("Origin", origin)) if value is not None}
    response = _cookie_post(client, headers)
    if allowed:
        assert response.get_json()["message"] != "csrf_failed", response.get_json()
        assert response.status_code == 400  # past the CSRF check, the empty body is refused
    else:
        assert (response.status_code, response.get_json()["message"]) == (403, "csrf_failed")


def test_csrf_trusts_only_listed_origins_exactly(make):
    client = make(CORS_ORIGINS=[TRUSTED, FRONTEND]).test_client()
    assert _cookie_post(client, {"Sec-Fetch-Site": "cross-site", "Origin": FRONTEND}).status_code == 400
    for origin in (FRONTEND + "/", FRONTEND.replace("https", "http"), FRONTEND + ".evil.example"):
        response = _cookie_post(client, {"Sec-Fetch-Site": "cross-site", "Origin": origin})
        assert response.get_json()["message"] == "csrf_failed", origin


def test_csrf_never_applies_to_bearer_tokens(client):
    headers = {"Authorization": f"Bearer {make_token('u1')}", "Sec-Fetch-Site": "cross-site", "Origin": FRONTEND}
    response = client.post("/upload/presign", json={}, headers=headers)
    assert response.status_code == 400 and response.get_json()["message"] != "csrf_failed"


# --- response headers ---------------------------------------------------------------------------------------------


def _assert_json_headers(response):
    assert response.is_json
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Content-Security-Policy"] == JSON_CSP


def test_unauthenticated_json_answers_carry_the_json_headers(client):
    for response in (client.get("/version"), client.post("/upload/presign", json={})):
        _assert_json_headers(response)
    assert client.post("/upload/presign", json={}).status_code == 401
    assert "no-store" not in client.get("/version").headers.get("Cache-Control", "")


def test_authenticated_json_answers_are_not_stored(client):
    response = client.post("/upload/presign", json={}, headers={"Authorization": f"Bearer {make_token('u1')}"})
    assert response.status_code == 400
    _assert_json_headers(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_unknown_route_is_json_with_the_headers(client):
    response = client.get("/no/such/route")
    assert response.status_code == 404
    _assert_json_headers(response)


def test_other_responses_are_sandboxed(client):
    response = client.get("/metrics")
    assert response.status_code == 200 and not response.is_json
    assert response.headers["Content-Security-Policy"] == "sandbox"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def _inline_script_hashes(html: str) -> set[str]:
    return {
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    }


def test_docs_page_policy_lets_swagger_ui_load_its_own_assets(client):
    page = client.get("/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    policy = dict(part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";"))
    scripts = policy["script-src"].split()
    assert "'self'" in scripts and "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    hashes = _inline_script_hashes(html)
    assert hashes and hashes <= set(scripts), "the page's inline script must be allowed by its hash"
    assert "'self'" in policy["style-src"] and "'self'" in policy["connect-src"]  # the CSS, then the spec by fetch
    assert policy["frame-ancestors"] == "'none'"
    # Everything the page loads is same-origin (covered by 'self') and is served.
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) == 3
    for asset in assets:
        assert asset.startswith("/docs/assets/"), asset
        response = client.get(asset)
        assert response.status_code == 200, asset
        response.close()
    spec = client.get("/openapi.json")
    assert spec.status_code == 200
    _assert_json_headers(spec)


# --- /metrics -----------------------------------------------------------------------------------------------------

TOKEN = "scrape-token-0123456789abcdef"


def test_metrics_token_required_when_set(make):
    client = make(METRICS_TOKEN=TOKEN).test_client()
    for headers in (
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": TOKEN},
        {"Authorization": f"Basic {TOKEN}"},
    ):
        response = client.get("/metrics", headers=headers)
        assert (response.status_code, response.get_json()["message"]) == (401, "unauthorized"), headers
        assert response.headers["WWW-Authenticate"] == "Bearer"
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert "flask_http_request_total" in response.get_data(as_text=True)


PRODUCTION_ENV = {
    "DATABASE_URL": "postgresql://storage@db.internal/storage",
    "MINIO_ENDPOINT": "127.0.0.1:9",
    "MINIO_ACCESS_KEY": "ak",
    "MINIO_SECRET_KEY": "sk",
    "JWT_SECRET": SECRET,
}


@pytest.mark.parametrize("name", ["production", "staging"])
def test_metrics_off_in_production_unless_configured(monkeypatch, tmp_path, name):
    for key, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(key, value)
    for key in ("METRICS_ENABLED", "METRICS_TOKEN", "STORAGE_BACKEND", "SECRET_KEY"):
        monkeypatch.delenv(key, raising=False)
    sqlite = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    assert create_app(name, **sqlite).test_client().get("/metrics").status_code == 404
    monkeypatch.setenv("METRICS_TOKEN", TOKEN)
    client = create_app(name, **sqlite).test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
