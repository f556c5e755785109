"""The OpenAPI document the fuzzer runs on: the code's own spec plus OpenAPI links between operations.

The links live here rather than in the views: they describe how a client chains calls (upload → metadata → lock →
copy → commit → approve …), which is test knowledge; the spec under test is otherwise taken unchanged.
"""

from __future__ import annotations

import copy
import tempfile
from typing import Any

import schemathesis

FILE_ID = "$response.body#/data/file_id"

# Operations that answer with a command whose `data.file_id` names a live file, and the status they do it with.
# Confirm, approve and reject produce files too, but get no outgoing links: schemathesis starts scenarios only
# from operations with outgoing links and, when any of them takes no address (these three), only from those;
# every address-taking operation looks to its dependency analysis like a consumer of an unknown "Bucket" resource.
FILE_PRODUCERS = {
    ("post", "/upload/proxy"): "201",
    ("post", "/copy"): "201",
    ("post", "/versions/commit"): "201",
}


def operation_ref(method: str, path: str) -> str:
    """An `operationRef` JSON pointer (RFC 6901 escaping of `/` and `~`)."""
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method


def _link(
    method: str, path: str, *, parameters: dict | None = None, body: dict | None = None, exact: bool = False
) -> dict:
    """A link; `exact`: the body is the link's body alone (else its fields are merged into a generated body)."""
    link: dict[str, Any] = {"operationRef": operation_ref(method, path)}
    if parameters:
        link["parameters"] = parameters
    if body:
        link["requestBody"] = body
    if exact:
        link["x-schemathesis"] = {"merge_body": False}
    return link


def _file_links(file_id: str) -> dict[str, dict]:
    """Everything a client does next with a file it has just created, named by id."""
    return {
        "GetMetadata": _link("get", "/metadata", parameters={"query.file_id": file_id}),
        "UpdateMetadata": _link("patch", "/metadata", parameters={"query.file_id": file_id}),
        "ListVersions": _link("get", "/versions", parameters={"query.file_id": file_id}),
        "ListLocks": _link("get", "/locks", parameters={"query.file_id": file_id}),
        "Download": _link("get", "/download/proxy", parameters={"query.file_id": file_id}),
        "PresignDownload": _link("get", "/download/presign", parameters={"query.file_id": file_id}),
        "PresignDownloadPost": _link("post", "/download/presign", body={"file_id": file_id}),
        "Lock": _link("post", "/lock", body={"file_id": file_id}),
        # The copy lands beside the original's id, so each source gets one fresh target (a second copy is 409).
        "Copy": _link(
            "post",
            "/copy",
            body={
                "source_file_id": file_id,
                "target_bucket": "users",
                "target_id": "u1",
                "target_path": "work/{" + file_id + "}.txt",
            },
            exact=True,
        ),
        "Delete": _link("delete", "/delete", body={"file_id": file_id}),
        "Share": _link("post", "/share", body={"file_id": file_id}, exact=True),
        "Thumbnail": _link("get", "/thumbnail", parameters={"query.file_id": file_id}),
        "Move": _link(
            "post",
            "/move",
            body={
                "source_file_id": file_id,
                "target_bucket": "users",
                "target_id": "u1",
                "target_path": "moved/{" + file_id + "}.txt",
            },
            exact=True,
        ),
    }


