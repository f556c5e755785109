"""Browser tests: Debian's Chromium driven by Playwright, headless, against the real service started by gunicorn.

The service runs as it does in production (PostgreSQL, the S3 server, the fake project service) on a free loopback
port; presigned uploads go from the browser straight to the S3 server. Screenshots of each main screen are written
under test-artifacts/screenshots/ (git-ignored) for people to look at.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.integration.test_two_instances import ROOT, Instance
from tests.support.production_env import production_env
from tests.support.tokens import SECRET, make_token

CHROMIUM = "/usr/bin/chromium"  # Debian's package (make browser)
# How long `expect(...)` waits for the page to get there (a bound on waiting, not a time asserted): generous, for a
# loaded two-core machine running the whole suite.
WAIT_MS = 20_000
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (Debian's binary: Playwright's own browser download cannot work here)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium package")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()


def start_server(make_app, database_url, seaweed, fake_projects, tmp_path, name: str, **settings) -> Instance:
    """gunicorn over the test database and S3 server; production settings unless `settings` says otherwise."""
    make_app("minio")  # the buckets exist, and the tables are emptied after the test
    env = production_env(
        database_url,
        seaweed,
        fake_projects,
        SECRET_KEY="browser-test-secret-key-0123456789abcdef",
        JWT_SECRET=SECRET,
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="4",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.update(settings)
    server = Instance(name, env, tmp_path / f"{name}.log")
    server.wait_ready()
    return server


@pytest.fixture
def server(make_app, database_url, seaweed, fake_projects, tmp_path):
    """The service configured for production: sign-in is the platform's cookie, no development sign-in."""
    instance = start_server(make_app, database_url, seaweed, fake_projects, tmp_path, "ui-production")
    yield instance
    instance.stop()


@pytest.fixture
def dev_server(make_app, database_url, seaweed, fake_projects, tmp_path):
    """The service configured for development (DEV_TOKEN_COMMAND on): `/` leads to the page, which signs people in."""
    instance = start_server(
        make_app, database_url, seaweed, fake_projects, tmp_path, "ui-development", FLASK_ENV="development"
    )
    yield instance
    instance.stop()


class PageProblems:
    """What a page reported that a person would never see: script errors, CSP violations, a page or asset that
    failed. (API refusals are left out: the page shows them, and some tests provoke them.)"""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def _response(self, response) -> None:
        if response.status >= 400 and "/ui" in response.url.split("?")[0]:
            self.errors.append(f"{response.status} {response.url}")


@pytest.fixture
def signed_in(browser, server):
    """A page of a browser context holding the platform's cookie for user u1 of company c1."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.add_cookies(
        [
            {
                "name": "access_token",
                "value": make_token("u1", company_id="c1"),
                "url": server.url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.problems = PageProblems(page)
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshot():
    """screenshot(page, name): a full-page PNG under test-artifacts/screenshots/ (emptied once per session)."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
