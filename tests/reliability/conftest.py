import pytest


@pytest.fixture(scope="module")
def fuzz_app(database_url, fake_projects, tmp_path_factory):
    from app import create_app
    from tests.support.tokens import SECRET

    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        JWT_SECRET=SECRET,
        STORAGE_BACKEND="local",
        LOCAL_STORAGE_PATH=str(tmp_path_factory.mktemp("fuzz-objects")),
        PROJECT_SERVICE_URL=fake_projects.url,
    )
    app.extensions["object_store"].ensure_buckets()
    return app
