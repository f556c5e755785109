"""Share links over HTTP: POST/GET /share, DELETE /share/{id}, GET /s/{token} served without login.

Hostile cases first: a link that no longer serves (expired, revoked, used up, file deleted, object gone, unknown or
malformed token) is one 404 whatever the reason; the download limit holds under concurrent requests; only the
token's hash is stored; creating and revoking need rights on the file.
"""

from __future__ import annotations

import base64
import hashlib
import uuid

import pytest
import requests
import sqlalchemy as sa

from app.clock import ManualClock
from tests.support.files_api import EVERYTHING, audit_rows, error, proxy_upload, remove_object, upload
from tests.support.races import ENGINE_OPTIONS, ServedApp, fire_together

TEAM = {
    ("p1", "o1"): ("owner", EVERYTHING),
    ("p1", "v1"): ("viewer", {"read"}),
}
SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
CONTENT = b"%PDF-1.4 the shared report\n"


def share(client, headers, expect=201, **body):
    response = client.post("/share", json=body, headers=headers)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def token_of(link: dict) -> str:
    return link["url"].rsplit("/s/", 1)[1]


def unknown(token: str) -> str:
    """A well-formed token that is not `token` (its last character changed)."""
    return token[:-1] + ("B" if token.endswith("A") else "A")


def gone(response):
    """The one answer of a link that does not serve, whatever the reason."""
    return error(response, 404, "not_found")


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def app(make_app, clock):
    return make_app("minio", clock=clock, SHARE_MIN_EXPIRY=60, SHARE_MAX_EXPIRY=86400, SHARE_DEFAULT_EXPIRY=3600)


@pytest.fixture
def report(client, auth):
    return upload(client, auth("u1"), path='reports/q3 "final".pdf', content=CONTENT)


# --- hostile: links that do not serve --------------------------------------------------------------------------


def test_expired_revoked_used_up_deleted_and_unknown_links_are_one_404(app, client, auth, clock, report):
    expiring = share(client, auth("u1"), file_id=report["file_id"], expires_in=60)["data"]
    revoked = share(client, auth("u1"), file_id=report["file_id"])["data"]
    once = share(client, auth("u1"), file_id=report["file_id"], max_downloads=1)["data"]
    assert client.get(f"/s/{token_of(once)}").status_code == 200
    assert client.delete(f"/share/{revoked['id']}", headers=auth("u1")).status_code == 200
    clock.advance(61)

    bodies = [
        gone(client.get(f"/s/{token_of(expiring)}")),
        gone(client.get(f"/s/{token_of(revoked)}")),
        gone(client.get(f"/s/{token_of(once)}")),
        gone(client.get(f"/s/{unknown(token_of(expiring))}")),  # well-formed, unknown
        gone(client.get("/s/not-a-token")),  # malformed: refused before any lookup
        gone(client.get("/s/" + "A" * 5000)),
    ]
    assert len({(b["message"], b["detail"]) for b in bodies}) == 1  # no oracle: the same body for every reason

    live = share(client, auth("u1"), file_id=report["file_id"])["data"]
    assert client.delete("/delete", json={"file_id": report["file_id"]}, headers=auth("u1")).status_code == 200
    assert gone(client.get(f"/s/{token_of(live)}")) == bodies[0]  # a logically deleted file's links stop


def test_a_purged_file_takes_its_links_with_it(app, client, auth, report):
    link = share(client, auth("u1"), file_id=report["file_id"])["data"]
    purged = client.delete("/delete", json={"file_id": report["file_id"], "physical": True}, headers=auth("u1"))
    assert purged.status_code == 200
    gone(client.get(f"/s/{token_of(link)}"))
    with app.app_context():
        from app.extensions import db

        assert db.session.scalar(sa.text("SELECT count(*) FROM share_links")) == 0


def test_a_missing_object_is_404_and_spends_no_download(app, client, auth, report):
    link = share(client, auth("u1"), file_id=report["file_id"], max_downloads=1)["data"]
    remove_object(app, report["object_key"])
    gone(client.get(f"/s/{token_of(link)}"))
    listed = client.get("/share", headers=auth("u1")).get_json()["shares"]
    assert [(s["id"], s["download_count"], s["status"]) for s in listed] == [(link["id"], 0, "active")]


