"""The web page in a real browser: sign in, upload with progress, list, download, lock, commit, approve, reject,
delete; readable at 320 px; every main action reachable by keyboard; nothing blocked by the page's own CSP."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from app.ui import PRESIGN_THRESHOLD

pytestmark = pytest.mark.integration

# Collects the page's upload-progress events (dispatched by ui.js from XMLHttpRequest upload progress events).
RECORD_PROGRESS = """
window.__progress = [];
document.addEventListener("upload-progress", (event) => window.__progress.push(event.detail));
"""

# Drops files (name, text) on an element, as a person dragging them from their desktop would.
DROP = """(zone, files) => {
    const transfer = new DataTransfer();
    for (const [name, text] of files) transfer.items.add(new File([text], name, {type: "text/plain"}));
    for (const type of ["dragenter", "dragover", "drop"]) {
        zone.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: transfer}));
    }
}"""


def folder_url(server, bucket="users", bucket_id="u1", path=""):
    query = f"bucket={bucket}&id={bucket_id}" + (f"&path={path}" if path else "")
    return f"{server.url}/ui/?{query}"


def write_file(tmp_path: Path, name: str, size: int) -> Path:
    path = tmp_path / name
    path.write_bytes(os.urandom(size))
    return path


def upload(page, files: list[Path]) -> None:
    """Pick files in the upload form and wait until every one has finished."""
    page.set_input_files("#upload-input", [str(f) for f in files])
    for f in files:
        row = page.locator("#uploads li", has_text=f.name)
        expect(row.locator(".state")).to_have_text(re.compile(r"^(done|failed)"), timeout=60_000)
        expect(row.locator(".state")).to_contain_text("done")


def submit(page, form_heading: str, message: str) -> None:
    """Press the submit button of the action form headed `form_heading`; wait for the page's confirmation."""
    form = page.locator("form", has=page.get_by_role("heading", name=form_heading, exact=True))
    form.locator("button[type=submit]").click()
    expect(page.locator("#status")).to_have_text(message)


