"""The page's server side without a browser: sign-in rules, CSRF, redirects, headers, escaping, refusals as pages."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.files_api import EVERYTHING, use_rules
from tests.support.tokens import make_token

pytestmark = pytest.mark.integration

COOKIE = "access_token"


@pytest.fixture
def page_client(make_app):
    return make_app("minio").test_client()


def signed_in(client, user="u1", **claims):
    client.set_cookie(COOKIE, make_token(user, **claims))
    return client


def test_without_a_cookie_the_page_asks_to_sign_in(page_client):
    answer = page_client.get("/ui/file?bucket=users&id=u1&path=a.txt")
    assert answer.status_code == 302
    location = urlsplit(answer.headers["Location"])
    assert location.path == "/ui/sign-in"
    assert parse_qs(location.query) == {"next": ["/ui/file?bucket=users&id=u1&path=a.txt"]}
    page = page_client.get(answer.headers["Location"])
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert 'name="user_id"' in page.get_data(as_text=True)  # DEV_TOKEN_COMMAND is on in testing


def test_a_bad_or_expired_token_is_a_sign_in_page_not_json(page_client):
    for token in ("not-a-jwt", make_token("u1", exp_in=-120), make_token("u1", secret="another-secret-" * 3)):
        page_client.set_cookie(COOKIE, token)
        answer = page_client.get("/ui")
        assert answer.status_code == 401
        assert answer.mimetype == "text/html"
        assert "sign in again" in answer.get_data(as_text=True)


def test_the_page_allows_only_its_own_scripts_and_styles(page_client):
    answer = signed_in(page_client).get("/ui")
    policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy
    # presigned PUTs go to the object store's public endpoint: the only other origin the page may connect to
    assert f"connect-src 'self' {page_client.application.config['MINIO_PUBLIC_ENDPOINT']};" in policy
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    script = page_client.get("/ui/static/ui.js")
    assert script.status_code == 200 and "javascript" in script.mimetype
    assert "<script>" not in answer.get_data(as_text=True) and " style=" not in answer.get_data(as_text=True)


def test_names_are_escaped(page_client):
    client = signed_in(page_client)
    name = '<img src=x onerror="alert(1)">.txt'
    uploaded = client.post(
        "/upload/proxy",
        data={"bucket": "users", "id": "u1", "path": f"docs/{name}", "file": (io.BytesIO(b"x"), name)},
        headers={"Authorization": f"Bearer {make_token('u1')}"},
    )
    assert uploaded.status_code == 201, uploaded.get_json()
    for url in ("/ui?bucket=users&id=u1&path=docs/", f"/ui/file?bucket=users&id=u1&path=docs/{name}"):
        text = client.get(url).get_data(as_text=True)
        assert "<img src=x" not in text
        assert "&lt;img src=x onerror=" in text


def test_refusals_are_pages_with_the_apis_status(page_client, fake_projects):
    client = signed_in(page_client)
    fake_projects.mode = "deny"
    denied = client.get("/ui?bucket=projects&id=p1")
    assert denied.status_code == 403 and denied.mimetype == "text/html"
    assert "access_denied" in denied.get_data(as_text=True)
    other_user = client.get("/ui?bucket=users&id=u2")
    assert other_user.status_code == 403
    bad_path = client.get("/ui?bucket=users&id=u1&path=a/../b/")
    assert bad_path.status_code == 400 and "invalid_path" in bad_path.get_data(as_text=True)
    missing = client.get("/ui/file?bucket=users&id=u1&path=nothing-here.txt")
    assert missing.status_code == 404 and "file_not_found" in missing.get_data(as_text=True)
    no_page = client.get("/ui/no/such/page")
    assert no_page.status_code == 404 and no_page.mimetype == "text/html"
    bad_query = client.get("/ui?bucket=users&id=u1&path=%FF%FE/")
    assert bad_query.status_code == 400 and "not valid UTF-8" in bad_query.get_data(as_text=True)


def test_development_sign_in_sets_an_http_only_cookie_and_refuses_cross_site_posts(page_client):
    cross = page_client.post("/ui/sign-in", data={"user_id": "mallory"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403 and "csrf_failed" in cross.get_data(as_text=True)
    assert "Set-Cookie" not in cross.headers
    foreign = page_client.post("/ui/sign-in", data={"user_id": "mallory"}, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403 and "Set-Cookie" not in foreign.headers
    too_long = page_client.post("/ui/sign-in", data={"user_id": "x" * 65}, headers={"Sec-Fetch-Site": "same-origin"})
    assert too_long.status_code == 400 and "Set-Cookie" not in too_long.headers

    answer = page_client.post("/ui/sign-in", data={"user_id": "dana"}, headers={"Sec-Fetch-Site": "same-origin"})
    assert answer.status_code == 302 and answer.headers["Location"] == "/ui/"
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert page_client.get("/ui").status_code == 200


@pytest.mark.parametrize(
    "target", ["//evil.example/ui", "https://evil.example/ui", "/ui\\@evil.example", "/elsewhere", "http:/ui"]
)
def test_sign_in_never_redirects_off_the_page(page_client, target):
    answer = page_client.post(
        "/ui/sign-in", data={"user_id": "dana", "next": target}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert answer.status_code == 302 and answer.headers["Location"] == "/ui/"


def test_sign_in_returns_to_the_page_asked_for(page_client):
    answer = page_client.post(
        "/ui/sign-in",
        data={"user_id": "dana", "next": "/ui/?bucket=users&id=dana&path=docs/"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert answer.headers["Location"] == "/ui/?bucket=users&id=dana&path=docs/"


def test_without_development_conveniences_there_is_no_sign_in_form_and_no_root_redirect(make_app):
    client = make_app("minio", DEV_TOKEN_COMMAND=False).test_client()
    page = client.get("/ui/sign-in").get_data(as_text=True)
    assert 'name="user_id"' not in page and "Sign in through the platform" in page
    answer = client.post("/ui/sign-in", data={"user_id": "dana"}, headers={"Sec-Fetch-Site": "same-origin"})
    assert answer.status_code == 404 and "Set-Cookie" not in answer.headers
    assert client.get("/").status_code == 404
    assert make_app("minio").test_client().get("/").headers["Location"] == "/ui/"


def test_sign_out_clears_the_cookie(page_client):
    client = signed_in(page_client)
    answer = client.post("/ui/sign-out", headers={"Sec-Fetch-Site": "same-origin"})
    assert answer.status_code == 302
    assert answer.headers["Set-Cookie"].startswith(f"{COOKIE}=;")
    assert client.get("/ui").status_code == 302


def test_a_lock_held_by_someone_else_shows_its_holder_and_expiry_and_offers_only_a_forced_unlock(page_client):
    u2 = {"Authorization": f"Bearer {make_token('u2')}"}
    address = {"bucket": "projects", "id": "p1", "path": "plans/site.txt"}
    uploaded = page_client.post("/upload/proxy", data={**address, "file": (io.BytesIO(b"x"), "site.txt")}, headers=u2)
    assert uploaded.status_code == 201, uploaded.get_json()
    locked = page_client.post("/lock", json={**address, "reason": "survey", "expires_in": 600}, headers=u2)
    assert locked.status_code == 200, locked.get_json()
    expires = locked.get_json()["data"]["expires_at"]

    text = signed_in(page_client).get("/ui/file?bucket=projects&id=p1&path=plans/site.txt").get_data(as_text=True)
    assert "Locked by <strong>u2</strong> until" in text and f'datetime="{expires}"' in text and "(survey)" in text
    assert 'data-api="/lock"' not in text  # no lock form: someone else holds it
    assert 'data-api="/unlock"' in text and 'name="force"' in text
    listing = page_client.get("/ui?bucket=projects&id=p1&path=plans/").get_data(as_text=True)
    assert "Locked by <strong>u2</strong> until" in listing


def test_a_space_named_with_the_platforms_field_names_is_that_space(page_client):
    client = signed_in(page_client, company_id="c1")
    text = client.get("/ui?bucket_type=companies&bucket_id=c1&logical_path=docs/").get_data(as_text=True)
    assert "<h1>My company" in text and 'data-bucket="companies" data-id="c1"' in text
    assert 'data-folder="docs/"' in text
    assert "<h1>My files" in client.get("/ui?page=1").get_data(as_text=True)


def test_the_share_section_is_only_for_those_who_may_share(page_client, fake_projects):
    address = {"bucket": "projects", "id": "p1", "path": "plans/site.txt"}
    owner = {"Authorization": f"Bearer {make_token('u2')}"}
    uploaded = page_client.post(
        "/upload/proxy", data={**address, "file": (io.BytesIO(b"x"), "site.txt")}, headers=owner
    )
    assert uploaded.status_code == 201, uploaded.get_json()
    use_rules(fake_projects, {("p1", "u1"): ("viewer", {"read"}), ("p1", "u2"): ("owner", EVERYTHING)})
    url = "/ui/file?bucket=projects&id=p1&path=plans/site.txt"
    reader = signed_in(page_client).get(url)
    assert reader.status_code == 200 and 'id="share"' not in reader.get_data(as_text=True)
    writer = signed_in(page_client, "u2").get(url)
    assert writer.status_code == 200 and 'id="share"' in writer.get_data(as_text=True)


def test_pages_spend_the_reads_budget_and_say_when_to_retry(make_app):
    client = signed_in(make_app("minio", RATE_LIMIT_READS="2/hour", RATELIMIT_STORAGE_URI=None).test_client())
    assert [client.get("/ui").status_code for _ in range(2)] == [200, 200]
    refused = client.get("/ui")
    assert refused.status_code == 429 and refused.mimetype == "text/html"
    assert int(refused.headers["Retry-After"]) > 0 and "rate_limited" in refused.get_data(as_text=True)


def test_the_file_page_shows_when_the_file_expires(page_client):
    client = signed_in(page_client)
    bearer = {"Authorization": f"Bearer {make_token('u1')}"}
    page_client.application.config["MAX_FILE_TTL"] = 100 * 365 * 24 * 3600  # far enough for 2099
    for path, extra in (("docs/keep.txt", {}), ("docs/brief.txt", {"expires_at": "2099-01-02T03:04:05+00:00"})):
        form = {"bucket": "users", "id": "u1", "path": path, "file": (io.BytesIO(b"x"), "x.txt"), **extra}
        assert client.post("/upload/proxy", data=form, headers=bearer).status_code == 201
    kept = client.get("/ui/file?bucket=users&id=u1&path=docs/keep.txt").get_data(as_text=True)
    assert "<dt>Expires</dt><dd>Never</dd>" in kept
    brief = client.get("/ui/file?bucket=users&id=u1&path=docs/brief.txt").get_data(as_text=True)
    assert '<dt>Expires</dt><dd><time datetime="2099-01-02T03:04:05+00:00">' in brief