def links() -> dict[tuple[str, str, str], dict[str, dict]]:
    """(method, path, status) → {link name: link object}."""
    result: dict[tuple[str, str, str], dict[str, dict]] = {
        (method, path, status): _file_links(FILE_ID) for (method, path), status in FILE_PRODUCERS.items()
    }
    result[("post", "/upload/presign", "200")] = {
        "Confirm": _link("post", "/upload/confirm", body={"upload_id": "$response.body#/upload_id"})
    }
    result[("post", "/lock", "200")] = {
        "Unlock": _link("post", "/unlock", body={"file_id": FILE_ID}),
        "ListLocks": _link("get", "/locks", parameters={"query.file_id": FILE_ID}),
    }
    # A working copy goes back into its original as a new version based on the version it was taken from.
    result[("post", "/copy", "201")].update(
        {
            "Commit": _link(
                "post",
                "/versions/commit",
                body={
                    "source_file_id": FILE_ID,
                    "file_id": "$response.body#/data/source_file_id",
                    "base_version": "$response.body#/data/base_version_number",
                    "message": "merged from the working copy",
                },
                exact=True,
            ),
            "UnlockSource": _link("post", "/unlock", body={"file_id": "$response.body#/data/source_file_id"}),
        }
    )
    version_id = "$response.body#/data/version_id"
    result[("post", "/versions/commit", "201")].update(
        {
            "Approve": _link("post", "/versions/{version_id}/approve", parameters={"path.version_id": version_id}),
            "Reject": _link("post", "/versions/{version_id}/reject", parameters={"path.version_id": version_id}),
        }
    )
    newest = "$response.body#/versions/0/id"
    result[("get", "/versions", "200")] = {
        "ApproveNewest": _link("post", "/versions/{version_id}/approve", parameters={"path.version_id": newest}),
        "RejectNewest": _link("post", "/versions/{version_id}/reject", parameters={"path.version_id": newest}),
    }
    # A multipart session: its parts' URLs, what it holds, its completion or its end.
    session = {"path.upload_id": "$response.body#/data/upload_id"}
    result[("post", "/upload/multipart", "201")] = {
        "PartUrls": _link(
            "post", "/upload/multipart/{upload_id}/parts", parameters=session, body={"part_numbers": [1]}, exact=True
        ),
        "MultipartStatus": _link("get", "/upload/multipart/{upload_id}", parameters=session),
        "MultipartComplete": _link("post", "/upload/multipart/{upload_id}/complete", parameters=session),
        "MultipartAbort": _link("delete", "/upload/multipart/{upload_id}", parameters=session),
    }
    # A share link: served without login, listed with its file, revoked.
    result[("post", "/share", "201")] = {
        "SharedDownload": _link("get", "/s/{token}", parameters={"path.token": "$response.body#/data/token"}),
        "ListShares": _link("get", "/share", parameters={"query.file_id": FILE_ID}),
        "Revoke": _link("delete", "/share/{share_id}", parameters={"path.share_id": "$response.body#/data/id"}),
    }
    # After a delete the file must be gone for readers.
    result[("delete", "/delete", "200")] = {
        "GetDeleted": _link("get", "/metadata", parameters={"query.file_id": FILE_ID}),
    }
    return result


def with_links(spec: dict) -> dict:
    """A copy of `spec` with the links above added to its response objects."""
    spec = copy.deepcopy(spec)
    paths = spec["paths"]
    for (method, path, status), named in links().items():
        operation = paths[path][method]
        # The links name operations by reference; one the spec does not have is left out.
        named = {name: link for name, link in named.items() if _resolves(paths, link["operationRef"])}
        response = operation["responses"][status]
        if "$ref" in response:  # a shared response object: give this operation its own copy
            name = response["$ref"].rsplit("/", 1)[-1]
            response = operation["responses"][status] = copy.deepcopy(spec["components"]["responses"][name])
        response.setdefault("links", {}).update(named)
    return spec


def _resolves(paths: dict, reference: str) -> bool:
    path, method = reference.removeprefix("#/paths/").rsplit("/", 1)
    return method in paths.get(path.replace("~1", "/").replace("~0", "~"), {})


def render_spec() -> dict:
    """The spec exactly as the service serves it (rendered without a database or object store)."""
    from app import create_app

    workdir = tempfile.mkdtemp(prefix="storage-spec-")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{workdir}/spec.db", LOCAL_STORAGE_PATH=workdir)
    response = app.test_client().get("/openapi.json")
    assert response.status_code == 200, response.text
    return response.get_json()


def load_schema(spec: dict, *, stateful: bool = False, coverage: str = "positive") -> schemathesis.BaseSchema:
    """A schemathesis schema over `spec` (with links when `stateful`), sending positive and negative data.

    `coverage`: "off", "positive" (every boundary and enum value the spec allows) or "full" (also every way to
    break each constraint, and undeclared methods: about four times as many requests).
    """
    schema = schemathesis.openapi.from_dict(with_links(spec) if stateful else copy.deepcopy(spec))
    schema.config.generation.update(modes=["positive", "negative"])
    phase = schema.config.phases.coverage
    phase.enabled = coverage != "off"
    if coverage == "positive":
        phase.generation.update(modes=["positive"])
        phase.unexpected_methods = set()
    # Only the links above: inferred ones take `bucket_id` for a reference to a "Bucket" resource.
    schema.config.phases.stateful.inference.algorithms = []
    return schema
