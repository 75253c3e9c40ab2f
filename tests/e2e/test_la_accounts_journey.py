"""The LA administrator's accounts, in the browser: heads' accounts made from the schools page,
the readiness page of the coming window, finding an account and turning it off, and giving a
school's account to its new head. Every page is checked by axe-core on the way."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from e2e_support import Portal, sign_in, totp_code
from playwright.sync_api import expect
from portal_builders import make_admin, make_window
from portal_support import run_tasks

from keystage.web.models import Collection, Role, School, User
from keystage.web.schools.register import apply, load_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "JBSWY3DPEHPK3PXP"


@pytest.fixture
def admin(transactional_db: None, la_folder: Path) -> User:
    """The register loaded, each school's head named with an address; no head has an account."""
    apply(load_register(la_folder / "schools.csv"))
    for n, school in enumerate(School.objects.order_by("laestab")):
        School.objects.filter(pk=school.pk).update(
            head_title="Ms", head_first_name=f"Head{n}", head_last_name="Teacher",
            head_email=f"head{n}@school.example",
        )  # fmt: skip
    return make_admin("la.admin", secret=SECRET)


@pytest.fixture
def phonics(transactional_db: None) -> Collection:
    today = dt.date.today()
    return make_window("PHON", opens=today + dt.timedelta(days=14),
                       deadline=today + dt.timedelta(days=40),
                       closes=today + dt.timedelta(days=50))  # fmt: skip


def test_the_la_makes_heads_accounts_chases_them_and_hands_one_on(
    portal: Portal, admin: User, phonics: Collection
) -> None:
    page = portal.page
    portal.visit("/accounts/login/")
    sign_in(portal, admin.username)
    page.get_by_label("Enter the code from your authenticator app").fill(totp_code(SECRET))
    portal.submit(page.get_by_role("button", name="Continue"))

    portal.visit("/la/schools/")
    portal.follow(page.get_by_role("link", name="Make the accounts and invite the heads"))
    portal.submit(page.get_by_role("button", name="Make these accounts and email the invitations"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Made 3 head teachers'")
    run_tasks()
    assert User.objects.filter(role=Role.HEAD, invited_at__isnull=False).count() == 3

    portal.visit("/la/")
    portal.follow(page.get_by_role("link", name="Head teachers ready for the coming window"))
    expect(page.locator("#summary")).to_contain_text("0 head teachers have signed in")
    portal.submit(page.get_by_role("button", name="Send the invitations again"))
    portal.submit(page.get_by_role("button", name="Send again").first)

    school = School.objects.order_by("name").first()
    assert school is not None
    portal.visit("/la/accounts/")
    page.get_by_label("Find an account").fill(school.urn)
    portal.submit(page.get_by_role("button", name="Find"))
    portal.follow(page.locator("#found").get_by_role("link", name=school.urn))
    portal.submit(page.get_by_role("button", name="Turn the account off"))
    expect(page.locator("h1")).to_contain_text("Off")
    portal.submit(page.get_by_role("button", name="Turn the account on"))

    portal.follow(page.get_by_role("link", name="give this account to them"))
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_label("Their email address").fill("nia.okafor@school.example")
    portal.submit(page.get_by_role("button", name="Give the account to this head teacher"))
    expect(page.locator("h1")).to_contain_text("Nia Okafor")
    assert User.objects.get(username=school.urn).email == "nia.okafor@school.example"
