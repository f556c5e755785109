"""Many files at once with bulk SQL on PostgreSQL (listing benchmarks and query-plan tests), not through the API.

In a bucket of N files, the first ROOT_FILES sit at the root (`readme-NNN.txt`) and the rest in
`dept-D/team-TT/doc-NNNNNNN.txt` (10 departments x 20 teams): the root always shows ROOT_FILES files and 10 folders,
a department 20 team folders and no file. Every file has one current version (draft, category `document`).
"""

from __future__ import annotations

import sqlalchemy as sa

ROOT_FILES = 20
DEPARTMENTS, TEAMS = 10, 20

# Foreign-key triggers are off for the load (session_replication_role = replica, a superuser setting), so files can
# name versions inserted by the next statement.
_STATEMENTS = (
    """
    CREATE TEMP TABLE seed ON COMMIT DROP AS
    SELECT gen_random_uuid() AS file_id, gen_random_uuid() AS version_id, b.bucket_id, n,
           CASE WHEN n <= :root_files THEN format('readme-%s.txt', lpad(n::text, 3, '0'))
                ELSE format('dept-%s/team-%s/doc-%s.txt', n % :departments,
                            lpad(((n / :departments) % :teams)::text, 2, '0'), lpad(n::text, 7, '0')) END
             AS logical_path
    FROM unnest(CAST(:bucket_ids AS text[])) AS b(bucket_id), generate_series(1, :count) AS n
    """,
    """
    INSERT INTO files (id, bucket_type, bucket_id, logical_path, filename, owner_id, status, current_version_id,
                       tags, latest_version_number, is_deleted, created_at, updated_at)
    SELECT file_id, :bucket_type, bucket_id, logical_path, regexp_replace(logical_path, '^.*/', ''), bucket_id,
           'draft', version_id, '{}'::jsonb, 1, false, now(), now()
    FROM seed
    """,
    """
    INSERT INTO file_versions (id, file_id, version_number, object_key, size, mime_type, category, checksum_sha256,
                               status, created_by, created_at)
    SELECT version_id, file_id, 1, bucket_id || '/' || replace(version_id::text, '-', ''), 1000 + n % 5000,
           'text/plain', 'document', md5(file_id::text) || md5(version_id::text), 'draft', bucket_id, now()
    FROM seed
    """,
)


def insert_files(engine: sa.Engine, bucket_ids: list[str], count: int, *, bucket_type: str = "users") -> None:
    """`count` files, each with its current version, in every one of `bucket_ids`; one transaction."""
    parameters = {
        "bucket_ids": bucket_ids,
        "count": count,
        "bucket_type": bucket_type,
        "root_files": ROOT_FILES,
        "departments": DEPARTMENTS,
        "teams": TEAMS,
    }
    with engine.begin() as conn:
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for statement in _STATEMENTS:
            conn.execute(sa.text(statement), parameters)


def vacuum_analyze(engine: sa.Engine) -> None:
    """Fresh statistics and visibility map for the tables a listing reads."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("files", "file_versions", "file_locks"):
            conn.execute(sa.text(f"VACUUM ANALYZE {table}"))
