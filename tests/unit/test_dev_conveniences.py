"""`flask storage token` and the offline API docs."""

from __future__ import annotations

import time

import pytest

from app import create_app
from app.auth.tokens import InvalidToken, TokenSettings, decode_token

SECRET = "unit-test-secret-0123456789-abcdefghij"


@pytest.fixture
def make(tmp_path):
    def build(config_name="testing", **overrides):
        settings = {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite'}",
            "STORAGE_BACKEND": "local",
            "LOCAL_STORAGE_PATH": str(tmp_path / "objects"),
            "JWT_SECRET": SECRET,
            **overrides,
        }
        return create_app(config_name, **settings)

    return build


def _mint(app, *args):
    return app.test_cli_runner().invoke(args=["storage", "token", *args])


def test_token_carries_the_requested_identity(make):
    app = make()
    result = _mint(app, "--user", "u1", "--company", "c1", "--roles", "admin", "--ttl", "120")
    assert result.exit_code == 0, result.output
    principal = decode_token(result.output.strip(), TokenSettings.from_config(app.config))
    assert (principal.user_id, principal.company_id, principal.is_admin) == ("u1", "c1", True)
    import jwt

    claims = jwt.decode(result.output.strip(), options={"verify_signature": False})
    assert abs(claims["exp"] - (time.time() + 120)) < 5


def test_token_honours_roles_claim_issuer_and_audience(make):
    app = make(JWT_ROLES_CLAIM="groups", JWT_ISSUER="https://id.example", JWT_AUDIENCE="storage")
    result = _mint(app, "--user", "u2", "--roles", "editor,admin", "--roles", "viewer")
    assert result.exit_code == 0, result.output
    principal = decode_token(result.output.strip(), TokenSettings.from_config(app.config))
    assert principal.roles == ("editor", "admin", "viewer") and principal.is_admin
    assert principal.company_id is None


def test_token_signed_with_another_secret_is_rejected(make):
    token = _mint(make(), "--user", "u1").output.strip()
    other = make(JWT_SECRET="another-secret-0123456789-abcdefghijkl")
    with pytest.raises(InvalidToken):
        decode_token(token, TokenSettings.from_config(other.config))


def test_token_requires_a_user(make):
    result = _mint(make(), "--company", "c1")
    assert result.exit_code != 0 and "--user" in result.output


def test_token_refused_with_production_config(make, monkeypatch, tmp_path):
    for name, value in {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite'}",
        "SECRET_KEY": "production-secret",
        "STORAGE_BACKEND": "local",
        "PROJECT_SERVICE_URL": "http://127.0.0.1:9",
        "JWT_SECRET": SECRET,
        "DEV_TOKEN_COMMAND": "true",  # even an explicit opt-in does not enable it in production
    }.items():
        monkeypatch.setenv(name, value)
    app = create_app("production", LOCAL_STORAGE_PATH=str(tmp_path / "objects"))
    result = _mint(app, "--user", "u1")
    assert result.exit_code != 0
    assert "disabled" in result.output and "eyJ" not in result.output


def test_token_refused_when_switched_off(make):
    result = _mint(make(DEV_TOKEN_COMMAND=False), "--user", "u1")
    assert result.exit_code != 0 and "DEV_TOKEN_COMMAND" in result.output


def test_token_refused_for_asymmetric_algorithms(make):
    result = _mint(make(JWT_ALGORITHMS=["RS256"], JWT_PUBLIC_KEY="unused"), "--user", "u1")
    assert result.exit_code != 0 and "HS" in result.output


def test_docs_load_their_assets_from_the_service(make):
    client = make().test_client()
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/docs/assets/swagger-ui-bundle.js" in html and "/docs/assets/swagger-ui.css" in html
    assert "//cdn" not in html and "https://" not in html
    for asset in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        response = client.get(f"/docs/assets/{asset}")
        assert response.status_code == 200 and len(response.get_data()) > 1000, asset
        response.close()
    assert client.get("/openapi.json").status_code == 200
