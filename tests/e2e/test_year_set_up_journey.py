"""Issue 16's journey, in Chromium: the LA administrator loads the schools from the register,
makes the heads' accounts and invites them; a head follows the invitation's link from the email,
sets a password, signs in and reads the collection's guidance. Every page checked by axe-core."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from e2e_support import Portal, sign_in, totp_code
from playwright.sync_api import expect
from portal_builders import make_admin, make_window
from portal_support import run_tasks

from keystage.web.models import Guidance, Role, School, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GIAS = Path(__file__).resolve().parents[1] / "web" / "data" / "gias"
SECRET = "JBSWY3DPEHPK3PXP"
NEW_PASSWORD = "copper kettle morning rain"


def test_the_la_sets_up_its_schools_and_a_head_starts_from_the_invitation(
    portal: Portal, transactional_db: None
) -> None:
    phonics = make_window("PHON")
    Guidance.objects.create(
        collection=phonics,
        what_to_send="Send one CTF with every Year 1 pupil and the Year 2 re-checks.",
        mis_help="In SIMS: Tools, Data Out, CTF, Export CTF.",
        statutory="https://www.gov.uk/government/publications/phonics-screening-check-2026",
        contact="The assessment data team: 0121 496 0000.",
    )
    admin = make_admin(secret=SECRET)
    page = portal.page
    portal.visit("/accounts/login/")
    sign_in(portal, admin.username)
    page.get_by_label("Enter the code from your authenticator app").fill(totp_code(SECRET))
    portal.submit(page.get_by_role("button", name="Continue"))

    # The register, with the LA's own list of heads' addresses.
    portal.visit("/la/schools/")
    page.get_by_label("The register's extract (GIAS)").set_input_files(
        GIAS / "register-2026-03.csv"
    )
    page.get_by_label("Your list of email addresses (optional)").set_input_files(
        GIAS / "addresses.csv"
    )
    portal.submit(page.get_by_role("button", name="Upload and check"))
    portal.submit(page.get_by_role("button", name="Apply these changes"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The register is loaded")

    # The heads' accounts, and their invitations (sent by a task).
    portal.follow(page.get_by_role("link", name="Make the accounts and invite the heads"))
    portal.submit(page.get_by_role("button", name="Make these accounts and email the invitations"))
    mail.outbox.clear()
    run_tasks()
    heads = User.objects.filter(role=Role.HEAD)
    assert heads.exists() and all(h.invited_at for h in heads)
    school = School.objects.get(urn="103001")  # an infant school: expected for phonics
    head = heads.get(username=school.urn)
    (invitation,) = [m for m in mail.outbox if head.email in m.to]
    link = re.search(r"https?://\S+/accounts/invitation/\S+/", invitation.body)
    assert link is not None, invitation.body

    # The head, from the email's link.
    page.context.clear_cookies()
    portal.visit(urlsplit(link.group(0)).path)  # the live server's address, not the email's
    page.get_by_label("Your password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type your password again").fill(NEW_PASSWORD)
    portal.submit(page.get_by_role("button", name="Save my password and sign in"))
    page.context.clear_cookies()
    portal.visit("/accounts/login/")
    sign_in(portal, school.urn, NEW_PASSWORD)
    portal.follow(page.get_by_role("link", name=str(phonics)))
    main = page.locator("main")
    expect(main).to_contain_text("Send one CTF with every Year 1 pupil")
    expect(main).to_contain_text("In SIMS: Tools, Data Out, CTF, Export CTF.")
    statutory = main.get_by_role("link", name=re.compile("phonics-screening-check-2026"))
    expect(statutory).to_be_visible()
