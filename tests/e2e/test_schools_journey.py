"""In Chromium, every page checked by axe-core: the LA administrator loads a GIAS extract with
its links and the LA's addresses, reads the plan, applies it, and records a school as expected
for KS1; the head of an infant school opts in to KS1 before the window opens."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from e2e_support import PASSWORD, Portal, sign_in, totp_code
from playwright.sync_api import expect
from portal_builders import make_admin, make_head

from keystage.web.models import Collection, ExpectedSchool, School

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GIAS = Path(__file__).resolve().parents[1] / "web" / "data" / "gias"
SECRET = "JBSWY3DPEHPK3PXP"  # the LA administrator's authenticator app, known to the test
SHOTS = os.environ.get("KEYSTAGE_E2E_SCREENSHOTS")  # a folder: full-page screenshots for review


def shot(portal: Portal, name: str) -> None:
    if SHOTS:
        for width in (1366, 375):
            portal.page.set_viewport_size({"width": width, "height": 900})
            portal.page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
        portal.page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def ks1(transactional_db: None) -> Collection:
    today = timezone.localdate()
    return Collection.objects.create(
        kind="KS1", academic_year="2025-26", opens=today + dt.timedelta(days=10),
        deadline=today + dt.timedelta(days=30), closes=today + dt.timedelta(days=40),
    )  # fmt: skip


def test_the_la_loads_the_register_and_a_head_opts_in(portal: Portal, ks1: Collection) -> None:
    admin = make_admin(secret=SECRET)
    page = portal.page
    portal.visit("/accounts/login/")
    sign_in(portal, admin.email, PASSWORD)
    page.get_by_label("Enter the code from your authenticator app").fill(totp_code(SECRET))
    portal.submit(page.get_by_role("button", name="Continue"))
    portal.follow(page.get_by_role("link", name="0 schools"))
    page.get_by_label("The register's extract (GIAS)").set_input_files(
        GIAS / "register-2026-03.csv"
    )
    page.get_by_label("The links file (optional)").set_input_files(GIAS / "links-2026-03.csv")
    page.get_by_label("Your list of email addresses (optional)").set_input_files(
        GIAS / "addresses.csv"
    )
    portal.submit(page.get_by_role("button", name="Upload and check"))
    expect(page.get_by_role("table", name="Converted to academies")).to_contain_text(
        "St Mary\u2019s Catholic Academy"
    )
    shot(portal, "1-plan")
    portal.submit(page.get_by_role("button", name="Apply these changes"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The register is loaded")
    assert School.objects.count() == 9
    shot(portal, "2-loaded")

    portal.visit(f"/la/collections/{ks1.pk}/expected/")
    expect(page.locator("main")).to_contain_text("KS1 is optional")
    shot(portal, "3-expected")
    portal.follow(page.get_by_role("link", name="Change Elm Park Primary School"))
    portal.submit(page.get_by_role("button", name="Save"))  # no choice, no reason: errors
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason")
    shot(portal, "4-decision-errors")
    page.get_by_label("Yes, expected").check()
    page.get_by_label("Why").fill("Opted in by email on 3 March")
    portal.submit(page.get_by_role("button", name="Save"))
    expect(page).to_have_url(re.compile(rf"/la/collections/{ks1.pk}/expected/$"))

    infant = School.objects.get(urn="103001")
    make_head(infant, email=infant.head_email)
    page.context.clear_cookies()
    portal.visit("/accounts/login/")
    sign_in(portal, infant.urn, PASSWORD)
    portal.follow(page.locator("#choices").get_by_role("link", name=ks1.short_name))
    shot(portal, "5-taking-part")
    page.get_by_label("Yes").check()
    portal.submit(page.get_by_role("button", name="Save your answer"))
    expect(page.locator("#taking-part-now")).to_contain_text("The LA expects Oakfield Infant")
    shot(portal, "6-opted-in")
    opted = ExpectedSchool.objects.filter(collection=ks1, expected=True)
    assert set(opted.values_list("school__urn", "why")) == {("103001", "opted_in"),
                                                             ("103003", "la")}  # fmt: skip
