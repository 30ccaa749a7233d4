"""Playwright fixtures: one headless Debian chromium for the browser tests, a fresh context and page per test.

Playwright cannot download its own browsers here, so only /usr/bin/chromium is used.

Playwright's sync API marks its event loop as running in the test thread for as long as its driver is up.
Two consequences, both handled in ``playwright`` below and both reasons it is package-scoped rather than
session-scoped (pytest-django runs the transactional tests, these included, before the tests without a
database, so a session-scoped driver would still be up while the rest of the suite runs):

* Django refuses ORM calls from a thread with a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set. It is
  set only while the driver is up: set at import time it would leak into the subprocesses other tests start
  (``manage.py check --deploy`` rightly reports it as async.E001).
* Django (through asgiref's Local) then hands the thread a second set of database connections.
"""

import pytest
from playwright.sync_api import ViewportSize, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"  # tests/conftest.py skips (or, in CI, fails) browser tests without it
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
TIMEOUT_MS = 10_000
# The office screen: the staff pages promise to be readable at this size.
OFFICE_VIEWPORT: ViewportSize = {"width": 1366, "height": 768}

expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="package")
def playwright(django_db_setup):
    """Playwright's driver, started once the test database exists.

    The second set of connections lacks the snapshot the test database was serialized into; without it
    ``serialized_rollback`` silently restores nothing, and the roles that data migrations create are gone
    after the first test's flush. Hand the snapshot over.
    """
    from django.db import connections

    snapshots = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as p:
            for alias, snapshot in snapshots.items():
                connections[alias]._test_serialized_contents = snapshot
            yield p


@pytest.fixture(scope="package")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=OFFICE_VIEWPORT, locale="ja-JP", timezone_id="Asia/Tokyo"
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()
