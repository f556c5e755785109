import os

import pytest
import sqlalchemy as sa

from tests.support.fuzz_world import FuzzWorld


@pytest.fixture(scope="module")
def fuzz_app(request, database_url, fake_projects, tmp_path_factory):
    """The real app on PostgreSQL and the local store (FUZZ_BACKEND=minio: SeaweedFS); the project service allows."""
    from app import create_app
    from tests.support.fuzz_world import STORAGE_EVENTS_TOKEN
    from tests.support.tokens import SECRET

    fake_projects.reset()
    settings = {"STORAGE_BACKEND": "local", "LOCAL_STORAGE_PATH": str(tmp_path_factory.mktemp("fuzz-objects"))}
    if os.environ.get("FUZZ_BACKEND", "local") == "minio":
        s3 = request.getfixturevalue("seaweed")
        settings = {
            "STORAGE_BACKEND": "minio",
            "MINIO_ENDPOINT": s3.endpoint,
            "MINIO_ACCESS_KEY": s3.access_key,
            "MINIO_SECRET_KEY": s3.secret_key,
            "MINIO_REGION": s3.region,
            "MINIO_PUBLIC_ENDPOINT": s3.url,
        }
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        JWT_SECRET=SECRET,
        PROJECT_SERVICE_URL=fake_projects.url,
        PUBLIC_BASE_URL="http://localhost",
        STORAGE_EVENTS_TOKEN=STORAGE_EVENTS_TOKEN,
        # the fuzzer's steering alone uploads hundreds of files a minute (multipart sessions count as uploads)
        RATE_LIMIT_UPLOADS="100000/minute",
        **settings,
    )
    app.extensions["object_store"].ensure_buckets()
    yield app
    with app.app_context():
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()
    # Later tests start from empty tables, as after any other test module.
    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        tables = [name for name in sa.inspect(conn).get_table_names() if name != "alembic_version"]
        conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} CASCADE"))
    engine.dispose()


@pytest.fixture(scope="module")
def fuzz_world(fuzz_app):
    """Stable files in every bucket u1 may write, created through the API before the fuzzing starts."""
    world = FuzzWorld(fuzz_app)
    world.seed()
    return world
