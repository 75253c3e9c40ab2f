"""Browser tests: Debian's Chromium driven by Playwright (sync API) against pytest-django's live
server, with axe-core checking every page visited for WCAG 2.2 A and AA violations.

One browser for the whole session, a new context (cookies, storage) for every test. A failed
test leaves a full-page screenshot and the page's HTML in tests/e2e/artifacts/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

# Playwright's sync API keeps an asyncio loop running in this thread; Django refuses database
# work under a running loop unless told that this is safe (it is: nothing here is async).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest
from e2e_support import Portal
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from portal_builders import make_head, make_window

from keystage.synth import write_la
from keystage.web.models import Collection, School
from keystage.web.schools.register import apply, load_register

HERE = Path(__file__).resolve().parent
ARTIFACTS = Path(os.environ.get("KEYSTAGE_E2E_ARTIFACTS", HERE / "artifacts"))
CHROMIUM = os.environ.get("KEYSTAGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
TIMEOUT_MS = 10_000


# --- the browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-browser (as root) first")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keeps each phase's report on the test item, for the page fixture's finaliser."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(chromium: Browser, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    context.set_default_timeout(TIMEOUT_MS)
    # While the test thread works the database (running queued tasks), the page's polling for
    # the file's status must wait: with in-memory SQLite the live server shares this thread's
    # connection. A routed request is only let through when the test next calls Playwright.
    context.route(re.compile(r"/files/\d+/status/$"), lambda route: route.continue_())
    browser_page = context.new_page()
    problems: list[str] = []
    browser_page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    browser_page.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    yield browser_page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        _keep_evidence(browser_page, request.node.nodeid, problems)
    context.close()


def _keep_evidence(page: Page, nodeid: str, problems: list[str]) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid)
    try:
        page.screenshot(path=f"{stem}.png", full_page=True)
        Path(f"{stem}.html").write_text(page.content(), encoding="utf-8")
    except Exception as failure:  # the page may be gone; the report matters more
        problems.append(f"could not save the evidence: {failure}")
    Path(f"{stem}.log").write_text(f"{page.url}\n" + "\n".join(problems), encoding="utf-8")
    print(f"\nbrowser evidence: {stem}.png, .html, .log (last page {page.url})")


@pytest.fixture
def portal(page: Page) -> Portal:
    return Portal(page)


# --- data ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def la_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("e2e-la")
    write_la(out=folder, la="330", schools=3, collection="ALL", seed=7)
    return folder


@pytest.fixture
def school(transactional_db: None, la_folder: Path) -> School:
    """The first school of the register, with its head teacher's account (username: the URN)."""
    apply(load_register(la_folder / "schools.csv"))
    first = School.objects.order_by("laestab").first()
    assert first is not None
    make_head(first)
    return first


@pytest.fixture
def ks1(transactional_db: None) -> Collection:
    return make_window("KS1")


# --- more people, each in a browser of their own -------------------------------------------------


@pytest.fixture
def open_portal(
    chromium: Browser, live_server: Any, request: pytest.FixtureRequest
) -> Iterator[Callable[[str], Portal]]:
    """Opens another browser context (its own cookies: another person signed in) as a Portal.

    `portal` is the first person's; call `open_portal("head")` for each other person. Each
    context is closed at the end, with its evidence kept (named after the person) on failure.
    """
    opened: list[tuple[str, BrowserContext, Page]] = []

    def open_one(who: str) -> Portal:
        context = chromium.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB"
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.route(re.compile(r"/files/\d+/status/$"), lambda route: route.continue_())
        browser_page = context.new_page()
        opened.append((who, context, browser_page))
        return Portal(browser_page)

    yield open_one
    report = getattr(request.node, "report_call", None)
    for who, context, browser_page in opened:
        if report is not None and report.failed:
            _keep_evidence(browser_page, f"{request.node.nodeid}-{who}", [])
        context.close()
