"""No page scrolls sideways on a phone (issue 14, item 20), in a real Chromium, every page
checked by axe-core on the way.

The walk visits every page of the portal a school sees and every page of the data team's, in
the world of tests/support/portal_world.py (something on every page), with a version full of
findings under a long file name and a member of staff with a long email address: at 375px (a
phone), and the data team's at 1366px (a laptop) too. A table wider than the screen may scroll
inside its own region (labelled and focusable: axe checks that), but the page never does.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from django.test import Client
from e2e_support import PASSWORD, Portal, sign_in, totp_code
from playwright.sync_api import ViewportSize, expect
from portal_builders import make_admin, make_head, make_staff, make_window
from portal_support import ctf_bytes, run_tasks, upload
from portal_world import World, build_world, is_file, portal_patterns, urls_of

from keystage.ctf.model import Pupil
from keystage.web.models import School, Submission, User
from keystage.web.schools.register import apply, load_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 375, "height": 812}
LAPTOP: ViewportSize = {"width": 1366, "height": 768}
SECRET = "JBSWY3DPEHPK3PXP"  # the LA administrator's authenticator app, known to the test
LONG_FILE_NAME = "3302001_CTF_330LLLL_001_exported_from_SIMS_on_the_morning_of_the_deadline.xml"
LONG_EMAIL = "assessment.coordinator.year.two@stmarys-church-of-england-primary.example.org"
# The pages a person reaches from the header's "Your account", and those before signing in.
ACCOUNT_PAGES = ["/accounts/2fa/", "/accounts/email/", "/accounts/password/change/"]
SIGNED_OUT_PAGES = ["/accounts/login/", "/accounts/password/reset/", "/accessibility/",
                    "/privacy/", "/no-such-page/"]  # fmt: skip
# Pages the walk must reach, by URL name (else the world lacks something).
SCHOOL_PAGES = {"home", "collection", "submission", "confirm", "reports", "people", "person",
                "query", "moderation", "codes"}  # fmt: skip
DATA_TEAM_PAGES = {"la", "la_collection", "la_results", "la_moves", "la_move", "la_school",
                   "la_exports", "la_audit", "la_query", "la_reminders",
                   "la_comparisons"}  # fmt: skip


def with_many_errors(pupils: list[Pupil]) -> list[Pupil]:
    """Every other pupil's first result is a code no table has: a page of findings."""
    return [
        dataclasses.replace(p, assessments=(
            dataclasses.replace(p.assessments[0], result="XYZ"), *p.assessments[1:]
        )) if i % 2 == 0 and p.assessments else p
        for i, p in enumerate(pupils)
    ]  # fmt: skip


@pytest.fixture
def world(transactional_db: None, la_folder: Path) -> World:
    apply(load_register(la_folder / "schools.csv"))
    school_a, school_b = School.objects.order_by("laestab")[:2]
    for school in (school_a, school_b):
        make_head(school)
    world = build_world(school_a, school_b, la_folder)
    ks1 = make_window("KS1")
    upload(world.head, ks1, ctf_bytes(la_folder, school_a, "KS1", with_many_errors),
           name=LONG_FILE_NAME)  # fmt: skip
    run_tasks()
    version = Submission.objects.get(school=school_a, collection=ks1, is_current=True)
    assert version.errors >= 5, "the version should have a page of findings"
    staff = make_staff(school_a, LONG_EMAIL)
    world.values["collection_id"].append(ks1.pk)
    world.values["submission_id"].append(version.pk)
    world.values["user_id"].append(staff.pk)
    return world


@pytest.fixture
def admin(transactional_db: None) -> User:
    return make_admin("la.walker", secret=SECRET)


def pages(client: Client, world: World, *, data_team: bool) -> list[tuple[str, str]]:
    """(URL name, URL) of every page of the portal's (a school's, or the data team's) that the
    world's head or administrator is shown: no download, part of a page, redirect or refusal."""
    found = []
    for route, pattern in portal_patterns():
        if route.startswith("la/") != data_team:
            continue
        for url in urls_of(route, pattern, world.values):
            response = client.get(url)
            whole = not is_file(response) and b"<!DOCTYPE html>" in response.content
            if response.status_code == 200 and whole:
                found.append((pattern.name or route, url))
    return found


def wider_than_the_screen(portal: Portal, urls: list[str], screen: ViewportSize) -> list[str]:
    """Visits each page (axe checks it) at the screen's size; says which scroll sideways."""
    portal.page.set_viewport_size(screen)
    found = []
    for url in urls:
        page = portal.visit(url)
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > screen["width"]:
            found.append(f"{url} is {wide}px wide at {screen['width']}px")
    return found


def test_no_page_a_school_sees_scrolls_sideways_on_a_phone(portal: Portal, world: World) -> None:
    visited = pages(world.head, world, data_team=False)
    assert {name for name, _ in visited} >= SCHOOL_PAGES, sorted(visited)
    wide = wider_than_the_screen(portal, SIGNED_OUT_PAGES, PHONE)
    portal.visit("/accounts/login/")
    sign_in(portal, world.head_user.username, PASSWORD)
    expect(portal.page.get_by_role("heading", level=1)).to_have_text("Your collections")
    wide += wider_than_the_screen(portal, [url for _, url in visited] + ACCOUNT_PAGES, PHONE)
    # A member of staff signs in by an email address, which the header shows.
    portal.page.get_by_role("button", name="Menu").click()  # on a phone, the menu is folded
    portal.submit(portal.page.get_by_role("button", name="Sign out"))
    sign_in(portal, LONG_EMAIL, PASSWORD)
    expect(portal.page.get_by_role("heading", level=1)).to_have_text("Your collections")
    wide += wider_than_the_screen(portal, [*ACCOUNT_PAGES, "/"], PHONE)
    portal.page.get_by_role("button", name="Menu").click()
    expect(portal.page.get_by_text(f"Signed in as {LONG_EMAIL}")).to_be_visible()
    menu_open = portal.page.evaluate("document.documentElement.scrollWidth")
    if menu_open > PHONE["width"]:
        wide.append(f"the menu open is {menu_open}px wide at {PHONE['width']}px")
    assert wide == [], "\n".join(wide)
    assert len(portal.checked) >= len(visited) + 2 * len(ACCOUNT_PAGES) + len(SIGNED_OUT_PAGES)


def test_no_data_team_page_scrolls_sideways_on_a_phone_or_a_laptop(
    portal: Portal, world: World, admin: User
) -> None:
    visited = pages(world.admin, world, data_team=True)
    assert {name for name, _ in visited} >= DATA_TEAM_PAGES, sorted(visited)
    page = portal.page
    portal.visit("/accounts/login/")
    sign_in(portal, admin.email, PASSWORD)
    page.get_by_label("Enter the code from your authenticator app").fill(totp_code(SECRET))
    portal.submit(page.get_by_role("button", name="Continue"))
    expect(page).to_have_url(re.compile(r"/la/$"))
    urls = [url for _, url in visited] + ACCOUNT_PAGES
    wide = wider_than_the_screen(portal, urls, PHONE) + wider_than_the_screen(portal, urls, LAPTOP)
    assert wide == [], "\n".join(wide)
    assert len(portal.checked) >= 2 * len(urls)