def open_file(page, server, path: str) -> None:
    page.goto(f"{server.url}/ui/file?bucket=users&id=u1&path={path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(path.rpartition("/")[2])


def test_a_person_uploads_reviews_and_deletes_a_file(signed_in, server, seaweed, screenshot, tmp_path):
    page = signed_in
    page.add_init_script(RECORD_PROGRESS)
    requests_seen: list[tuple[str, str]] = []
    page.on("request", lambda request: requests_seen.append((request.method, request.url)))

    page.goto(f"{server.url}/ui")
    expect(page.get_by_role("heading", level=1)).to_have_text("My files")
    expect(page.get_by_text("Signed in as u1")).to_be_visible()
    screenshot(page, "01-my-files-empty")

    # Upload: a small file through the service, a large one straight to the S3 server (presigned PUT).
    small = write_file(tmp_path, "report.txt", 20_000)
    large = write_file(tmp_path, "scan.bin", PRESIGN_THRESHOLD + 1_000_000)
    page.fill("#upload-subfolder", "docs")
    upload(page, [small, large])
    screenshot(page, "02-uploaded")
    progress = page.evaluate("window.__progress")
    for f in (small, large):
        events = [e for e in progress if e["name"] == f.name]
        assert events, f"no upload progress event for {f.name}"
        loaded = [e["loaded"] for e in events]
        assert loaded == sorted(loaded)
        assert events[-1]["loaded"] == events[-1]["total"] >= f.stat().st_size
        bar = page.locator("#uploads li", has_text=f.name).locator("progress")
        assert bar.evaluate("bar => bar.value === bar.max && bar.max > 0")
    assert ("POST", f"{server.url}/upload/proxy") in requests_seen
    assert any(m == "PUT" and u.startswith(seaweed.url + "/") for m, u in requests_seen), "no presigned PUT"
    assert ("POST", f"{server.url}/upload/confirm") in requests_seen

    # The listing was refreshed in place: the new folder is there; inside it, both files.
    page.get_by_role("link", name="docs/").click()
    expect(page.get_by_role("link", name="report.txt")).to_be_visible()
    expect(page.get_by_role("link", name="scan.bin")).to_be_visible()
    screenshot(page, "03-folder")

    # Download: the bytes the browser saves are the bytes uploaded.
    page.get_by_role("link", name="report.txt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("report.txt")
    screenshot(page, "04-file")
    with page.expect_download() as download:
        page.locator("#download").click()
    assert Path(download.value.path()).read_bytes() == small.read_bytes()
    assert download.value.suggested_filename == "report.txt"

    # Lock, unlock, lock again: the lock holder and expiry are shown.
    page.fill("#lock-reason", "editing the figures")
    submit(page, "Lock", "Locked.")
    expect(page.locator("#lock-state")).to_contain_text("Locked by u1 until")
    expect(page.locator("#lock-state")).to_contain_text("editing the figures")
    screenshot(page, "05-locked")
    submit(page, "Unlock", "Unlocked.")
    expect(page.locator("#lock-state")).to_have_text("Not locked")

    # Copy to the workspace (locks the file), then commit it back as version 2 and approve it.
    expect(page.locator("#copy-state")).to_contain_text("No working copy")
    submit(page, "Copy to my workspace", "Copied to your workspace.")
    expect(page.locator("#lock-state")).to_contain_text("Locked by u1")
    expect(page.locator("#copy-state")).to_contain_text("Working copy: report.txt")
    page.fill("#commit-message", "Updated figures")
    submit(page, "Commit a new version", "New version committed for review.")
    expect(page.locator("#version-2")).to_contain_text("pending validation")
    expect(page.locator("#version-2")).to_contain_text("Updated figures")
    screenshot(page, "06-pending-review")
    page.fill("#comment-2", "Looks right")
    page.locator("#version-2").get_by_role("button", name="Approve").click()
    expect(page.locator("#status")).to_have_text("Version 2 approved.")
    expect(page.locator("#version-2")).to_contain_text("validated")
    expect(page.locator("#version-2")).to_contain_text("Approved by u1: “Looks right”")

    # A fresh copy (the earlier one's base is now old), a third version, rejected with a comment.
    page.check("form:has(h3:text-is('Copy to my workspace')) input[name=overwrite]")
    submit(page, "Copy to my workspace", "Copied to your workspace.")
    page.fill("#commit-message", "Second try")
    submit(page, "Commit a new version", "New version committed for review.")
    page.fill("#comment-3", "Wrong totals")
    page.locator("#version-3").get_by_role("button", name="Reject").click()
    expect(page.locator("#status")).to_have_text("Version 3 rejected.")
    expect(page.locator("#version-3")).to_contain_text("Rejected by u1: “Wrong totals”")
    expect(page.locator("#version-2")).to_contain_text("(current)")
    screenshot(page, "07-reviewed")

    # A refusal is shown, not swallowed: committing the same stale copy again is a version conflict.
    page.fill("#commit-message", "Stale")
    form = page.locator("form", has=page.get_by_role("heading", name="Commit a new version"))
    form.locator("button[type=submit]").click()
    expect(page.locator("#status")).to_contain_text("version_conflict")
    expect(page.get_by_role("alert")).to_be_visible()

    # Delete: confirmed in a dialog, then back in the folder without the file.
    page.once("dialog", lambda dialog: dialog.accept())
    submit(page, "Delete", "Deleted report.txt.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("My files")
    expect(page.get_by_role("link", name="report.txt")).to_have_count(0)
    expect(page.get_by_role("link", name="scan.bin")).to_be_visible()
    screenshot(page, "08-after-delete")
    assert page.problems.errors == []
    # Nothing from anywhere else: the page's own origin, and the S3 server for the presigned PUT.
    assert {re.match(r"^https?://[^/]+", url)[0] for _, url in requests_seen} == {server.url, seaweed.url}


def test_at_320_px_nothing_overflows_and_the_keyboard_reaches_every_action(signed_in, server, screenshot, tmp_path):
    page = signed_in
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(folder_url(server, path="a-rather-long-folder-name-for-a-narrow-screen/"))
    upload(page, [write_file(tmp_path, "quarterly-report-with-a-long-name-2026.pdf", 3000)])
    page.reload()
    assert _overflow(page) == 0
    screenshot(page, "10-narrow-folder")
    reached = tab_through(page, {"Choose files", "quarterly-report-with-a-long-name-2026.pdf", "Open", "Sign out"})
    assert reached == {"Choose files", "quarterly-report-with-a-long-name-2026.pdf", "Open", "Sign out"}

    open_file(page, server, "a-rather-long-folder-name-for-a-narrow-screen/quarterly-report-with-a-long-name-2026.pdf")
    assert _overflow(page) == 0
    screenshot(page, "11-narrow-file")

    # Keyboard only: Tab from the top reaches each main action, each with a visible focus ring.
    wanted = {"Download", "Lock", "Copy to my workspace", "Commit version", "Move", "Delete file", "Version 1"}
    assert tab_through(page, wanted) == wanted

    # ... and works from it: lock with the keyboard alone.
    page.get_by_role("button", name="Lock", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.locator("#status")).to_have_text("Locked.")
    expect(page.locator("#status")).to_be_focused()  # the outcome is read first, and Tab goes on from the top
    expect(page.locator("#lock-state")).to_contain_text("Locked by u1")
    assert page.problems.errors == []


def test_an_upload_can_be_cancelled(signed_in, server, tmp_path):
    page = signed_in
    page.goto(f"{server.url}/ui")
    # A slow uplink (64 KiB/s) keeps the 4 MiB upload going long after the button is pressed.
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    network.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 64 * 1024},
    )
    big = write_file(tmp_path, "slow.bin", 4 * 1024 * 1024)
    page.set_input_files("#upload-input", [str(big)])
    row = page.locator("#uploads li", has_text="slow.bin")
    expect(row.locator(".state")).to_have_text(re.compile(r"^\d+%$"))  # under way: progress has been reported
    row.get_by_role("button", name="Cancel upload of slow.bin").click()
    expect(row.locator(".state")).to_have_text("cancelled")
    expect(row.get_by_role("button")).to_have_count(0)
    network.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    page.reload()
    expect(page.get_by_role("link", name="slow.bin")).to_have_count(0)


def test_a_share_link_serves_without_signing_in_until_used_up_or_revoked(signed_in, server, screenshot, tmp_path):
    page = signed_in
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page.goto(f"{server.url}/ui")
    content = write_file(tmp_path, "brochure.pdf", 5000)
    upload(page, [content])
    page.get_by_role("link", name="brochure.pdf").click()

    page.fill("#share-limit", "1")
    page.get_by_role("button", name="Create link").click()
    expect(page.locator("#status")).to_have_text("Share link created.")
    link = page.get_by_label("New link: copy it now, it is shown only once")
    expect(link).to_be_focused()
    url = link.input_value()
    assert url.startswith(f"{server.url}/s/")
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("#status")).to_have_text("Link copied.")
    screenshot(page, "14-share-link")
    assert page.evaluate("navigator.clipboard.readText()") == url

    visitor = requests.get(url, timeout=30)  # no cookie, no token: a visitor
    assert visitor.status_code == 200 and visitor.content == content.read_bytes()
    assert requests.get(url, timeout=30).status_code == 404  # its one download is spent
    page.reload()
    expect(page.locator("#new-share")).to_be_hidden()  # shown once
    expect(page.locator("#share-1")).to_contain_text("used up")
    expect(page.locator("#share-1")).to_contain_text("1 of 1")

    page.get_by_role("button", name="Create link").click()
    expect(page.locator("#status")).to_have_text("Share link created.")
    second = link.input_value()
    page.locator("#share-1").get_by_role("button", name=re.compile("^Revoke link 1")).click()
    expect(page.locator("#status")).to_have_text("Link revoked.")
    expect(page.locator("#share-1")).to_contain_text("revoked")
    assert requests.get(second, timeout=30).status_code == 404
    assert page.problems.errors == []


