"""Accounts in a real Chromium, every page checked by axe-core: the LA's administrator makes a
head teacher's account in the admin; the head opens the invitation, sets a password and invites
a member of staff, sending the invitation again; someone signed out resets a password by URN.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from account_support import invitation_link
from e2e_support import Portal, _describe, sign_in, totp_code
from playwright.sync_api import Page, expect
from portal_builders import make_admin

from keystage.web.models import School, User
from keystage.web.schools.register import apply, load_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "JBSWY3DPEHPK3PXP"
NEW = "lantern maple harbour quartz"
HEAD_EMAIL = "head@new-school.example"
STAFF_EMAIL = "sam.officer@new-school.example"


@pytest.fixture
def admin(transactional_db: None, la_folder: Path) -> User:
    apply(load_register(la_folder / "schools.csv"))
    return make_admin("la.admin", superuser=True, secret=SECRET)


def admin_page(portal: Portal) -> Page:
    """Django's admin is not a GOV.UK page (no Frontend to wait for): axe-core alone."""
    page = portal.page
    page.wait_for_load_state("load")
    violations = portal.axe()
    assert violations == [], _describe(page, violations)
    portal.checked.append(page.url)
    return page


def test_the_la_makes_a_head_who_sets_a_password_and_invites_staff(
    portal: Portal, open_portal: Callable[[str], Portal], admin: User
) -> None:
    school = School.objects.order_by("laestab").first()
    assert school is not None
    page = portal.page
    portal.visit("/accounts/login/")
    sign_in(portal, admin.email)
    page.get_by_label("Enter the code from your authenticator app").fill(totp_code(SECRET))
    portal.submit(page.get_by_role("button", name="Continue"))

    page.goto("/admin/portal/user/add/")
    admin_page(portal)
    page.get_by_label("Role:", exact=True).select_option("head")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    admin_page(portal)  # refused in words: a head's account belongs to a school
    expect(page.locator("#id_school_error")).to_contain_text("belongs to one school")
    page.get_by_label("School:", exact=True).select_option(label=str(school))
    page.get_by_label("Email address:", exact=True).fill(HEAD_EMAIL)
    expect(page.get_by_label(re.compile("Email them an invitation"))).to_be_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    admin_page(portal)
    expect(page.locator(".messagelist")).to_contain_text(f"We have emailed {HEAD_EMAIL}")

    head = open_portal("head")
    head.visit(invitation_link(HEAD_EMAIL))
    expect(head.page.get_by_role("heading", level=1)).to_have_text("Set your password")
    expect(head.page.get_by_role("main")).to_contain_text(f"school's URN, {school.urn}")
    head.page.get_by_label("Your password", exact=True).fill(NEW)
    head.page.get_by_label("Type your password again").fill(NEW)
    head.submit(head.page.get_by_role("button", name="Save my password and sign in"))
    expect(head.page.get_by_role("navigation", name="Menu")).to_contain_text(school.urn)

    head.follow(head.page.get_by_role("link", name="People"))
    head.page.get_by_label("First name").fill("Sam")
    head.page.get_by_label("Last name").fill("Officer")
    head.page.get_by_label("Email address").fill(STAFF_EMAIL)
    head.submit(head.page.get_by_role("button", name="Add and email them an invitation"))
    expect(head.page.get_by_role("main")).to_contain_text("Invited, not set yet")
    head.submit(head.page.get_by_role("button", name="Send the invitation again to Sam Officer"))
    expect(head.page.get_by_role("main")).to_contain_text(f"We have emailed {STAFF_EMAIL}")

    signed_out = open_portal("signed out")
    signed_out.visit("/accounts/password/reset/")
    signed_out.page.get_by_label("URN or email address").fill(school.urn)
    signed_out.submit(signed_out.page.get_by_role("button", name="Send the link"))
    expect(signed_out.page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert len(portal.checked) + len(head.checked) + len(signed_out.checked) >= 11
