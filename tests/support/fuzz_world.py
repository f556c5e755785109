"""Known state for the fuzzer: seeded files, fresh resources made on demand, and steering of generated requests.

Random addresses almost never name a file that exists, so most generated requests stop at 404 and the logic behind
them is never reached. `FuzzWorld.steer` rewrites the address fields of most generated requests (the rest keep their
random values) to name files created through the API: stable seeded files for reads, fresh files for operations
that consume them (delete, unlock, confirm, commit, approve, reject). All other generated fields are kept.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from PIL import Image

from tests.support.tokens import bearer

USER, COMPANY = "u1", "c1"
OTHER_USER = "u2"  # holds locks on some seeded project files, so u1 meets file_locked and forced-unlock refusals
# (bucket, bucket id) pairs user u1 may write: their own, their company's and projects the fake service allows.
OWNED = (("users", USER), ("companies", COMPANY), ("projects", "p1"), ("projects", "p-2_x"))
FILE_NAMES = ("notes.txt", "Résumé 2024.txt", "日本語 ファイル.txt", "data.json", "a b (1).txt", "report.final.v2.txt")
STEER_SHARE = 0.75  # the share of generated requests whose addresses are rewritten; the rest stay random
ALIASES = (("bucket_type", "bucket"), ("bucket_id", "id"), ("logical_path", "path"))
QUOTA_BUCKET_ID = "fuzz-quota"  # PUT /usage is steered here: limits on it never refuse the world's own uploads
STORAGE_EVENTS_TOKEN = "fuzz-storage-events-token"  # the fuzz app's STORAGE_EVENTS_TOKEN
ADMIN = "fuzz-admin"  # holds the ADMIN_ROLE role: sends the steered PUT /usage


@dataclass(frozen=True)
class KnownFile:
    bucket: str
    bucket_id: str
    path: str
    file_id: str
    version_id: str
    version_number: int


@dataclass(frozen=True)
class WorkingCopy:
    copy: KnownFile
    original: KnownFile
    base_version: int


def case_rng(case) -> random.Random:
    """A random source derived from the generated case, so a replayed case is steered the same way."""
    seed = repr((case.operation.label, case.path_parameters, case.query, case.body))
    return random.Random(zlib.crc32(seed.encode("utf-8", "backslashreplace")))


def _container(case, attribute: str) -> dict:
    """The case's query or body as a dict (a negative body may be a list or a string: it is replaced)."""
    value = getattr(case, attribute)
    if not isinstance(value, dict):
        value = {}
        setattr(case, attribute, value)
    return value


def _clear_address(container: dict, prefix: str = "", id_field: str | None = "file_id") -> None:
    for names in ALIASES:
        for name in names:
            container.pop(prefix + name, None)
    if id_field:
        container.pop(id_field, None)


def put_address(
    container: dict,
    rng: random.Random,
    bucket: str,
    bucket_id: str,
    path: str,
    *,
    prefix: str = "",
    file_id: str | None = None,
    id_field: str | None = "file_id",
) -> None:
    """Name (bucket, bucket_id, path) — or `file_id` — in one of the accepted field-name forms (contract §1)."""
    _clear_address(container, prefix, id_field)
    forms = ["short", "long", "readme"] + (["id", "id"] if file_id and id_field else [])
    form = rng.choice(forms)
    if form == "id":
        container[id_field] = file_id
        return
    shown = rng.choice([path, "/" + path])
    if form == "short":
        container.update({prefix + "bucket": bucket, prefix + "id": bucket_id, prefix + "path": shown})
    elif form == "long":
        container.update(
            {prefix + "bucket_type": bucket, prefix + "bucket_id": bucket_id, prefix + "logical_path": shown}
        )
    else:
        container.update({prefix + "bucket": bucket, prefix + "path": f"/{bucket}/{bucket_id}/{path}"})


def put_file(
    container: dict, rng: random.Random, file: KnownFile, *, prefix: str = "", id_field: str | None = "file_id"
):
    put_address(
        container, rng, file.bucket, file.bucket_id, file.path, prefix=prefix, file_id=file.file_id, id_field=id_field
    )


def _maybe(rng: random.Random, container: dict, name: str, make: Callable[[], Any], *, keep: float = 0.3) -> None:
    """Keep the generated value of `name` with probability `keep`; else drop it or set a value from `make`."""
    roll = rng.random()
    if roll < keep:
        return
    if roll < keep + (1 - keep) / 2:
        container.pop(name, None)
    else:
        container[name] = make()


