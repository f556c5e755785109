"""One physical bucket behind the three logical buckets (MINIO_BUCKET_NAME, the platform's staging-storage): the
same id and path in users, companies and projects stay three files, and reconcile sees the one bucket whole."""

from __future__ import annotations

import io
import uuid

import pytest

from tests.support.files_api import download, upload
from tests.support.tokens import bearer

SAME = "same"  # the same id in every logical bucket: a user, a company and a project all called "same"
PATH = "docs/a.txt"


@pytest.fixture
def shared_app(make_app):
    bucket = f"shared-{uuid.uuid4().hex[:12]}"
    return make_app(
        "minio", BUCKET_USERS=bucket, BUCKET_COMPANIES=bucket, BUCKET_PROJECTS=bucket, RECONCILE_GRACE_SECONDS=0
    )


def _reconcile(app, fix=False):
    from app.services.maintenance import reconcile

    with app.app_context():
        return reconcile(fix=fix)


def test_logical_buckets_sharing_one_physical_bucket_never_collide(shared_app):
    client = shared_app.test_client()
    caller = bearer(SAME, company_id=SAME)
    keys = {}
    for bucket in ("users", "companies", "projects"):
        keys[bucket] = upload(client, caller, bucket=bucket, bucket_id=SAME, path=PATH, content=bucket.encode())[
            "object_key"
        ]
    assert len(set(keys.values())) == 3
    assert shared_app.extensions["object_store"].buckets == [shared_app.config["BUCKET_USERS"]]
    for bucket in ("users", "companies", "projects"):
        assert download(client, caller, bucket=bucket, id=SAME, path=PATH) == bucket.encode()

    deleted = client.delete("/delete", json={"bucket": "users", "id": SAME, "path": PATH}, headers=caller)
    assert deleted.status_code == 200, deleted.get_json()
    for bucket in ("companies", "projects"):
        assert download(client, caller, bucket=bucket, id=SAME, path=PATH) == bucket.encode()


def test_reconcile_checks_the_shared_bucket_against_all_three(shared_app):
    client = shared_app.test_client()
    caller = bearer(SAME, company_id=SAME)
    for bucket in ("users", "companies", "projects"):
        upload(client, caller, bucket=bucket, bucket_id=SAME, path=PATH, content=bucket.encode())
    report = _reconcile(shared_app)
    assert (report.missing_objects, report.orphan_objects) == ([], [])
    assert report.checked_objects == 3

    orphan = f"{SAME}/{uuid.uuid4().hex}"
    with shared_app.app_context():
        shared_app.extensions["object_store"].put_stream(shared_app.config["BUCKET_USERS"], orphan, io.BytesIO(b"x"))
    report = _reconcile(shared_app, fix=True)
    assert [d.object_key for d in report.orphan_objects] == [orphan] and report.missing_objects == []
    assert (_reconcile(shared_app).orphan_objects, _reconcile(shared_app).missing_objects) == ([], [])
    for bucket in ("users", "companies", "projects"):
        assert download(client, caller, bucket=bucket, id=SAME, path=PATH) == bucket.encode()
