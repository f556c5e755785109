"""JWT helpers for tests."""

import time

import jwt

SECRET = "test-secret-0123456789-abcdefghijklmnop"


def make_token(sub="u1", *, company_id=None, roles=None, exp_in=3600, secret=SECRET, algorithm="HS256", **claims):
    payload = {"sub": sub, "exp": int(time.time()) + exp_in, "iat": int(time.time()), **claims}
    if company_id is not None:
        payload["company_id"] = company_id
    if roles is not None:
        payload["roles"] = roles
    return jwt.encode(payload, secret, algorithm=algorithm)


def bearer(sub="u1", **kwargs) -> dict:
    return {"Authorization": f"Bearer {make_token(sub, **kwargs)}"}
