"""Authentication over HTTP (contract §2): credentials, the same 401 for every bad token, internal headers, CSRF."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.files_api import error
from tests.support.tokens import SECRET, make_token

PRESIGN = "/upload/presign"
OWN = {"bucket": "users", "id": "u1", "path": "docs/a.pdf"}
COOKIE = "access_token"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _cookie(client, token: str, name: str = COOKIE) -> dict:
    """Put the token in the client's cookie jar (the test client replaces any hand-written Cookie header)."""
    client.set_cookie(name, token)
    return {}


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _invalid_tokens() -> dict[str, str]:
    now = int(time.time())
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    none_header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    none_payload = _b64(json.dumps({"sub": "u1", "exp": now + 3600}).encode())
    return {
        "expired": make_token("u1", exp_in=-60),
        "bad-signature": make_token("u1", secret="another-secret-0123456789-abcdefghijkl"),
        "malformed": "this.is.not-a-jwt",
        "garbage": "abc",
        "wrong-alg-hs512": jwt.encode({"sub": "u1", "exp": now + 3600}, SECRET + SECRET, algorithm="HS512"),
        "wrong-alg-rs256": jwt.encode({"sub": "u1", "exp": now + 3600}, private, algorithm="RS256"),
        "alg-none": f"{none_header}.{none_payload}.",
        "missing-sub": jwt.encode({"exp": now + 3600}, SECRET, algorithm="HS256"),
        "missing-exp": jwt.encode({"sub": "u1"}, SECRET, algorithm="HS256"),
    }


INVALID = _invalid_tokens()


# --- no token, good tokens --------------------------------------------------------------------------------------


def test_no_token(client):
    error(client.post(PRESIGN, json=OWN), 401, "missing_jwt_token")


def test_no_token_on_a_get(client):
    error(client.get("/locks", query_string={"bucket": "users", "id": "u1"}), 401, "missing_jwt_token")


def test_bearer_token_works(client):
    response = client.post(PRESIGN, json=OWN, headers=_bearer(make_token("u1")))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["upload_id"]


def test_cookie_token_works(client):
    response = client.post(PRESIGN, json=OWN, headers=_cookie(client, make_token("u1")))
    assert response.status_code == 200, response.get_data(as_text=True)


def test_cookie_name_is_configurable(make_app):
    client = make_app("local", JWT_COOKIE_NAME="sess").test_client()
    assert client.post(PRESIGN, json=OWN, headers=_cookie(client, make_token("u1"), "sess")).status_code == 200
    client.delete_cookie("sess")
    error(client.post(PRESIGN, json=OWN, headers=_cookie(client, make_token("u1"))), 401, "missing_jwt_token")


def test_the_token_decides_who_the_caller_is(client):
    error(client.post(PRESIGN, json=OWN, headers=_bearer(make_token("u2"))), 403, "access_denied")


def test_empty_cookie_is_no_token(client):
    error(client.post(PRESIGN, json=OWN, headers=_cookie(client, "")), 401, "missing_jwt_token")


# --- every invalid token: the same 401 --------------------------------------------------------------------------


def _unauthorized_bodies(client) -> dict[str, bytes]:
    bodies = {}
    for name, token in INVALID.items():
        bodies[f"bearer-{name}"] = client.post(PRESIGN, json=OWN, headers=_bearer(token))
        bodies[f"cookie-{name}"] = client.post(PRESIGN, json=OWN, headers=_cookie(client, token))
        client.delete_cookie(COOKIE)
    for name, header in {
        "basic": "Basic dTE6cGFzc3dvcmQ=",
        "empty-bearer": "Bearer ",
        "bearer-only": "Bearer",
        "bearer-spaces": "Bearer    ",
        "token-without-scheme": make_token("u1"),
        "digest": 'Digest username="u1"',
        "empty": "",
    }.items():
        bodies[name] = client.post(PRESIGN, json=OWN, headers={"Authorization": header})
    return bodies


def test_every_invalid_token_gets_the_same_401(client):
    responses = _unauthorized_bodies(client)
    for name, response in responses.items():
        assert response.status_code == 401, name
        assert response.get_json()["message"] == "unauthorized", name
    bodies = {name: response.get_data() for name, response in responses.items()}
    reference = bodies["bearer-expired"]
    assert {name for name, body in bodies.items() if body != reference} == set()
    assert json.loads(reference) == {
        "status": "error",
        "message": "unauthorized",
        "detail": json.loads(reference)["detail"],
    }