def test_company_and_project_spaces_are_folders_too(signed_in, server, screenshot, tmp_path):
    page = signed_in
    page.goto(f"{server.url}/ui")
    page.get_by_role("link", name="My company").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My company")
    upload(page, [write_file(tmp_path, "policy.txt", 100)])
    expect(page.get_by_role("link", name="policy.txt")).to_be_visible()

    # Drag and drop: files dropped on the upload area are uploaded like picked ones.
    page.locator("#drop-zone").evaluate(DROP, [["dropped-1.txt", "first"], ["dropped-2.txt", "second"]])
    for name in ("dropped-1.txt", "dropped-2.txt"):
        expect(page.locator("#uploads li", has_text=name).locator(".state")).to_contain_text("done")
        expect(page.get_by_role("link", name=name)).to_be_visible()

    page.get_by_label("Project").fill("p-42")
    page.get_by_role("button", name="Open").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Project p-42")
    page.fill("#upload-subfolder", "specs/v1")
    upload(page, [write_file(tmp_path, "plan.txt", 100)])
    page.get_by_role("link", name="specs/").click()
    page.get_by_role("link", name="v1/").click()
    expect(page.get_by_role("link", name="plan.txt")).to_be_visible()
    crumbs = page.get_by_role("navigation", name="Folder path").get_by_role("link")
    expect(crumbs).to_have_text(["Project p-42", "specs", "v1"])
    screenshot(page, "09-project-folder")
    assert page.problems.errors == []


