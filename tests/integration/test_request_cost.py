"""The SQL statements the hot reads send: the file, its current version and its active lock come in one."""

from __future__ import annotations

import contextlib

import pytest
import sqlalchemy as sa

from tests.support.files_api import add_lock, metadata, upload

pytestmark = pytest.mark.integration


@contextlib.contextmanager
def statements(app):
    """The statements sent to the database while the block runs."""
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append(" ".join(statement.split()))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def test_metadata_is_one_statement_with_version_and_lock(app, client, auth):
    file_id = upload(client, auth("u1"), path="docs/a.txt")["file_id"]
    add_lock(app, file_id, locked_by="u2")
    for query in ({"file_id": file_id}, {"bucket": "users", "id": "u1", "path": "docs/a.txt"}):
        with statements(app) as sent:
            body = metadata(client, auth("u1"), **query)
        assert len(sent) == 1, sent
        assert body["file"]["lock"]["locked_by"] == "u2"
        assert body["current_version"]["version_number"] == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, 2),  # the count (and whether uploads are pending), the page with versions and locks
        ({"cursor": ""}, 2),  # whether uploads are pending, the page
        ({"recursive": "false"}, 3),  # and the sub-folder names
    ],
)
def test_a_listing_page_is_a_fixed_number_of_statements(app, client, auth, query, expected):
    for k in range(12):
        file_id = upload(client, auth("u1"), path=f"docs/{k % 3}/f{k}.txt")["file_id"]
        if k % 4 == 0:
            add_lock(app, file_id, locked_by="u2")
    with statements(app) as sent:
        response = client.get(
            "/list", query_string={"bucket": "users", "id": "u1", "limit": 5, **query}, headers=auth("u1")
        )
    assert response.status_code == 200, response.get_json()
    assert len(sent) == expected, sent
    assert any(f["lock"] for f in response.get_json()["files"]) or query.get("recursive") == "false"


@pytest.mark.parametrize("endpoint", ["/download/presign", "/download/proxy"])
def test_a_download_is_one_read_and_an_audit_row_committed_without_a_flush_wait(app, client, auth, endpoint):
    file_id = upload(client, auth("u1"), path="docs/a.txt")["file_id"]
    for query in ({"file_id": file_id}, {"bucket": "users", "id": "u1", "path": "docs/a.txt"}):
        with statements(app) as sent:
            response = client.get(endpoint, query_string=query, headers=auth("u1"))
            assert response.status_code == 200, response.get_json()
            response.close()
        # the audit row commits without waiting for the WAL flush: a read changes nothing
        assert [statement.split()[0] for statement in sent] == ["SELECT", "SET", "INSERT"], sent
        assert sent[1] == "SET LOCAL synchronous_commit = off"


def test_a_request_opens_no_cookie_session(app, client, auth):
    from flask import session

    file_id = upload(client, auth("u1"), path="docs/a.txt")["file_id"]
    # a NullSession: nothing is signed or read for a cookie session
    with app.test_request_context("/metadata", query_string={"file_id": file_id}), pytest.raises(RuntimeError):
        session["x"] = 1
    response = client.get("/metadata", query_string={"file_id": file_id}, headers=auth("u1"))
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