class FuzzWorld:
    """Files created through the API as user u1 (company c1), and the steering that points requests at them."""

    def __init__(self, app) -> None:
        self.app = app
        self.client = app.test_client()
        self.headers = bearer(USER, company_id=COMPANY)
        self.stable: list[KnownFile] = []
        self._as_admin: set[int] = set()  # ids of steered cases sent with an administrator's token (PUT /usage)
        self.steerers: dict[str, Callable[[Any, random.Random], None]] = {
            "GET /list": self._steer_list,
            "GET /metadata": self._steer_read,
            "PATCH /metadata": self._steer_patch,
            "DELETE /delete": self._steer_delete,
            "GET /download/proxy": self._steer_download,
            "GET /download/presign": self._steer_download,
            "POST /download/presign": self._steer_download,
            "POST /upload/proxy": self._steer_proxy_upload,
            "POST /upload/presign": self._steer_presign_upload,
            "POST /upload/confirm": self._steer_confirm,
            "POST /copy": self._steer_copy,
            "POST /lock": self._steer_lock,
            "POST /unlock": self._steer_unlock,
            "GET /locks": self._steer_locks,
            "GET /versions": self._steer_read,
            "POST /versions/commit": self._steer_commit,
            "POST /versions/{version_id}/approve": self._steer_decision,
            "POST /versions/{version_id}/reject": self._steer_decision,
            "GET /trash": self._steer_trash,
            "POST /restore": self._steer_restore_file,
            "POST /versions/{version_id}/restore": self._steer_restore_version,
            "GET /usage": self._steer_usage,
            "PUT /usage": self._steer_set_limits,
            # share links, moves and thumbnails (docs/sharing.md)
            "POST /share": self._steer_share,
            "GET /share": self._steer_shares,
            "DELETE /share/{share_id}": self._steer_revoke,
            "GET /s/{token}": self._steer_shared_download,
            "POST /move": self._steer_move,
            "GET /thumbnail": self._steer_thumbnail,
            # resumable multipart uploads and folder downloads (docs/uploads.md)
            "POST /upload/multipart": self._steer_multipart_start,
            "POST /upload/multipart/{upload_id}/parts": self._steer_multipart_parts,
            "GET /upload/multipart/{upload_id}": self._steer_multipart_session,
            "POST /upload/multipart/{upload_id}/complete": self._steer_multipart_complete,
            "DELETE /upload/multipart/{upload_id}": self._steer_multipart_session,
            "GET /download/zip": self._steer_zip,
            # bucket notifications from the object store (docs/operations.md)
            "POST /internal/storage-events": self._steer_storage_events,
        }
        self._image: KnownFile | None = None

    # --- requests the fixtures make (any unexpected answer is a broken fixture, not a finding) ---

    def request(self, method: str, path: str, expect: int, **kwargs) -> dict:
        response = self.client.open(path, method=method, headers=self.headers, **kwargs)
        if response.status_code != expect:
            raise AssertionError(f"fixture {method} {path} answered {response.status_code}: {response.text[:500]}")
        return response.get_json() if response.is_json else {}

    def upload(self, bucket: str, bucket_id: str, path: str, content: bytes | None = None) -> KnownFile:
        content = content if content is not None else f"fuzz seed {path}\n".encode()
        # Address fields first: the service reads them before the file part (contract §9).
        form = {"bucket": bucket, "id": bucket_id, "path": path, "file": (io.BytesIO(content), path.rsplit("/", 1)[-1])}
        data = self.request("POST", "/upload/proxy", 201, data=form, content_type="multipart/form-data")["data"]
        return KnownFile(bucket, bucket_id, path, data["file_id"], data["version_id"], data["version_number"])

    def seed(self) -> None:
        """Stable files in every owned bucket, two folder levels deep, with a second version each."""
        for bucket, bucket_id in OWNED:
            for name in ("seed/notes.txt", "seed/sub/data.json", "seed/Résumé 2024.txt"):
                self.upload(bucket, bucket_id, name)
                self.stable.append(self.upload(bucket, bucket_id, name, f"second version of {name}\n".encode()))
        for name in ("seed/locked/a.txt", "seed/locked/b.txt"):
            file = self.upload("projects", "p1", name)
            answer = self.client.post("/lock", json={"file_id": file.file_id}, headers=bearer(OTHER_USER))
            assert answer.status_code == 200, answer.text
            self.stable.append(file)

    def fresh_path(self, rng: random.Random) -> str:
        return f"fuzz/{uuid.uuid4().hex[:12]}/{rng.choice(FILE_NAMES)}"

    def fresh_file(self, rng: random.Random, owner: tuple[str, str] | None = None) -> KnownFile:
        bucket, bucket_id = owner or rng.choice(OWNED)
        return self.upload(bucket, bucket_id, self.fresh_path(rng))

    def lock(self, file: KnownFile) -> None:
        self.request("POST", "/lock", 200, json={"file_id": file.file_id})

    def working_copy(self, rng: random.Random) -> WorkingCopy:
        """A file in u1's own bucket (so u1 may validate its versions) and a copy taken from it, the source locked."""
        original = self.fresh_file(rng, ("users", USER))
        target = rng.choice(OWNED)
        body = {"source_file_id": original.file_id, "target_bucket": target[0], "target_id": target[1]}
        body["target_path"] = self.fresh_path(rng)
        data = self.request("POST", "/copy", 201, json=body)["data"]
        copy = KnownFile(target[0], target[1], data["destination_path"], data["file_id"], "", 1)
        return WorkingCopy(copy, original, data["base_version_number"])

    def pending_version(self, rng: random.Random) -> str:
        work = self.working_copy(rng)
        body = {"source_file_id": work.copy.file_id, "file_id": work.original.file_id, "message": "fuzz"}
        return self.request("POST", "/versions/commit", 201, json=body)["data"]["version_id"]

    def presigned_upload(self, rng: random.Random) -> str:
        """An upload intent whose bytes were sent to the presigned URL; returns the upload id."""
        return self.presigned_object(rng)["upload_id"]

    def presigned_object(self, rng: random.Random) -> dict:
        """The presign answer of an upload whose bytes were sent, with `bucket`: the physical bucket it went to."""
        content = f"presigned {uuid.uuid4().hex}\n".encode()
        bucket, bucket_id = rng.choice(OWNED)
        body = {"bucket": bucket, "id": bucket_id, "path": self.fresh_path(rng), "method": rng.choice(["PUT", "POST"])}
        body.update(size=len(content), content_type="text/plain")
        answer = self.request("POST", "/upload/presign", 200, json=body)
        status = self.send_presigned(answer, content)
        if status not in (200, 201, 204):
            raise AssertionError(f"the presigned {answer['method']} answered {status}")
        return {**answer, "bucket": self.client.application.config[f"BUCKET_{bucket.upper()}"]}

    def send_presigned(self, answer: dict, content: bytes) -> int:
        """Do what a client does with a presign answer: PUT the bytes, or POST the form with the file last."""
        url = urlsplit(answer["url"])
        local = url.path.startswith("/local-store/")
        if answer["method"] == "PUT":
            headers = answer.get("headers") or {}
            if local:
                return self.client.put(url.path, query_string=url.query, data=content, headers=headers).status_code
            return requests.put(answer["url"], data=content, headers=headers, timeout=30).status_code
        fields = answer.get("fields") or {}
        if local:
            form = {**fields, "file": (io.BytesIO(content), "upload.bin")}
            return self.client.post(url.path, data=form, content_type="multipart/form-data").status_code
        return requests.post(
            answer["url"], data=fields, files={"file": ("upload.bin", content)}, timeout=30
        ).status_code

    # --- steering of generated cases ---

    def steer(self, case, *, share: float = STEER_SHARE) -> bool:
        """Point `share` of the generated cases at known state; True when this case was steered.

        Coverage-phase cases (the spec's boundary values) are sent as generated: they test the spec itself.
        """
        if case.meta is not None and case.meta.phase.name.value == "coverage":
            return False
        rng = case_rng(case)
        steerer = self.steerers.get(case.operation.label)
        if steerer is None or rng.random() >= share:
            return False
        steerer(case, rng)
        return True

    def follow_presign(self, case, response) -> None:
        """After a presign, send bytes to the URL as a client would (the declared size when it is small)."""
        if case.operation.label != "POST /upload/presign" or response.status_code != 200:
            return
        declared = case.body.get("size") if isinstance(case.body, dict) else None
        size = declared if isinstance(declared, int) and 0 <= declared <= 65536 else 16
        self.send_presigned(response.json(), b"x" * size)

    def _stable(self, rng: random.Random) -> KnownFile:
        return rng.choice(self.stable)

    def _bounded(self, rng: random.Random, low_setting: str, high_setting: str) -> Callable[[], int]:
        low, high = self.app.config[low_setting], self.app.config[high_setting]
        return lambda: rng.choice([low, high, rng.randint(low, high)])

    def _steer_list(self, case, rng: random.Random) -> None:
        query = _container(case, "query")
        bucket, bucket_id = rng.choice(OWNED)
        folder = rng.choice(["", "/", "seed", "seed/", "/seed/sub", "fuzz", "work"])
        put_address(query, rng, bucket, bucket_id, folder, id_field=None)
        for name in ("page", "limit", "offset"):
            _maybe(rng, query, name, lambda: rng.randint(1, 3))
        if rng.random() < 0.9:  # a cursor only comes from a previous page, and excludes page/offset
            query.pop("cursor", None)

    def _steer_read(self, case, rng: random.Random) -> None:
        put_file(_container(case, "query"), rng, self._stable(rng))

    def _steer_patch(self, case, rng: random.Random) -> None:
        query, body = _container(case, "query"), _container(case, "body")
        _clear_address(body)
        if rng.random() < 0.8:
            put_file(query, rng, self._stable(rng))
        else:  # the address may come in the body instead
            _clear_address(query)
            put_file(body, rng, self._stable(rng))
        if "tags" not in body and "description" not in body:  # a PATCH must change something
            body["description"] = f"described by the fuzzer ({rng.randint(0, 999)})"

    def _steer_delete(self, case, rng: random.Random) -> None:
        put_file(_container(case, "body"), rng, self.fresh_file(rng))

    def _steer_download(self, case, rng: random.Random) -> None:
        container = _container(case, "body" if case.operation.method.upper() == "POST" else "query")
        file = self._stable(rng)
        put_file(container, rng, file)
        _maybe(rng, container, "version", lambda: rng.randint(1, file.version_number))
        _maybe(rng, container, "expires_in", self._bounded(rng, "PRESIGN_MIN_EXPIRY", "PRESIGN_MAX_EXPIRY"))

    def _steer_proxy_upload(self, case, rng: random.Random) -> None:
        form = _container(case, "body")
        if rng.random() < 0.2:
            file = self._stable(rng)  # a new version of an existing file
            put_address(form, rng, file.bucket, file.bucket_id, file.path, id_field=None)
        else:
            put_address(form, rng, *rng.choice(OWNED), self.fresh_path(rng), id_field=None)
        content = form.get("file")
        if not isinstance(content, bytes | str):
            content = form["file"] = rng.randbytes(rng.randint(0, 64))
        # schemathesis wraps generated bytes in `Binary`, a str subclass holding them in `.data`
        raw = getattr(content, "data", None) or (content.encode() if isinstance(content, str) else content)
        _maybe(rng, form, "checksum_sha256", lambda: hashlib.sha256(raw).hexdigest())
        _maybe(rng, form, "tags", lambda: json.dumps({"kind": rng.choice(["a", "b"]), "n": rng.randint(0, 9)}))

    def _steer_presign_upload(self, case, rng: random.Random) -> None:
        body = _container(case, "body")
        put_address(body, rng, *rng.choice(OWNED), self.fresh_path(rng), id_field=None)
        _maybe(rng, body, "content_type", lambda: rng.choice(["text/plain", "application/pdf", "image/png"]))
        _maybe(rng, body, "size", lambda: rng.randint(0, 4096))
        _maybe(rng, body, "checksum_sha256", lambda: hashlib.sha256(b"").hexdigest())
        _maybe(rng, body, "expires_in", self._bounded(rng, "PRESIGN_MIN_EXPIRY", "PRESIGN_MAX_EXPIRY"))
        _maybe(rng, body, "method", lambda: rng.choice(["PUT", "POST"]))

    def _steer_confirm(self, case, rng: random.Random) -> None:
        _container(case, "body")["upload_id"] = self.presigned_upload(rng)

    def _steer_copy(self, case, rng: random.Random) -> None:
        body = _container(case, "body")
        source = self._stable(rng) if rng.random() < 0.5 else self.fresh_file(rng)
        put_file(body, rng, source, prefix="source_", id_field="source_file_id")
        put_address(body, rng, *rng.choice(OWNED), self.fresh_path(rng), prefix="target_", id_field=None)

    def _steer_lock(self, case, rng: random.Random) -> None:
        body = _container(case, "body")
        put_file(body, rng, self._stable(rng) if rng.random() < 0.5 else self.fresh_file(rng))
        _maybe(rng, body, "expires_in", self._bounded(rng, "LOCK_MIN_TTL", "LOCK_MAX_TTL"))

    def _steer_unlock(self, case, rng: random.Random) -> None:
        file = self.fresh_file(rng)
        self.lock(file)
        put_file(_container(case, "body"), rng, file)

    def _steer_locks(self, case, rng: random.Random) -> None:
        query = _container(case, "query")
        roll = rng.random()
        if roll < 0.3:
            _clear_address(query)
        elif roll < 0.6:
            put_address(query, rng, *rng.choice(OWNED), rng.choice(["", "seed", "fuzz/"]), id_field=None)
        else:
            put_file(query, rng, self._stable(rng))

    def _steer_commit(self, case, rng: random.Random) -> None:
        body = _container(case, "body")
        work = self.working_copy(rng)
        put_file(body, rng, work.copy, prefix="source_", id_field="source_file_id")
        put_file(body, rng, work.original, prefix="target_", id_field="file_id")
        _maybe(rng, body, "base_version", lambda: work.base_version, keep=0.1)

    def _steer_decision(self, case, rng: random.Random) -> None:
        case.path_parameters = {**(case.path_parameters or {}), "version_id": self.pending_version(rng)}

    # --- trash, restore and quotas ---

    def headers_for(self, case) -> dict:
        """u1's token, an administrator's for the cases steered to need one, the store's for its notifications."""
        if case.operation.path == "/internal/storage-events":
            return {"Authorization": f"Bearer {STORAGE_EVENTS_TOKEN}"}
        return bearer(ADMIN, roles=["admin"]) if id(case) in self._as_admin else self.headers

    def _steer_storage_events(self, case, rng: random.Random) -> None:
        """Records naming the object of a presigned upload whose bytes arrived (or of nothing, or not a creation)."""
        body = _container(case, "body")
        answer = self.presigned_object(rng)
        key = answer["object_key"] if rng.random() < 0.8 else f"{answer['object_key']}-unknown"
        event = "s3:ObjectCreated:Put" if rng.random() < 0.9 else "s3:ObjectRemoved:Delete"
        body["Records"] = [{"eventName": event, "s3": {"bucket": {"name": answer["bucket"]}, "object": {"key": key}}}]

    def _steer_trash(self, case, rng: random.Random) -> None:
        query = _container(case, "query")
        bucket, bucket_id = rng.choice(OWNED)
        put_address(query, rng, bucket, bucket_id, rng.choice(["", "fuzz", "seed"]), id_field=None)

    def _steer_restore_file(self, case, rng: random.Random) -> None:
        file = self.fresh_file(rng)
        self.request("DELETE", "/delete", 200, json={"file_id": file.file_id})
        _container(case, "body")["file_id"] = file.file_id

    def _steer_restore_version(self, case, rng: random.Random) -> None:
        file = self.fresh_file(rng)
        self.upload(file.bucket, file.bucket_id, file.path, b"second version\n")
        case.path_parameters = {**(case.path_parameters or {}), "version_id": file.version_id}
        if isinstance(case.body, dict):
            _maybe(rng, case.body, "base_version", lambda: 2, keep=0.1)

    def _steer_usage(self, case, rng: random.Random) -> None:
        query = _container(case, "query")
        bucket, bucket_id = rng.choice(OWNED)
        put_address(query, rng, bucket, bucket_id, "", id_field=None)
        for name in ("path", "logical_path"):
            query.pop(name, None)

    def _steer_set_limits(self, case, rng: random.Random) -> None:
        """An administrator sets limits on a bucket nothing else uses (so the world's own uploads never hit them)."""
        query = _container(case, "query")
        _clear_address(query, id_field=None)
        query.update(bucket="companies", id=QUOTA_BUCKET_ID)
        self._as_admin.add(id(case))

    # --- share links, moves and thumbnails ---

    def share_link(self, rng: random.Random) -> dict:
        """A fresh link to a stable file; its `id` and `token`."""
        return self.request("POST", "/share", 201, json={"file_id": self._stable(rng).file_id})["data"]

    def _steer_share(self, case, rng: random.Random) -> None:
        body = _container(case, "body")
        put_file(body, rng, self._stable(rng))
        if rng.random() < 0.9:  # a random version id is some other file's, or none at all
            body.pop("version_id", None)
        _maybe(rng, body, "expires_in", self._bounded(rng, "SHARE_MIN_EXPIRY", "SHARE_MAX_EXPIRY"))

    def _steer_shares(self, case, rng: random.Random) -> None:
        query = _container(case, "query")
        if rng.random() < 0.5:
            _clear_address(query)
        else:
            put_file(query, rng, self._stable(rng))

    def _steer_revoke(self, case, rng: random.Random) -> None:
        case.path_parameters = {**(case.path_parameters or {}), "share_id": self.share_link(rng)["id"]}

    def _steer_shared_download(self, case, rng: random.Random) -> None:
        case.path_parameters = {**(case.path_parameters or {}), "token": self.share_link(rng)["token"]}

    def _steer_move(self, case, rng: random.Random) -> None:
        body = _container(case, "body")
        body.pop("file_id", None)  # the alias of source_file_id: two different ids are a 400
        put_file(body, rng, self.fresh_file(rng), prefix="source_", id_field="source_file_id")
        put_address(body, rng, *rng.choice(OWNED), self.fresh_path(rng), prefix="target_", id_field=None)

    def _steer_thumbnail(self, case, rng: random.Random) -> None:
        if self._image is None:
            image = io.BytesIO()
            Image.new("RGB", (300, 200), (200, 40, 40)).save(image, "PNG")
            self._image = self.upload("users", USER, "seed/picture.png", image.getvalue())
        query = _container(case, "query")
        put_file(query, rng, self._image)
        _maybe(rng, query, "version", lambda: 1)

    # --- resumable multipart uploads and folder downloads ---

    def multipart_session(self, rng: random.Random, *, send: bool = False) -> str:
        """A fresh multipart session of a small file (one part); with `send`, its part stored. Returns its id."""
        content = f"multipart {uuid.uuid4().hex}\n".encode()
        body = {"bucket": "users", "id": USER, "path": self.fresh_path(rng), "size": len(content)}
        upload_id = self.request("POST", "/upload/multipart", 201, json=body)["data"]["upload_id"]
        if send:
            parts = self.request("POST", f"/upload/multipart/{upload_id}/parts", 200, json={"part_numbers": [1]})
            status = self.send_presigned({"method": "PUT", "url": parts["parts"][0]["url"]}, content)
            if status != 200:
                raise AssertionError(f"the part PUT answered {status}")
        return upload_id

    def _steer_multipart_start(self, case, rng: random.Random) -> None:
        body = _container(case, "body")
        put_address(body, rng, *rng.choice(OWNED), self.fresh_path(rng), id_field=None)
        body["size"] = rng.randint(1, 64 * 1024 * 1024)
        _maybe(rng, body, "content_type", lambda: rng.choice(["text/plain", "application/pdf"]))

    def _steer_multipart_parts(self, case, rng: random.Random) -> None:
        case.path_parameters = {**(case.path_parameters or {}), "upload_id": self.multipart_session(rng)}
        if isinstance(case.body, dict):
            case.body["part_numbers"] = [1]
            _maybe(rng, case.body, "expires_in", self._bounded(rng, "PRESIGN_MIN_EXPIRY", "PRESIGN_MAX_EXPIRY"))

    def _steer_multipart_session(self, case, rng: random.Random) -> None:
        upload_id = self.multipart_session(rng, send=rng.random() < 0.5)
        case.path_parameters = {**(case.path_parameters or {}), "upload_id": upload_id}

    def _steer_multipart_complete(self, case, rng: random.Random) -> None:
        upload_id = self.multipart_session(rng, send=True)
        case.path_parameters = {**(case.path_parameters or {}), "upload_id": upload_id}

    def _steer_zip(self, case, rng: random.Random) -> None:
        query = _container(case, "query")
        bucket, bucket_id = rng.choice(OWNED)
        put_address(query, rng, bucket, bucket_id, rng.choice(["", "seed", "seed/sub", "fuzz"]), id_field=None)