def test_invalid_token_is_not_echoed(client):
    for name, token in INVALID.items():
        response = client.post(PRESIGN, json=OWN, headers=_bearer(token))
        assert token.encode() not in response.get_data(), name
        assert "signature" not in response.get_data(as_text=True).lower(), name
        assert "expired" not in response.get_data(as_text=True).lower().replace("invalid or expired", ""), name


def test_invalid_token_on_a_get_is_the_same_401(client):
    post = client.post(PRESIGN, json=OWN, headers=_bearer(INVALID["expired"]))
    get = client.get("/locks", query_string={"bucket": "users", "id": "u1"}, headers=_bearer(INVALID["bad-signature"]))
    assert get.status_code == 401
    assert get.get_data() == post.get_data()


# --- the Authorization header wins over the cookie --------------------------------------------------------------


@pytest.mark.parametrize("header", ["Bearer " + INVALID["expired"], "Bearer ", "Basic dTE6cGFzc3dvcmQ="])
def test_cookie_is_ignored_when_an_authorization_header_is_present(client, header):
    headers = {**_cookie(client, make_token("u1")), "Authorization": header}
    error(client.post(PRESIGN, json=OWN, headers=headers), 401, "unauthorized")


def test_bearer_identity_wins_over_the_cookie(client):
    headers = {**_cookie(client, make_token("u1")), **_bearer(make_token("u2"))}
    error(client.post(PRESIGN, json=OWN, headers=headers), 403, "access_denied")


def test_valid_bearer_with_an_invalid_cookie(client):
    headers = {**_cookie(client, INVALID["bad-signature"]), **_bearer(make_token("u1"))}
    assert client.post(PRESIGN, json=OWN, headers=headers).status_code == 200


# --- X-User-ID / X-Company-ID only with the internal token ------------------------------------------------------


def test_x_user_id_without_a_token_is_ignored(client):
    error(client.post(PRESIGN, json=OWN, headers={"X-User-ID": "u1"}), 401, "missing_jwt_token")


def test_x_user_id_cannot_impersonate_with_a_jwt(client):
    """A JWT for u1 plus X-User-ID: u2 is still u1."""
    headers = {**_bearer(make_token("u1")), "X-User-ID": "u2"}
    error(client.post(PRESIGN, json={**OWN, "id": "u2"}, headers=headers), 403, "access_denied")


def test_internal_token_is_never_honoured_when_unset(client):
    for given in ("", "s3cret", "None", "null"):
        headers = {"X-User-ID": "u1", "X-Internal-Token": given}
        error(client.post(PRESIGN, json=OWN, headers=headers), 401, "missing_jwt_token")