def test_only_the_hash_of_the_token_is_stored(app, client, auth, report):
    link = share(client, auth("u1"), file_id=report["file_id"])["data"]
    token = link["token"]
    assert len(token) >= 43 and token == token_of(link)
    with app.app_context():
        from app.extensions import db

        rows = db.session.execute(sa.text("SELECT * FROM share_links")).mappings().all()
    assert len(rows) == 1 and rows[0]["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert not any(token in str(value) for value in rows[0].values())
    assert not any(token in str(row["details"]) for row in audit_rows(app))
    listed = client.get("/share", headers=auth("u1")).get_json()
    assert token not in str(listed) and "url" not in listed["shares"][0]


def test_concurrent_downloads_of_a_link_with_one_download_left_serve_exactly_one(make_app, auth):
    app = make_app("minio", SQLALCHEMY_ENGINE_OPTIONS=ENGINE_OPTIONS)
    client = app.test_client()
    data = upload(client, auth("u1"), path="race/once.bin", content=b"x" * 100_000)
    link = share(client, auth("u1"), file_id=data["file_id"], max_downloads=1)["data"]
    with ServedApp(app) as served:
        url = f"{served.url}/s/{link['token']}"
        outcomes = fire_together([lambda: requests.get(url, timeout=60) for _ in range(16)])
    assert sorted(o.status for o in outcomes) == [200] + [404] * 15, [(o.status, o.code) for o in outcomes]
    assert {o.code for o in outcomes if o.status == 404} == {"not_found"}
    assert len(audit_rows(app, "share_download")) == 1


def test_creating_needs_write_and_a_file_the_caller_can_see(app, client, auth, team):
    spec = proxy_upload(client, auth("o1"), {"bucket": "projects", "id": "p1", "path": "spec.pdf"}, CONTENT)["data"]
    error(client.post("/share", json={"file_id": spec["file_id"]}, headers=auth("v1")), 403, "access_denied")
    error(client.post("/share", json={"file_id": spec["file_id"]}, headers=auth("x9")), 404, "file_not_found")
    own = upload(client, auth("u1"), path="mine.txt")
    error(client.post("/share", json={"file_id": own["file_id"]}, headers=auth("u2")), 404, "file_not_found")
    address = {"bucket": "users", "id": "u1", "path": "mine.txt"}
    error(client.post("/share", json=address, headers=auth("u2")), 403, "access_denied")
    assert share(client, auth("o1"), file_id=spec["file_id"])["data"]["created_by"] == "o1"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"expires_in": 59}, 400, "invalid_expiry"),
        ({"expires_in": 86401}, 400, "invalid_expiry"),
        ({"expires_in": -1}, 400, "invalid_expiry"),
        ({"max_downloads": 0}, 400, "validation_error"),
        ({"max_downloads": 10**7}, 400, "validation_error"),
        ({"max_downloads": 1.5}, 400, "validation_error"),
        ({"version_id": "nope"}, 400, "validation_error"),
        ({"version_id": str(uuid.uuid4())}, 404, "version_not_found"),
    ],
)
def test_bounded_input(client, auth, report, body, status, code):
    error(client.post("/share", json={"file_id": report["file_id"], **body}, headers=auth("u1")), status, code)


def test_a_version_of_another_file_cannot_be_shared_through_this_one(client, auth, report):
    other = upload(client, auth("u1"), path="other.txt")
    body = {"file_id": report["file_id"], "version_id": other["version_id"]}
    error(client.post("/share", json=body, headers=auth("u1")), 404, "version_not_found")


def test_revoking_needs_the_creator_or_write_on_the_file(app, client, auth, team):
    spec = proxy_upload(client, auth("o1"), {"bucket": "projects", "id": "p1", "path": "spec.pdf"}, CONTENT)["data"]
    link = share(client, auth("o1"), file_id=spec["file_id"])["data"]
    error(client.delete(f"/share/{link['id']}", headers=auth("v1")), 403, "access_denied")
    hidden = error(client.delete(f"/share/{link['id']}", headers=auth("x9")), 404, "not_found")
    assert hidden == error(client.delete(f"/share/{uuid.uuid4()}", headers=auth("o1")), 404, "not_found")
    assert client.get(f"/s/{link['token']}").status_code == 200
    revoked = client.delete(f"/share/{link['id']}", headers=auth("o1"))
    assert revoked.status_code == 200 and revoked.get_json()["data"]["status"] == "revoked"
    again = client.delete(f"/share/{link['id']}", headers=auth("o1"))
    assert (
        again.status_code == 200 and again.get_json()["data"]["revoked_at"] == revoked.get_json()["data"]["revoked_at"]
    )
    assert len(audit_rows(app, "share_revoke")) == 1


