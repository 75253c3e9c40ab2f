"""The browser tests' helpers: a Portal that checks every page with axe-core, CTF files with
errors and queries, and running queued tasks in the test's thread."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from playwright.sync_api import Locator, Page

from keystage.ctf.reader import read_ctf
from keystage.ctf.writer import to_bytes
from keystage.web.models import School

HERE = Path(__file__).resolve().parent
AXE = HERE / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PASSWORD = "correct-horse-battery-1"

AXE_RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, tags: v.tags,
    nodes: v.nodes.map((n) => ({target: n.target, html: n.html, summary: n.failureSummary})),
  }));
}"""


# --- pages, each checked by axe ------------------------------------------------------------------


class Portal:
    """The browser as a person uses it: every page it lands on is checked by axe-core."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.checked: list[str] = []
        self.script_errors: list[str] = []
        page.on("pageerror", lambda error: self.script_errors.append(f"{page.url}: {error}"))

    def visit(self, path: str) -> Page:
        self.page.goto(path)
        return self.check_page()

    def submit(self, control: Locator) -> Page:
        """Clicks a button or link that loads another page (or the same one with errors)."""
        with self.page.expect_navigation():
            control.click()
        return self.check_page()

    follow = submit

    def check_page(self) -> Page:
        """Waits for the page and its scripts, then fails on any WCAG 2.2 A or AA violation."""
        page = self.page
        page.wait_for_load_state("load")
        try:  # init.mjs marks the body once GOV.UK Frontend's components are started
            page.wait_for_function(
                "document.body.classList.contains('govuk-frontend-supported')", timeout=5_000
            )
        except Exception as failure:
            errors = "\n".join(self.script_errors)
            raise AssertionError(
                f"GOV.UK Frontend did not start on {page.url}\n{errors}"
            ) from failure
        assert self.script_errors == [], "JavaScript errors:\n" + "\n".join(self.script_errors)
        violations = self.axe()
        self.checked.append(page.url)
        assert violations == [], _describe(page, violations)
        print(f"axe-core: no violation on {page.url} ({page.title()})")  # the trail, on failure
        return page

    def axe(self) -> list[dict[str, Any]]:
        page = self.page
        if not page.evaluate("() => typeof window.axe === 'object'"):
            # Through the DevTools protocol: the pages' policy (no inline script) lets it run,
            # where a <script> tag added to the page would be refused.
            page.evaluate(AXE.read_text(encoding="utf-8"))
        violations: list[dict[str, Any]] = page.evaluate(AXE_RUN, WCAG_TAGS)
        return violations


def _describe(page: Page, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe-core: {len(violations)} WCAG 2.2 A/AA violation(s) on {page.url}"]
    lines.append(f"  title: {page.title()}")
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:3]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("summary") or "").replace("\n", " / ")
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(v["nodes"]) > 3:
            lines.append(f"    ...and {len(v['nodes']) - 3} more")
    return "\n".join(lines)


def clean_ctf(la_folder: Path, school: School) -> Path:
    return next((la_folder / "KS1").glob(f"{school.laestab}_*.xml"))


def changed_ctf(clean: Path, folder: Path, *changes: Any) -> Path:
    """The clean file with its pupils changed, under the same name in its own folder."""
    with read_ctf(clean) as reader:
        header, pupils = reader.header, list(reader)
    for change in changes:
        pupils = change(pupils)
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / clean.name
    out.write_bytes(to_bytes(header, pupils))
    return out


# --- signing in ------------------------------------------------------------------------------


def sign_in(portal: Portal, username: str, password: str = PASSWORD) -> Page:
    """Fills the sign-in page (a URN or an email address, and a password) and sends it."""
    page = portal.page
    page.get_by_label("URN or email address").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    return portal.submit(page.get_by_role("button", name="Sign in"))


def totp_code(secret: str, *, margin: float = 3.0) -> str:
    """The code an authenticator app would show now for `secret`.

    allauth accepts only the current 30-second period (no tolerance): a code computed in the
    period's last seconds could reach the server in the next one, so wait for a fresh period.
    """
    period = mfa_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < margin:
        time.sleep(left + 0.1)
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))  # the middle: now
