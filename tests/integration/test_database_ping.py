"""Pooled connections idle longer than DATABASE_PING_AFTER_IDLE are pinged before use (app/extensions.py): a
connection that died while idle (a database restart, an idle timeout) is replaced without failing a request."""

from __future__ import annotations

import time

from tests.support.files_api import error
from tests.support.postgres import end_connections

LIST = "/list?bucket=users&id=u1"


def test_a_connection_that_died_while_idle_is_replaced(make_app, auth, database_url):
    client = make_app("local", DATABASE_PING_AFTER_IDLE=0.2).test_client()
    assert client.get(LIST, headers=auth("u1")).status_code == 200
    assert end_connections(database_url) >= 1
    time.sleep(0.3)
    for _ in range(3):
        assert client.get(LIST, headers=auth("u1")).status_code == 200


def test_a_connection_used_a_moment_ago_is_not_pinged(make_app, auth, database_url):
    """The trade against a ping per request: a connection that dies within the idle allowance fails the one request
    that meets it (503, never a stack trace); the pool then drops the connections older than the failure."""
    client = make_app("local", DATABASE_PING_AFTER_IDLE=3600).test_client()
    assert client.get(LIST, headers=auth("u1")).status_code == 200
    assert end_connections(database_url) >= 1
    error(client.get(LIST, headers=auth("u1")), 503, "database_unavailable")
    assert client.get(LIST, headers=auth("u1")).status_code == 200