def test_head_spends_no_download(client, auth, report):
    link = share(client, auth("u1"), file_id=report["file_id"], max_downloads=1)["data"]
    head = client.head(f"/s/{link['token']}")
    assert head.status_code == 200 and head.headers["Content-Length"] == str(len(CONTENT)) and head.data == b""
    assert client.get(f"/s/{link['token']}").data == CONTENT
    assert client.head(f"/s/{link['token']}").status_code == 404


# --- what a link serves ----------------------------------------------------------------------------------------


def test_a_link_serves_its_version_without_login_as_a_sandboxed_attachment(app, client, auth, report):
    link = share(client, auth("u1"), file_id=report["file_id"], max_downloads=5)["data"]
    assert link["url"] == f"http://localhost/s/{link['token']}"  # PUBLIC_BASE_URL
    assert (link["version_number"], link["download_count"], link["status"]) == (1, 0, "active")
    upload(client, auth("u1"), path='reports/q3 "final".pdf', content=b"version two")  # a newer version

    response = client.get(f"/s/{link['token']}")  # no credentials at all
    assert response.status_code == 200 and response.data == CONTENT  # the shared version, not the newest
    headers = response.headers
    assert (
        headers["Content-Disposition"]
        == "attachment; filename=\"q3 _final_.pdf\"; filename*=UTF-8''q3%20%22final%22.pdf"
    )
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == "sandbox"
    assert headers["Cache-Control"] == "no-store"
    assert headers["Referrer-Policy"] == "no-referrer"
    listed = client.get("/share", query_string={"file_id": report["file_id"]}, headers=auth("u1")).get_json()
    assert [s["download_count"] for s in listed["shares"]] == [1] and listed["total"] == 1


def test_the_url_goes_through_the_cdn_when_configured(make_app, auth):
    app = make_app("minio", PUBLIC_CDN_BASE_URL="https://cdn.example.com/files/")
    client = app.test_client()
    data = upload(client, auth("u1"))
    link = share(client, auth("u1"), file_id=data["file_id"])["data"]
    assert link["url"] == f"https://cdn.example.com/files/s/{link['token']}"


def test_a_shared_cache_may_keep_only_unlimited_links_and_never_past_expiry(make_app, auth, clock):
    app = make_app("minio", clock=clock, SHARE_CACHE_MAX_AGE=600)
    client = app.test_client()
    data = upload(client, auth("u1"))
    unlimited = share(client, auth("u1"), file_id=data["file_id"], expires_in=120)["data"]
    limited = share(client, auth("u1"), file_id=data["file_id"], max_downloads=3)["data"]
    assert client.get(f"/s/{unlimited['token']}").headers["Cache-Control"] == "public, max-age=120"
    clock.advance(100)
    assert client.get(f"/s/{unlimited['token']}").headers["Cache-Control"] == "public, max-age=20"
    assert client.get(f"/s/{limited['token']}").headers["Cache-Control"] == "no-store"


def test_listing_shows_the_callers_links_or_a_files_links(client, auth, report):
    first = share(client, auth("u1"), file_id=report["file_id"])["data"]
    other = upload(client, auth("u1"), path="b.txt")
    second = share(client, auth("u1"), file_id=other["file_id"], max_downloads=2)["data"]
    mine = client.get("/share", headers=auth("u1")).get_json()
    assert {s["id"] for s in mine["shares"]} == {first["id"], second["id"]} and mine["total"] == 2
    assert client.get("/share", headers=auth("u2")).get_json() == {"shares": [], "total": 0}
    by_address = client.get("/share", query_string={"bucket": "users", "id": "u1", "path": "b.txt"}, headers=auth("u1"))
    assert [s["id"] for s in by_address.get_json()["shares"]] == [second["id"]]
    error(client.get("/share", query_string={"file_id": other["file_id"]}, headers=auth("u2")), 404, "file_not_found")