def test_images_have_thumbnails_and_a_file_moves_to_another_folder(signed_in, server, screenshot, tmp_path):
    from PIL import Image

    photo = tmp_path / "photo.png"
    Image.new("RGB", (600, 300), (200, 40, 40)).save(photo)
    page = signed_in
    page.goto(f"{server.url}/ui")
    upload(page, [photo, write_file(tmp_path, "notes.txt", 10)])
    thumb = page.get_by_role("link", name="photo.png").locator("img.thumb")
    expect(thumb).to_have_js_property("complete", True)
    assert thumb.evaluate("image => [image.naturalWidth, image.naturalHeight]") == [64, 32]
    expect(page.get_by_role("link", name="notes.txt").locator("img")).to_have_count(0)
    screenshot(page, "12-thumbnails")

    page.get_by_role("link", name="photo.png").click()
    preview = page.get_by_role("img", name="Preview of photo.png")
    expect(preview).to_have_js_property("complete", True)
    assert preview.evaluate("image => [image.naturalWidth, image.naturalHeight]") == [256, 128]

    page.fill("#move-target", "archive/2026/photo-final.png")
    submit(page, "Move or rename", "Moved.")
    expect(page.get_by_role("heading", level=1)).to_have_text("photo-final.png")
    crumbs = page.get_by_role("navigation", name="Folder path").get_by_role("link")
    expect(crumbs).to_have_text(["My files", "archive", "2026"])
    expect(page.locator("#version-1")).to_be_visible()  # the same file, its versions kept
    screenshot(page, "13-moved")
    crumbs.first.click()
    expect(page.get_by_role("link", name="photo.png")).to_have_count(0)
    expect(page.get_by_role("link", name="archive/")).to_be_visible()
    assert page.problems.errors == []


def test_development_sign_in_sets_the_platform_cookie(browser, dev_server, screenshot):
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    try:
        page.goto(f"{dev_server.url}/")
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        screenshot(page, "00-sign-in")
        page.fill("#user-id", "dana")
        page.fill("#company-id", "acme")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("My files")
        cookie = next(c for c in context.cookies() if c["name"] == "access_token")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
        page.get_by_role("link", name="My company").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("My company")
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        assert not [c for c in context.cookies() if c["name"] == "access_token"]
    finally:
        context.close()


def test_the_production_page_offers_no_development_sign_in(browser, server):
    page = browser.new_page()
    try:
        page.goto(f"{server.url}/ui")
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        expect(page.get_by_text("Sign in through the platform")).to_be_visible()
        expect(page.locator("#user-id")).to_have_count(0)
    finally:
        page.close()


def tab_through(page, wanted: set[str], presses: int = 60) -> set[str]:
    """Tab from the top of the page; the names in `wanted` that got the focus, each checked for a visible ring.

    A control's name is its text, or for an input its label's text."""
    page.locator("body").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    reached = set()
    for _ in range(presses):
        page.keyboard.press("Tab")
        name, outline = page.evaluate(FOCUSED)
        if name in wanted:
            assert outline != "none", f"{name} has no visible focus"
            reached.add(name)
        if reached == wanted:
            break
    return reached


FOCUSED = """() => {
    const element = document.activeElement;
    const label = element.labels && element.labels.length ? element.labels[0].textContent : element.textContent;
    return [label.trim(), getComputedStyle(element).outlineStyle];
}"""


def _overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no horizontal scrolling)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