def test_x_user_id_honoured_with_the_internal_token(make_app):
    client = make_app("local", INTERNAL_SERVICE_TOKEN="s3cret").test_client()
    headers = {"X-User-ID": "u7", "X-Internal-Token": "s3cret"}
    response = client.post(PRESIGN, json={**OWN, "id": "u7"}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    error(client.post(PRESIGN, json={**OWN, "id": "u8"}, headers=headers), 403, "access_denied")


def test_x_company_id_honoured_with_the_internal_token(make_app):
    client = make_app("local", INTERNAL_SERVICE_TOKEN="s3cret").test_client()
    headers = {"X-User-ID": "u7", "X-Company-ID": "c7", "X-Internal-Token": "s3cret"}
    body = {"bucket": "companies", "id": "c7", "path": "a.txt"}
    assert client.post(PRESIGN, json=body, headers=headers).status_code == 200
    error(client.post(PRESIGN, json={**body, "id": "c8"}, headers=headers), 403, "access_denied")


def test_x_company_id_ignored_without_the_internal_token(make_app):
    client = make_app("local", INTERNAL_SERVICE_TOKEN="s3cret").test_client()
    headers = {**_bearer(make_token("u1", company_id="c1")), "X-Company-ID": "c7"}
    body = {"bucket": "companies", "id": "c7", "path": "a.txt"}
    error(client.post(PRESIGN, json=body, headers=headers), 403, "access_denied")


@pytest.mark.parametrize("given", ["wrong", "s3cre", "s3cret ", "S3CRET", "s3cret\u00e9"])
def test_wrong_internal_token_is_ignored(make_app, given):
    client = make_app("local", INTERNAL_SERVICE_TOKEN="s3cret").test_client()
    headers = {"X-User-ID": "u1", "X-Internal-Token": given}
    response = client.post(PRESIGN, json=OWN, headers=headers)
    assert response.status_code == 401
    assert response.get_json()["message"] in ("missing_jwt_token", "unauthorized")


def test_wrong_internal_token_with_a_jwt_is_the_jwts_user(make_app):
    client = make_app("local", INTERNAL_SERVICE_TOKEN="s3cret").test_client()
    headers = {**_bearer(make_token("u1")), "X-User-ID": "u2", "X-Internal-Token": "wrong"}
    error(client.post(PRESIGN, json={**OWN, "id": "u2"}, headers=headers), 403, "access_denied")
    assert client.post(PRESIGN, json=OWN, headers=headers).status_code == 200


# --- CSRF -------------------------------------------------------------------------------------------------------


def test_cookie_post_cross_site_is_refused(client):
    headers = {**_cookie(client, make_token("u1")), "Sec-Fetch-Site": "cross-site"}
    error(client.post(PRESIGN, json=OWN, headers=headers), 403, "csrf_failed")


def test_cookie_post_from_a_foreign_origin_is_refused(make_app):
    client = make_app("local", CORS_ORIGINS=["https://app.example.com"]).test_client()
    for origin in ("https://evil.example.com", "https://app.example.com.evil.com", "http://app.example.com", "null"):
        headers = {**_cookie(client, make_token("u1")), "Origin": origin}
        error(client.post(PRESIGN, json=OWN, headers=headers), 403, "csrf_failed")


def test_cookie_post_from_an_allowed_origin_passes(make_app):
    client = make_app("local", CORS_ORIGINS=["https://app.example.com"]).test_client()
    headers = {**_cookie(client, make_token("u1")), "Origin": "https://app.example.com", "Sec-Fetch-Site": "same-site"}
    response = client.post(PRESIGN, json=OWN, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    # CSRF passed, the next check still applies
    response = client.post(PRESIGN, json={**OWN, "id": "u2"}, headers=headers)
    error(response, 403, "access_denied")


def test_cookie_post_same_origin_fetch_passes(client):
    headers = {**_cookie(client, make_token("u1")), "Sec-Fetch-Site": "same-origin"}
    assert client.post(PRESIGN, json=OWN, headers=headers).status_code == 200


def test_bearer_cross_site_post_is_not_affected(client):
    headers = {**_bearer(make_token("u1")), "Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example.com"}
    assert client.post(PRESIGN, json=OWN, headers=headers).status_code == 200


def test_cookie_get_cross_site_is_not_affected(client):
    headers = {
        **_cookie(client, make_token("u1")),
        "Sec-Fetch-Site": "cross-site",
        "Origin": "https://evil.example.com",
    }
    response = client.get("/locks", query_string={"bucket": "users", "id": "u1"}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)


def test_cookie_post_without_browser_headers_is_not_affected(client):
    assert client.post(PRESIGN, json=OWN, headers=_cookie(client, make_token("u1"))).status_code == 200


def test_invalid_cookie_cross_site_is_still_401(client):
    headers = {**_cookie(client, INVALID["expired"]), "Sec-Fetch-Site": "cross-site"}
    error(client.post(PRESIGN, json=OWN, headers=headers), 401, "unauthorized")


def test_csrf_applies_to_other_state_changing_methods(client):
    headers = {**_cookie(client, make_token("u1")), "Sec-Fetch-Site": "cross-site"}
    error(client.post("/lock", json=OWN, headers=headers), 403, "csrf_failed")
    error(client.delete("/delete", json=OWN, headers=headers), 403, "csrf_failed")


def test_csrf_refusal_makes_no_project_service_call(client, fake_projects):
    headers = {**_cookie(client, make_token("u1")), "Sec-Fetch-Site": "cross-site"}
    body = {"bucket": "projects", "id": "p1", "path": "a.txt"}
    error(client.post(PRESIGN, json=body, headers=headers), 403, "csrf_failed")
    assert fake_projects.calls == []