def test_a_link_to_a_trashed_file_is_listed_as_file_gone(client, auth, report):
    link = share(client, auth("u1"), file_id=report["file_id"])["data"]
    assert client.delete("/delete", json={"file_id": report["file_id"]}, headers=auth("u1")).status_code == 200
    [listed] = client.get("/share", headers=auth("u1")).get_json()["shares"]
    assert (listed["id"], listed["status"]) == (link["id"], "file_gone")
    assert client.get(f"/s/{link['token']}").status_code == 404


def test_audit_rows_and_events_for_create_download_and_revoke(make_app, auth):
    app = make_app("local", WEBHOOK_URLS=[{"url": "http://127.0.0.1:9/hook", "secret": SECRET, "events": ["*"]}])
    client = app.test_client()
    data = upload(client, auth("u1"))
    link = share(client, auth("u1"), file_id=data["file_id"])["data"]
    assert client.get(f"/s/{link['token']}", headers={"X-Request-ID": "visit-1"}).status_code == 200
    assert client.delete(f"/share/{link['id']}", headers=auth("u1")).status_code == 200
    rows = [r for r in audit_rows(app, file_id=data["file_id"]) if r["action"].startswith("share_")]
    assert [(r["action"], r["user_id"]) for r in rows] == [
        ("share_create", "u1"),
        ("share_download", None),  # an anonymous visitor
        ("share_revoke", "u1"),
    ]
    assert all(r["details"]["share_id"] == link["id"] for r in rows)
    assert rows[1]["request_id"] == "visit-1" and rows[1]["details"]["download_count"] == 1
    with app.app_context():
        from app.extensions import db

        types = db.session.scalars(sa.text("SELECT type FROM outbox_events ORDER BY seq")).all()
    assert types[-3:] == ["share.created", "share.downloaded", "share.revoked"]


def test_share_downloads_spend_the_client_addresss_shares_budget(make_app, auth):
    app = make_app("minio", RATE_LIMIT_SHARES="2/hour")
    client = app.test_client()
    data = upload(client, auth("u1"))
    link = share(client, auth("u1"), file_id=data["file_id"])["data"]
    assert [client.get(f"/s/{link['token']}").status_code for _ in range(2)] == [200, 200]
    limited = error(client.get(f"/s/{link['token']}"), 429, "rate_limited")
    assert limited is not None
    assert client.get("/share", headers=auth("u1")).status_code == 200  # the signed-in families are untouched


def test_the_token_never_reaches_the_logs(client, auth, report, caplog):
    link = share(client, auth("u1"), file_id=report["file_id"])["data"]
    with caplog.at_level("INFO"):
        served = client.get(f"/s/{link['token']}")
        assert served.status_code == 200 and served.data == CONTENT
        served.close()  # a streamed answer is logged once its body is closed
        assert client.head(f"/s/{link['token']}").status_code == 200
        gone(client.get(f"/s/{unknown(link['token'])}"))
    # (a streamed answer of an earlier test may be closed, and logged, meanwhile: these three are at least there)
    access = [(r.method, r.status, r.path) for r in caplog.records if r.name == "app.access" and "/s/" in r.path]
    assert {("GET", 200, "/s/<token>"), ("HEAD", 200, "/s/<token>"), ("GET", 404, "/s/<token>")} <= set(access)
    assert {path for _, _, path in access} == {"/s/<token>"}
    assert not any(link["token"][:-1] in (r.getMessage() + str(vars(r))) for r in caplog.records)


@pytest.mark.parametrize(
    "value", ["cdn.example.com", "ftp://cdn.example.com", "https://", "https://cdn.example.com?x=1"]
)
def test_a_cdn_base_url_that_is_no_http_url_stops_the_start(monkeypatch, value):
    from app.config import ConfigError, load_config

    monkeypatch.setenv("PUBLIC_CDN_BASE_URL", value)
    with pytest.raises(ConfigError, match="PUBLIC_CDN_BASE_URL"):
        load_config("testing")
