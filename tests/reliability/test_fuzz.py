"""Property-based fuzzing of every documented operation: whatever the input, no 5xx and always the error shape."""

import tempfile

import schemathesis
from hypothesis import HealthCheck, settings

from app import create_app
from tests.support.tokens import make_token

# The schema comes from the code (no database needed to render it); requests go to the real app in `fuzz_app`.
_spec_dir = tempfile.mkdtemp(prefix="storage-spec-")
_spec_app = create_app(
    "testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{_spec_dir}/spec.db", LOCAL_STORAGE_PATH=_spec_dir
)
schema = schemathesis.openapi.from_wsgi("/openapi.json", _spec_app)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_one_error_shape(case, fuzz_app):
    token = make_token("u1", company_id="c1")
    response = case.call(app=fuzz_app, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, response.text
    if response.status_code >= 400 and response.headers.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        assert body["status"] == "error"
        assert isinstance(body["message"], str) and isinstance(body["detail"], str)
        assert token not in response.text
