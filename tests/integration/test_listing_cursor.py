"""GET /list with keyset pagination (`cursor`), and the folder view's sub-folder names next to tricky names."""

from __future__ import annotations

import pytest

from tests.support.files_api import add_lock, error, upload

pytestmark = pytest.mark.integration

# Names whose order depends on comparing by code point: punctuation around `/` (0x2F) and `0` (0x30), case, accents.
TREE = [
    "a b/inside.txt",
    "a.b/inside.txt",
    "a.txt",
    "a/deep/er/x.txt",
    "a/one.txt",
    "a0.txt",
    "a0/inside.txt",
    "B.txt",
    "b/inside.txt",
    "é.txt",
    "z/last.txt",
]


def make_tree(client, auth, paths=TREE):
    return {path: upload(client, auth("u1"), path=path, content=path.encode())["file_id"] for path in paths}


def listing(client, headers, expect=200, **query):
    response = client.get("/list", query_string={"bucket": "users", "id": "u1", **query}, headers=headers)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def walk(client, headers, limit, **query):
    """Every page by cursor from the start; the pages' bodies."""
    pages, cursor = [], ""
    while cursor is not None:
        body = listing(client, headers, cursor=cursor, limit=limit, **query)
        pages.append(body)
        cursor = body["next_cursor"]
        assert len(pages) < 100
    return pages


def ids(pages):
    return [f["id"] for page in pages for f in page["files"]]


def test_cursor_pages_are_the_offset_pages_in_code_point_order(client, auth):
    make_tree(client, auth)
    everything = listing(client, auth("u1"), limit=1000)
    assert [f["logical_path"] for f in everything["files"]] == sorted(TREE)  # Python sorts str by code point
    pages = walk(client, auth("u1"), 3)
    assert ids(pages) == [f["id"] for f in everything["files"]]
    assert [len(page["files"]) for page in pages] == [3, 3, 3, 2]
    assert all(page["pagination"] == {"limit": 3} for page in pages)  # no count in keyset mode
    assert pages[-1]["next_cursor"] is None


def test_cursor_within_a_folder_and_on_an_exact_page_boundary(client, auth):
    make_tree(client, auth)
    pages = walk(client, auth("u1"), 1, path="a")
    assert [f["logical_path"] for page in pages for f in page["files"]] == ["a/deep/er/x.txt", "a/one.txt"]
    assert [len(page["files"]) for page in pages] == [1, 1]  # the last full page already says there is no more


def test_cursor_keeps_archived_and_live_files_at_one_path_apart(app, client, auth):
    first = upload(client, auth("u1"), path="same.txt", content=b"one")["file_id"]
    response = client.delete("/delete", json={"file_id": first}, headers=auth("u1"))
    assert response.status_code == 200, response.get_json()
    second = upload(client, auth("u1"), path="same.txt", content=b"two")["file_id"]
    upload(client, auth("u1"), path="zz.txt", content=b"three")
    everything = listing(client, auth("u1"), include_deleted="true")
    pages = walk(client, auth("u1"), 1, include_deleted="true")
    assert ids(pages) == [f["id"] for f in everything["files"]]
    assert {first, second} <= set(ids(pages)) and len(ids(pages)) == 3


def test_cursor_folder_view_gives_direct_children_and_every_sub_folder(app, client, auth):
    ids_by_path = make_tree(client, auth)
    add_lock(app, ids_by_path["a.txt"], locked_by="u2")
    pages = walk(client, auth("u1"), 2, recursive="false")
    files = [f for page in pages for f in page["files"]]
    assert [f["logical_path"] for f in files] == ["B.txt", "a.txt", "a0.txt", "é.txt"]
    assert files[1]["lock"]["locked_by"] == "u2" and files[0]["lock"] is None
    assert all(page["folders"] == ["a", "a b", "a.b", "a0", "b", "z"] for page in pages)
    offset_view = listing(client, auth("u1"), recursive="false")
    assert offset_view["folders"] == ["a", "a b", "a.b", "a0", "b", "z"]
    assert offset_view["pagination"]["total_items"] == 4


def test_folder_view_of_a_deeper_folder_and_with_filters(client, auth):
    make_tree(client, auth, [*TREE, "a/deep/y.txt", "a/deep2/z.txt", "a/deep.txt"])
    view = listing(client, auth("u1"), path="a/", recursive="false")
    assert [f["logical_path"] for f in view["files"]] == ["a/deep.txt", "a/one.txt"]
    assert view["folders"] == ["deep", "deep2"]
    nothing = listing(client, auth("u1"), path="a", recursive="false", status="validated")
    assert nothing["files"] == [] and nothing["folders"] == []


def test_empty_folder_by_cursor(client, auth):
    body = listing(client, auth("u1"), path="never/existed", cursor="")
    assert body == {"files": [], "pagination": {"limit": 50}, "next_cursor": None}


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64!",
        "bm90IGpzb24",  # "not json"
        "WyJhIl0",  # ["a"]
        "WyJhIiwibm90IGEgdXVpZCJd",  # ["a","not a uuid"]
        "WzEsIjEyMzQ1Njc4LTEyMzQtMTIzNC0xMjM0LTEyMzQ1Njc4OTAxMiJd",  # [1, uuid]
        "WyJhXHUwMDAwYiIsIjEyMzQ1Njc4LTEyMzQtMTIzNC0xMjM0LTEyMzQ1Njc4OTAxMiJd",  # NUL in the path
        "WyJcdWQ4MDAiLCIxMjM0NTY3OC0xMjM0LTEyMzQtMTIzNC0xMjM0NTY3ODkwMTIiXQ",  # lone surrogate
        "x" * 5000,
    ],
)
def test_a_cursor_the_service_did_not_give_is_400(client, auth, cursor):
    body = error(
        client.get("/list", query_string={"bucket": "users", "id": "u1", "cursor": cursor}, headers=auth("u1")),
        400,
        "validation_error",
    )
    assert "cursor" in body["errors"], body


@pytest.mark.parametrize("other", [{"page": 2}, {"offset": 0}])
def test_cursor_with_page_or_offset_is_400(client, auth, other):
    response = client.get(
        "/list", query_string={"bucket": "users", "id": "u1", "cursor": "", **other}, headers=auth("u1")
    )
    assert "cursor" in error(response, 400, "validation_error")["errors"]
