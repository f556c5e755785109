"""GET /thumbnail over HTTP: made with Pillow on first request, stored by version and size, cached for good.

Hostile cases first: files that are not one of the four image formats, pixel bombs, sources over the byte cap, callers
without read access, a busy gate; then what a thumbnail is, its caching, and its removal with its version.
"""

from __future__ import annotations

import io
import threading

import pytest
from PIL import Image

from tests.support.files_api import EVERYTHING, error, object_exists, proxy_upload, upload
from tests.support.postgres import open_transactions
from tests.support.recording_proxy import RecordingProxy

TEAM = {("p1", "o1"): ("owner", EVERYTHING), ("p1", "v1"): ("viewer", {"read"})}
PHOTO = {"bucket": "users", "id": "u1", "path": "photos/p.jpg"}


def image_bytes(fmt: str, size=(800, 600), color=(200, 30, 30), **save) -> bytes:
    out = io.BytesIO()
    mode = "RGBA" if fmt in ("PNG", "WEBP") else "RGB"
    Image.new(mode, size, color).save(out, fmt, **save)
    return out.getvalue()


def animated_gif() -> bytes:
    """Two frames: red first, then blue; the thumbnail is of the first."""
    frames = [Image.new("RGB", (300, 200), c) for c in ((255, 0, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def thumbnail(client, headers, expect=200, **query):
    response = client.get("/thumbnail", query_string={**PHOTO, **query}, headers=headers)
    assert response.status_code == expect, response.get_data(as_text=True)[:300]
    return response


def decoded(response) -> Image.Image:
    assert response.headers["Content-Type"] == "image/webp"
    image = Image.open(io.BytesIO(response.data), formats=["WEBP"])
    image.load()
    return image


# --- hostile ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"just some text, no image at all\n", "notes.txt"),
        (b"plain text dressed up as an image", "fake.png"),
        (image_bytes("BMP"), "bitmap.bmp"),  # an image, but not one of the four formats
        (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", "drawing.eps"),  # never handed to Ghostscript
        (image_bytes("PNG")[:200], "truncated.png"),
    ],
)
def test_anything_but_a_readable_jpeg_png_webp_or_gif_is_415(client, auth, content, name):
    upload(client, auth("u1"), path=f"files/{name}", content=content)
    response = client.get("/thumbnail", query_string={**PHOTO, "path": f"files/{name}"}, headers=auth("u1"))
    error(response, 415, "unsupported_media_type")


def test_pixel_bombs_are_refused_by_the_decompression_bomb_guard(make_app, auth):
    app = make_app("minio", THUMBNAIL_MAX_PIXELS=1_000_000)
    client = app.test_client()
    # 1-bit images compress to almost nothing whatever their size: a few KB that would decode to 25 million pixels
    for path, size in (("bomb.png", (5000, 5000)), ("warned.png", (1100, 1000))):
        out = io.BytesIO()
        Image.new("1", size).save(out, "PNG")
        assert len(out.getvalue()) < 50_000
        upload(client, auth("u1"), path=path, content=out.getvalue())
        body = error(thumbnail(client, auth("u1"), expect=415, path=path), 415, "unsupported_media_type")
        assert "THUMBNAIL_MAX_PIXELS" in body["detail"]
    upload(client, auth("u1"), path="fine.png", content=image_bytes("PNG", (1000, 1000)))
    assert decoded(thumbnail(client, auth("u1"), path="fine.png")).size == (256, 256)


def test_a_source_over_the_byte_cap_is_not_read(make_app, auth):
    app = make_app("minio", THUMBNAIL_MAX_SOURCE_BYTES=2000)
    client = app.test_client()
    upload(client, auth("u1"), path="photos/p.jpg", content=image_bytes("JPEG", (800, 600), quality=95))
    body = error(thumbnail(client, auth("u1"), expect=415), 415, "unsupported_media_type")
    assert "THUMBNAIL_MAX_SOURCE_BYTES" in body["detail"]


def test_read_access_is_exactly_that_of_downloads(client, auth, team):
    data = upload(client, auth("u1"), path=PHOTO["path"], content=image_bytes("JPEG"))
    error(thumbnail(client, auth("u2"), expect=403), 403, "access_denied")
    error(
        client.get("/thumbnail", query_string={"file_id": data["file_id"]}, headers=auth("u2")), 404, "file_not_found"
    )
    error(client.get("/thumbnail", query_string=PHOTO), 401, "missing_jwt_token")
    spec = {"bucket": "projects", "id": "p1", "path": "plan.png"}
    proxy_upload(client, auth("o1"), spec, image_bytes("PNG"))
    assert client.get("/thumbnail", query_string=spec, headers=auth("v1")).status_code == 200  # a viewer reads
    error(client.get("/thumbnail", query_string=spec, headers=auth("x1")), 403, "access_denied")


@pytest.mark.parametrize("query", [{"size": 100}, {"size": "big"}, {"size": 0}, {"version": 0}])
def test_bounded_input(client, auth, query):
    upload(client, auth("u1"), path=PHOTO["path"], content=image_bytes("JPEG"))
    error(client.get("/thumbnail", query_string={**PHOTO, **query}, headers=auth("u1")), 400, "validation_error")


def test_a_busy_gate_answers_429_but_stored_thumbnails_and_other_requests_go_on(make_app, auth):
    app = make_app("minio", THUMBNAIL_CONCURRENCY=1, THUMBNAIL_WAIT=0.2)
    client = app.test_client()
    upload(client, auth("u1"), path=PHOTO["path"], content=image_bytes("JPEG"))
    upload(client, auth("u1"), path="photos/q.jpg", content=image_bytes("JPEG"))
    thumbnail(client, auth("u1"), size=64)  # stored now
    gate = app.extensions["thumbnail_gate"]
    gate.enter()  # the one slot is taken, as by a long decode in another thread
    try:
        busy = error(thumbnail(client, auth("u1"), expect=429, path="photos/q.jpg"), 429, "rate_limited")
        assert busy is not None
        assert thumbnail(client, auth("u1"), expect=429, path="photos/q.jpg").headers["Retry-After"] == "2"
        assert thumbnail(client, auth("u1"), size=64).status_code == 200  # made before: no slot needed
        assert client.get("/metadata", query_string=PHOTO, headers=auth("u1")).status_code == 200
    finally:
        gate.leave()
    assert thumbnail(client, auth("u1"), path="photos/q.jpg").status_code == 200


def test_a_slot_frees_for_a_waiting_request(make_app, auth):
    app = make_app("minio", THUMBNAIL_CONCURRENCY=1, THUMBNAIL_WAIT=30)
    client = app.test_client()
    upload(client, auth("u1"), path=PHOTO["path"], content=image_bytes("JPEG"))
    thumbnail(client, auth("u1"), size=64)
    gate = app.extensions["thumbnail_gate"]
    gate.enter()
    threading.Timer(0.3, gate.leave).start()
    assert thumbnail(client, auth("u1"), size=256).status_code == 200


# --- what a thumbnail is ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "content"),
    [
        ("JPEG", image_bytes("JPEG", (1600, 1200))),
        ("PNG", image_bytes("PNG", (1600, 1200), color=(0, 128, 0, 128))),
        ("WEBP", image_bytes("WEBP", (1200, 1600))),
        ("GIF", animated_gif()),
    ],
)
def test_each_format_gets_a_webp_no_larger_than_asked_cached_for_good(make_app, auth, backend, fmt, content):
    app = make_app(backend)
    client = app.test_client()
    data = upload(client, auth("u1"), path=PHOTO["path"], content=content)
    for size in (64, 256, 1024):
        response = thumbnail(client, auth("u1"), size=size)
        image = decoded(response)
        assert max(image.size) <= size and max(image.size) == min(size, max(Image.open(io.BytesIO(content)).size))
        assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"
        assert response.headers["ETag"] == f'"thumb-{data["version_id"]}-{size}-1"'
        assert object_exists(app, f"{data['object_key']}.thumb-{size}")
    if fmt == "GIF":
        red, green, blue = decoded(thumbnail(client, auth("u1"), size=64)).convert("RGB").getpixel((10, 10))
        assert red > 200 and blue < 50  # the first frame
    if fmt == "PNG":
        assert decoded(thumbnail(client, auth("u1"), size=64)).mode == "RGBA"  # transparency kept

    again = thumbnail(client, auth("u1"), size=256)
    cached = client.get(
        "/thumbnail",
        query_string={**PHOTO, "size": 256},
        headers={**auth("u1"), "If-None-Match": again.headers["ETag"]},
    )
    assert cached.status_code == 304 and cached.data == b""
    assert cached.headers["ETag"] == again.headers["ETag"]


def test_a_new_version_gets_its_own_thumbnail_and_old_versions_keep_theirs(client, auth):
    first = upload(client, auth("u1"), path=PHOTO["path"], content=image_bytes("JPEG", color=(255, 0, 0)))
    upload(client, auth("u1"), path=PHOTO["path"], content=image_bytes("JPEG", color=(0, 0, 255)))
    newest = decoded(thumbnail(client, auth("u1"), size=64)).getpixel((5, 5))
    oldest = thumbnail(client, auth("u1"), size=64, version=1)
    assert newest[2] > 200 and decoded(oldest).getpixel((5, 5))[0] > 200
    assert oldest.headers["ETag"] == f'"thumb-{first["version_id"]}-64-1"'


def test_thumbnails_go_with_their_version_when_the_file_is_purged(app, client, auth):
    data = upload(client, auth("u1"), path=PHOTO["path"], content=image_bytes("PNG"))
    for size in (64, 1024):
        thumbnail(client, auth("u1"), size=size)
    keys = [f"{data['object_key']}.thumb-{size}" for size in (64, 1024)]
    assert all(object_exists(app, key) for key in keys)
    purged = client.delete("/delete", json={"file_id": data["file_id"], "physical": True}, headers=auth("u1"))
    assert purged.status_code == 200
    assert not any(object_exists(app, key) for key in keys)
    assert not object_exists(app, data["object_key"])


def test_reconcile_keeps_live_thumbnails_and_reports_orphaned_ones(make_app, auth):
    app = make_app("minio", RECONCILE_GRACE_SECONDS=0)
    client = app.test_client()
    data = upload(client, auth("u1"), path=PHOTO["path"], content=image_bytes("PNG"))
    thumbnail(client, auth("u1"), size=64)
    with app.app_context():
        from app.services.common import physical_bucket, store
        from app.services.maintenance import reconcile

        orphan = "u1/0123456789abcdef0123456789abcdef.thumb-64"  # a thumbnail of no version
        store().put_stream(physical_bucket("users"), orphan, io.BytesIO(b"x"), content_type="image/webp")
        found = {drift.object_key for drift in reconcile().orphan_objects}
    assert orphan in found and f"{data['object_key']}.thumb-64" not in found


@pytest.mark.parametrize(
    "image",
    [
        Image.linear_gradient("L").resize((512, 512)).convert("I").point(lambda v: v * 256).convert("I;16"),
        Image.new("CMYK", (512, 300), (0, 255, 255, 0)),
        Image.new("LA", (512, 300), (90, 128)),
        Image.new("1", (512, 300), 1),
    ],
    ids=["16-bit grey PNG", "CMYK JPEG", "grey with alpha PNG", "1-bit PNG"],
)
def test_uncommon_pixel_modes_get_a_thumbnail_too(client, auth, image):
    out = io.BytesIO()
    image.save(out, "JPEG" if image.mode == "CMYK" else "PNG")
    upload(client, auth("u1"), path="photos/mode.png", content=out.getvalue())
    thumb = decoded(thumbnail(client, auth("u1"), size=64, path="photos/mode.png"))
    assert max(thumb.size) == 64


def test_no_transaction_is_open_while_a_thumbnail_is_made(make_app, seaweed, database_url, auth):
    proxy = RecordingProxy(seaweed.endpoint).start()
    try:
        app = make_app("minio", MINIO_ENDPOINT=proxy.endpoint)
        client = app.test_client()
        data = upload(client, auth("u1"), path=PHOTO["path"], content=image_bytes("JPEG"))
        bucket = app.config["BUCKET_USERS"]
        seen = []

        def look(method: str, path: str) -> None:
            if path.startswith(f"/{bucket}/{data['object_key']}"):  # the source read, the thumbnail's stat and write
                seen.append((method, open_transactions(database_url)))

        proxy.on_request = look
        thumbnail(client, auth("u1"), size=64)
        proxy.on_request = None
    finally:
        proxy.stop()
    assert {method for method, _ in seen} >= {"GET", "PUT"}
    assert [count for _, count in seen] == [0] * len(seen)
