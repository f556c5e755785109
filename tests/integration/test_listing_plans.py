"""The SQL behind the common `GET /list` requests, explained by PostgreSQL on a table of 50,000 files.

Each request goes through the app; every SELECT it sends that reads `files` is captured and run again under
`EXPLAIN (ANALYZE, FORMAT JSON)`. No plan may scan `files` or `file_versions` sequentially, and the listings that
promise a cost in proportion to the page (keyset pages, folder views) may read only a few hundred rows of `files`
from a bucket of 5,000, whatever the bucket's size.
"""

from __future__ import annotations

import json
import tempfile
import uuid

import pytest
import sqlalchemy as sa

from tests.support.bulk_files import ROOT_FILES, TEAMS, insert_files, vacuum_analyze
from tests.support.tokens import SECRET, bearer

USER = "planner"
BUCKET_FILES = 5_000
OTHER_BUCKETS, OTHER_FILES = 450, 100  # 45,000 rows in other bucket ids
PAGE = 50
MAX_ROWS_READ = 400  # rows of `files` a page-sized listing may read (the bucket has 5,000)
SCANNED_TABLES = ("files", "file_versions")


@pytest.fixture(scope="module")
def listing(database_url):
    """An app over a database holding 50,000 files (5,000 in the caller's bucket), analyzed; emptied afterwards."""
    from app import create_app
    from app.extensions import db

    engine = sa.create_engine(database_url)
    insert_files(engine, [USER], BUCKET_FILES)
    insert_files(engine, [f"other-{k:03d}" for k in range(OTHER_BUCKETS)], OTHER_FILES)
    vacuum_analyze(engine)
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        JWT_SECRET=SECRET,
        STORAGE_BACKEND="local",
        LOCAL_STORAGE_PATH=tempfile.mkdtemp(prefix="storage-plans-"),
        PUBLIC_BASE_URL="http://localhost",
    )
    yield app, engine
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    with engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE files, file_versions, file_locks CASCADE"))
    engine.dispose()


def run_listing(app, params: dict) -> tuple[dict, list[tuple[str, object]]]:
    """GET /list as the bucket's owner; the JSON answer and the SELECTs on `files` it sent to the database."""
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    captured = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        response = app.test_client().get(
            "/list", query_string={"bucket": "users", "id": USER, **params}, headers=bearer(USER)
        )
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
    assert response.status_code == 200, response.get_json()
    selects = [
        (statement, parameters)
        for statement, parameters in captured
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and " files" in statement
    ]
    assert selects, captured
    return response.get_json(), selects


def explain(engine: sa.Engine, statement: str, parameters) -> dict:
    """The executed plan (EXPLAIN ANALYZE, JSON) of one captured statement with its own parameters."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", parameters)
        document = cursor.fetchone()[0]
        raw.rollback()
    finally:
        raw.close()
    if isinstance(document, str):
        document = json.loads(document)
    return document[0]["Plan"]


def nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", ()):
        yield from nodes(child)


def rows_read(plan: dict, table: str) -> int:
    """Rows the executor took from `table`: returned plus filtered out, over every loop of every node on it."""
    total = 0
    for node in nodes(plan):
        if node.get("Relation Name") == table:
            taken = (
                node["Actual Rows"]
                + node.get("Rows Removed by Filter", 0)
                + node.get("Rows Removed by Index Recheck", 0)
            )
            total += taken * node["Actual Loops"]
    return total


def check_plans(engine, selects, *, bounded: bool) -> list[str]:
    """Problems with the plans of the captured statements (empty when they are all fine)."""
    problems = []
    for statement, parameters in selects:
        plan = explain(engine, statement, parameters)
        summary = " ".join(statement.split())[:300]
        for node in nodes(plan):
            if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in SCANNED_TABLES:
                problems.append(f"Seq Scan on {node['Relation Name']}: {summary}")
        read = rows_read(plan, "files")
        if bounded and read > MAX_ROWS_READ:
            problems.append(f"reads {read} rows of files (at most {MAX_ROWS_READ}): {summary}")
    return problems


# (query parameters, whether the listing promises a cost in proportion to its page)
CASES = {
    "recursive page 1": ({"limit": PAGE}, False),
    "recursive deep page": ({"limit": PAGE, "page": BUCKET_FILES // PAGE - 1}, False),
    "folder, recursive": ({"path": "dept-3", "limit": PAGE}, False),
    "root folder view": ({"recursive": "false", "limit": PAGE}, True),
    "department folder view": ({"path": "dept-3", "recursive": "false", "limit": PAGE}, True),
    "cursor first page": ({"cursor": "", "limit": PAGE}, True),
    "cursor in a folder": ({"path": "dept-3", "cursor": "", "limit": PAGE}, True),
}


@pytest.mark.parametrize("case", list(CASES))
def test_common_listings_use_indexes(listing, case):
    app, engine = listing
    params, bounded = CASES[case]
    body, selects = run_listing(app, params)
    assert body["files"] or body.get("folders"), body
    assert check_plans(engine, selects, bounded=bounded) == []


def test_a_cursor_deep_in_the_bucket_reads_one_page(listing):
    from app.schemas.requests import ListCursor

    app, engine = listing
    before, _ = run_listing(app, {"limit": PAGE, "page": BUCKET_FILES // PAGE - 2})
    last = before["files"][-1]
    cursor = ListCursor(last["logical_path"], uuid.UUID(last["id"])).encode()
    body, selects = run_listing(app, {"limit": PAGE, "cursor": cursor})
    expected, _ = run_listing(app, {"limit": PAGE, "page": BUCKET_FILES // PAGE - 1})
    assert [f["id"] for f in body["files"]] == [f["id"] for f in expected["files"]]
    assert body["next_cursor"]
    assert check_plans(engine, selects, bounded=True) == []


def test_the_folder_views_show_the_seeded_tree(listing):
    """The plans above are those of correct answers: the root's files and folders, a department's team folders."""
    app, _ = listing
    root, _ = run_listing(app, {"recursive": "false", "limit": PAGE})
    assert len(root["files"]) == ROOT_FILES and root["pagination"]["total_items"] == ROOT_FILES
    assert root["folders"] == [f"dept-{d}" for d in range(10)]
    department, _ = run_listing(app, {"path": "dept-3", "recursive": "false", "limit": PAGE})
    assert department["files"] == [] and department["folders"] == [f"team-{t:02d}" for t in range(TEAMS)]
