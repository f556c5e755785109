"""JWT verification (contract §2): decode_token with TokenSettings; every failure is InvalidToken."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from app.auth import tokens
from app.auth.tokens import InvalidToken, Principal, TokenSettings, decode_token
from tests.support.tokens import SECRET, make_token

HS256 = TokenSettings(algorithms=("HS256",), key=SECRET)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(**overrides) -> dict:
    claims = {"sub": "u1", "exp": int(time.time()) + 3600, "iat": int(time.time())}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(claims: dict, key=SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=algorithm)


@pytest.fixture(scope="module")
def rsa_keys():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public_pem


@pytest.fixture(scope="module")
def ec_keys():
    private = ec.generate_private_key(ec.SECP256R1())
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public_pem


# --- valid tokens -----------------------------------------------------------------------------------------------


def test_valid_hs256_token():
    token = make_token("u1", company_id="c1")
    principal = decode_token(token, HS256)
    assert isinstance(principal, Principal)
    assert principal.user_id == "u1"
    assert principal.company_id == "c1"
    assert principal.roles == ()
    assert principal.is_admin is False
    assert principal.token == token


def test_token_is_not_in_the_principal_repr():
    token = make_token("u1")
    assert token not in repr(decode_token(token, HS256))


def test_no_company_claim():
    assert decode_token(make_token("u1"), HS256).company_id is None


def test_numeric_company_id_becomes_text():
    principal = decode_token(_sign(_claims(company_id=42)), HS256)
    assert principal.company_id == "42"


def test_user_id_claim_alongside_sub():
    principal = decode_token(_sign(_claims(sub="u7", user_id="u7")), HS256)
    assert principal.user_id == "u7"


# --- invalid tokens ---------------------------------------------------------------------------------------------


def test_expired_token():
    with pytest.raises(InvalidToken):
        decode_token(make_token("u1", exp_in=-10), HS256)


def test_bad_signature():
    with pytest.raises(InvalidToken):
        decode_token(make_token("u1", secret="another-secret-0123456789-abcdefghijkl"), HS256)


def test_tampered_payload():
    header, _, signature = make_token("u1").split(".")
    payload = _b64(json.dumps(_claims(sub="admin", roles=["admin"])).encode())
    with pytest.raises(InvalidToken):
        decode_token(f"{header}.{payload}.{signature}", HS256)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not-a-token",
        "a.b.c",
        "abc.def",
        "....",
        "eyJhbGciOiJIUzI1NiJ9..",
        "Bearer " + make_token("u1"),
        make_token("u1") + "x",
        make_token("u1")[:-5],
        "\u00e9.\u00e9.\u00e9",
    ],
    ids=range(10),
)
def test_malformed_token(token):
    with pytest.raises(InvalidToken):
        decode_token(token, HS256)


def test_alg_none():
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(_claims()).encode())
    for token in (f"{header}.{payload}.", f"{header}.{payload}"):
        with pytest.raises(InvalidToken):
            decode_token(token, HS256)


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_hs384_token_when_hs256_is_pinned():
    with pytest.raises(InvalidToken):
        decode_token(_sign(_claims(), algorithm="HS384"), HS256)


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_hs512_token_when_hs256_is_pinned():
    with pytest.raises(InvalidToken):
        decode_token(_sign(_claims(), algorithm="HS512"), HS256)


def test_rs256_token_when_hs256_is_pinned(rsa_keys):
    private, _ = rsa_keys
    with pytest.raises(InvalidToken):
        decode_token(_sign(_claims(), private, "RS256"), HS256)


def test_missing_exp():
    with pytest.raises(InvalidToken):
        decode_token(_sign(_claims(exp=None)), HS256)


def test_missing_sub():
    with pytest.raises(InvalidToken):
        decode_token(_sign(_claims(sub=None)), HS256)


def test_missing_sub_even_with_user_id():
    """`sub` is required (contract §2); a user_id claim does not replace it."""
    with pytest.raises(InvalidToken):
        decode_token(_sign(_claims(sub=None, user_id="u1")), HS256)


def test_empty_sub():
    with pytest.raises(InvalidToken):
        decode_token(_sign(_claims(sub="")), HS256)


@pytest.mark.parametrize("exp", ["tomorrow", None, [1], {"a": 1}])
def test_non_numeric_exp(exp):
    claims = _claims()
    claims["exp"] = exp
    with pytest.raises(InvalidToken):
        decode_token(_sign(claims), HS256)


def test_not_yet_valid():
    with pytest.raises(InvalidToken):
        decode_token(_sign(_claims(nbf=int(time.time()) + 600)), HS256)


def test_payload_not_an_object():
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = _b64(b'["u1"]')
    signing_input = f"{header}.{payload}".encode()
    signature = _b64(hmac.new(SECRET.encode(), signing_input, hashlib.sha256).digest())
    with pytest.raises(InvalidToken):
        decode_token(f"{header}.{payload}.{signature}", HS256)


def test_invalid_token_is_an_exception_with_a_reason():
    with pytest.raises(InvalidToken) as raised:
        decode_token(make_token("u1", exp_in=-10), HS256)
    assert str(raised.value)


# --- issuer and audience ----------------------------------------------------------------------------------------


ISS_AUD = TokenSettings(algorithms=("HS256",), key=SECRET, issuer="https://idp.example", audience="storage")


def test_issuer_and_audience_checked_when_configured():
    principal = decode_token(_sign(_claims(iss="https://idp.example", aud="storage")), ISS_AUD)
    assert principal.user_id == "u1"


def test_audience_list_containing_ours():
    assert decode_token(_sign(_claims(iss="https://idp.example", aud=["other", "storage"])), ISS_AUD).user_id == "u1"


@pytest.mark.parametrize(
    "claims",
    [
        {"iss": "https://evil.example", "aud": "storage"},
        {"aud": "storage"},
        {"iss": "https://idp.example", "aud": "other"},
        {"iss": "https://idp.example"},
        {"iss": "https://idp.example", "aud": ["other"]},
    ],
    ids=["wrong-iss", "no-iss", "wrong-aud", "no-aud", "aud-list-without-ours"],
)
def test_issuer_and_audience_rejected(claims):
    with pytest.raises(InvalidToken):
        decode_token(_sign(_claims(**claims)), ISS_AUD)


def test_issuer_and_audience_ignored_when_not_configured():
    assert decode_token(_sign(_claims(iss="https://any.example", aud="anything")), HS256).user_id == "u1"


# --- leeway -----------------------------------------------------------------------------------------------------


def test_leeway_accepts_a_recently_expired_token():
    token = _sign(_claims(exp=int(time.time()) - 10))
    with pytest.raises(InvalidToken):
        decode_token(token, HS256)
    assert decode_token(token, TokenSettings(algorithms=("HS256",), key=SECRET, leeway=30)).user_id == "u1"


def test_leeway_has_limits():
    token = _sign(_claims(exp=int(time.time()) - 120))
    with pytest.raises(InvalidToken):
        decode_token(token, TokenSettings(algorithms=("HS256",), key=SECRET, leeway=30))


def _config(**overrides) -> dict:
    config = {
        "JWT_ALGORITHMS": ["HS256"],
        "JWT_SECRET": SECRET,
        "JWT_PUBLIC_KEY": None,
        "JWT_ISSUER": None,
        "JWT_AUDIENCE": None,
        "JWT_LEEWAY": 0,
        "JWT_ROLES_CLAIM": "roles",
        "ADMIN_ROLE": "admin",
    }
    config.update(overrides)
    return config


def test_leeway_from_configuration_is_at_most_60_seconds():
    settings = TokenSettings.from_config(_config(JWT_LEEWAY=3600))
    assert settings.leeway == 60
    with pytest.raises(InvalidToken):
        decode_token(_sign(_claims(exp=int(time.time()) - 300)), settings)


def test_from_config_hs256():
    settings = TokenSettings.from_config(_config(JWT_ISSUER="https://idp.example", JWT_AUDIENCE="storage"))
    assert settings.algorithms == ("HS256",)
    token = _sign(_claims(iss="https://idp.example", aud="storage"))
    assert decode_token(token, settings).user_id == "u1"
    with pytest.raises(InvalidToken):
        decode_token(_sign(_claims()), settings)


# --- roles ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "expected", "admin"),
    [
        (["admin"], ("admin",), True),
        (["user", "admin"], ("user", "admin"), True),
        ("admin", ("admin",), True),
        (["user"], ("user",), False),
        ("user", ("user",), False),
        ("administrator", ("administrator",), False),  # a single string is one role, not a substring match
        ("user admin", ("user admin",), False),
        (["Admin"], ("Admin",), False),
        ([], (), False),
    ],
)
def test_roles_claim(roles, expected, admin):
    principal = decode_token(make_token("u1", roles=roles), HS256)
    assert principal.roles == expected
    assert principal.is_admin is admin


@pytest.mark.parametrize("roles", [{"admin": True}, 1, True])
def test_roles_claim_of_another_type_gives_no_roles(roles):
    principal = decode_token(_sign(_claims(roles=roles)), HS256)
    assert principal.is_admin is False


def test_configured_roles_claim_and_admin_role():
    settings = TokenSettings(algorithms=("HS256",), key=SECRET, roles_claim="realm_roles", admin_role="superuser")
    assert decode_token(_sign(_claims(realm_roles=["superuser"])), settings).is_admin is True
    assert decode_token(_sign(_claims(realm_roles="superuser")), settings).is_admin is True
    # the default claim and role mean nothing once others are configured
    assert decode_token(_sign(_claims(roles=["superuser", "admin"])), settings).is_admin is False
    assert decode_token(_sign(_claims(realm_roles=["admin"])), settings).is_admin is False


def test_configured_roles_from_config():
    settings = TokenSettings.from_config(_config(JWT_ROLES_CLAIM="groups", ADMIN_ROLE="ops"))
    assert decode_token(_sign(_claims(groups="ops")), settings).is_admin is True
    assert decode_token(_sign(_claims(roles="admin")), settings).is_admin is False


# --- asymmetric keys --------------------------------------------------------------------------------------------


def test_rs256_with_a_public_key(rsa_keys):
    private, public_pem = rsa_keys
    settings = TokenSettings(algorithms=("RS256",), key=public_pem)
    principal = decode_token(_sign(_claims(roles=["admin"]), private, "RS256"), settings)
    assert principal.user_id == "u1"
    assert principal.is_admin is True


def test_rs256_signed_by_another_key(rsa_keys):
    _, public_pem = rsa_keys
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(InvalidToken):
        decode_token(_sign(_claims(), other, "RS256"), TokenSettings(algorithms=("RS256",), key=public_pem))


def test_rs256_pinned_refuses_hs256_signed_with_the_public_key(rsa_keys):
    """The classic key-confusion attack: HMAC with the public key as the secret."""
    _, public_pem = rsa_keys
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(_claims(roles=["admin"])).encode())
    signature = _b64(hmac.new(public_pem.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest())
    with pytest.raises(InvalidToken):
        decode_token(f"{header}.{payload}.{signature}", TokenSettings(algorithms=("RS256",), key=public_pem))


def test_rs256_pinned_refuses_hs256(rsa_keys):
    _, public_pem = rsa_keys
    with pytest.raises(InvalidToken):
        decode_token(make_token("u1"), TokenSettings(algorithms=("RS256",), key=public_pem))


def test_rs256_expired(rsa_keys):
    private, public_pem = rsa_keys
    token = _sign(_claims(exp=int(time.time()) - 10), private, "RS256")
    with pytest.raises(InvalidToken):
        decode_token(token, TokenSettings(algorithms=("RS256",), key=public_pem))


def test_rs256_from_config_uses_the_public_key(rsa_keys):
    private, public_pem = rsa_keys
    settings = TokenSettings.from_config(_config(JWT_ALGORITHMS=["RS256"], JWT_PUBLIC_KEY=public_pem))
    assert decode_token(_sign(_claims(), private, "RS256"), settings).user_id == "u1"
    with pytest.raises(InvalidToken):
        decode_token(make_token("u1"), settings)


def test_es256_with_a_public_key(ec_keys):
    private, public_pem = ec_keys
    settings = TokenSettings(algorithms=("ES256",), key=public_pem)
    assert decode_token(_sign(_claims(), private, "ES256"), settings).user_id == "u1"
    with pytest.raises(InvalidToken):
        decode_token(make_token("u1"), settings)


# --- claims a hostile issuer could shape (contract §9) ----------------------------------------------------------

FAR = int(time.time()) + 3600


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("exp", "9999999999"),  # a numeric string is not a NumericDate
        ("exp", str(FAR)),
        ("exp", True),  # JSON true is not a number, though Python's bool is an int
        ("nbf", "1"),
        ("nbf", False),
        ("iat", "1"),
        ("iat", True),
    ],
)
def test_numeric_date_claims_must_be_json_numbers(claim, value):
    claims = _claims()
    claims[claim] = value
    with pytest.raises(InvalidToken):
        decode_token(_sign(claims), HS256)


@pytest.mark.parametrize(("claim", "value"), [("exp", FAR + 0.5), ("nbf", 1.5), ("iat", 1_000_000_000.25)])
def test_numeric_dates_may_be_fractional(claim, value):
    assert decode_token(_sign(_claims(**{claim: value})), HS256).user_id == "u1"


def test_user_id_as_long_as_its_column_is_accepted():
    assert decode_token(_sign(_claims(sub="u" * 255)), HS256).user_id == "u" * 255


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "u" * 256},  # longer than the user id columns (String(255))
        {"sub": "u1\x00"},  # PostgreSQL text cannot hold NUL
        {"sub": "u1\n"},
        {"company_id": "c" * 65},  # longer than a bucket id
        {"company_id": "c1\x00"},
        {"company_id": ["c1"]},
        {"company_id": {"id": "c1"}},
        {"company_id": True},
    ],
    ids=["long-sub", "nul-sub", "newline-sub", "long-company", "nul-company", "list-company", "dict-company", "bool"],
)
def test_identity_claims_that_cannot_be_stored_are_invalid(claims):
    with pytest.raises(InvalidToken):
        decode_token(_sign(_claims(**claims)), HS256)


def test_company_id_as_long_as_a_bucket_id_is_accepted():
    assert decode_token(_sign(_claims(company_id="c" * 64)), HS256).company_id == "c" * 64


# --- a verified token is remembered until it expires ------------------------------------------------------------


def test_a_remembered_token_is_refused_once_it_expires():
    token = _sign(_claims(exp=int(time.time()) + 1))
    assert decode_token(token, HS256).user_id == "u1"
    time.sleep(max(0.0, jwt.decode(token, options={"verify_signature": False})["exp"] - time.time()) + 0.05)
    with pytest.raises(InvalidToken):
        decode_token(token, HS256)


def test_a_token_remembered_under_one_key_is_checked_again_under_another():
    token = make_token("u1")
    assert decode_token(token, HS256).user_id == "u1"
    with pytest.raises(InvalidToken):
        decode_token(token, TokenSettings(algorithms=("HS256",), key="another-secret-0123456789-abcdefghijkl"))
    with pytest.raises(InvalidToken):  # an audience this token was not issued for
        decode_token(token, TokenSettings(algorithms=("HS256",), key=SECRET, audience="storage"))


def test_remembered_tokens_are_bounded():
    for n in range(tokens.MAX_VERIFIED + 10):
        decode_token(make_token(f"u{n}"), HS256)
    assert 0 < len(tokens._verified) <= tokens.MAX_VERIFIED
