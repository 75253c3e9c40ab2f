"""A head teacher's whole KS1 submission in a real Chromium, every page checked by axe-core.

The issue's acceptance test: a head signs in, uploads a file with errors, sees them, uploads a
corrected file, answers a query, signs; the state shows Submitted. axe-core finds no WCAG 2.2
A or AA violation on any page visited (Portal.check_page runs it on every page load).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from e2e_support import (
    PASSWORD,
    Portal,
    changed_ctf,
    clean_ctf,
)
from playwright.sync_api import Page, expect
from portal_support import run_tasks, with_bad_result, with_old_pupil

from keystage.web.models import Collection, Confirmation, School

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FINDINGS_TIMEOUT_MS = 15_000  # the page asks for its status every two seconds


def sign_in(portal: Portal, username: str, password: str) -> Page:
    page = portal.page
    page.get_by_label("URN or email address").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    return portal.submit(page.get_by_role("button", name="Sign in"))


def upload_and_wait(portal: Portal, file: Path) -> Page:
    """Uploads on the collection page, runs the check, and waits for the page to show it."""
    page = portal.page
    page.get_by_label("Upload your CTF").set_input_files(file)
    portal.submit(page.get_by_role("button", name="Upload and check"))
    expect(page).to_have_url(re.compile(r"/files/\d+/$"))
    expect(page.get_by_role("status")).to_contain_text("We are checking your file")
    run_tasks()
    # poll.js reloads the page once the check is done; then the findings are there.
    page.locator("#finding-counts").wait_for(timeout=FINDINGS_TIMEOUT_MS)
    return portal.check_page()


def fill_confirmation(page: Page, password: str = PASSWORD) -> None:
    page.get_by_label("Your full name").fill("Ada Head")
    page.get_by_label("Your role").fill("Head teacher")
    page.get_by_label("Who made the assessments").fill("B. Teacher, Year 2 class teacher")
    page.get_by_label("Internal moderation of these assessments is complete.").check()
    page.get_by_label("The outcomes have been agreed with the staff responsible for them.").check()
    page.get_by_label("Your password").fill(password)


def test_a_head_fixes_errors_answers_a_query_and_signs(
    portal: Portal, school: School, ks1: Collection, la_folder: Path, tmp_path: Path
) -> None:
    clean = clean_ctf(la_folder, school)
    with_errors = changed_ctf(clean, tmp_path / "v1", with_bad_result, with_old_pupil)
    corrected = changed_ctf(clean, tmp_path / "v2", with_old_pupil)
    page = portal.page

    # Signed out, the portal asks the head to sign in, with the school's URN.
    portal.visit("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    sign_in(portal, school.urn, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your collections")

    portal.follow(page.get_by_role("link", name=str(ks1)))
    expect(page.get_by_role("heading", level=1)).to_have_text(str(ks1))
    expect(page.locator("#state")).to_contain_text("Not started")

    # Version 1: an error and a query.
    upload_and_wait(portal, with_errors)
    expect(page.locator("#finding-counts")).to_contain_text("1 error and 1 query")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Errors: fix these in your MIS and upload again")
    expect(main).to_contain_text("RESULT-INVALID")
    expect(main).to_contain_text("DOB-RANGE")

    portal.follow(page.get_by_role("link", name=f"Back to {ks1}"))
    expect(page.locator("#state")).to_contain_text("Errors")
    expect(main).to_contain_text("RESULT-INVALID")

    # Version 2: the error fixed, the query left to answer.
    upload_and_wait(portal, corrected)
    expect(page.locator("#finding-counts")).to_contain_text(
        "0 errors and 1 query (1 not yet answered)"
    )
    expect(main).not_to_contain_text("RESULT-INVALID")
    page.get_by_label(re.compile(r"^Your explanation")).fill(
        "She joined us from abroad and is in the right year group for her age there."
    )
    portal.submit(page.get_by_role("button", name=re.compile(r"^Save answer")))
    expect(page.get_by_role("alert")).to_contain_text("Your answer is saved.")
    expect(page.locator("#finding-counts")).to_contain_text("(0 not yet answered)")
    expect(main).to_contain_text("She joined us from abroad")

    # Ready: the head signs the confirmation form.
    portal.follow(page.get_by_role("link", name=f"Back to {ks1}"))
    expect(page.locator("#state")).to_contain_text("Ready to confirm")
    portal.follow(page.get_by_role("button", name="Sign the confirmation form"))
    expect(page).to_have_url(re.compile(rf"/collections/{ks1.pk}/confirm/$"))
    fill_confirmation(page)
    portal.submit(page.get_by_role("button", name="Sign and submit"))

    expect(page).to_have_url(re.compile(rf"/collections/{ks1.pk}/$"))
    expect(page.locator("#state")).to_contain_text("Submitted")
    expect(page.locator(".govuk-panel")).to_contain_text("confirmed by Ada Head")
    portal.visit("/")
    expect(page.get_by_role("row", name=re.compile(str(ks1)))).to_contain_text("Submitted")

    signed = Confirmation.objects.get()
    assert signed.submission.version == 2 and signed.signer_name == "Ada Head"
    assert len(portal.checked) >= 12, portal.checked


def test_mistakes_show_gov_uk_errors_that_pass_axe(
    portal: Portal, school: School, ks1: Collection, la_folder: Path
) -> None:
    page = portal.page

    # A wrong password: the sign-in page again, with an error summary that has the focus.
    portal.visit("/accounts/login/")
    sign_in(portal, school.urn, "not-the-password")
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    sign_in(portal, school.urn, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your collections")

    # A clean file: nothing to fix or answer, so the form opens at once.
    portal.follow(page.get_by_role("link", name=str(ks1)))
    upload_and_wait(portal, clean_ctf(la_folder, school))
    expect(page.locator("#finding-counts")).to_contain_text("0 errors and 0 queries")
    portal.follow(page.get_by_role("link", name=f"Back to {ks1}"))
    portal.follow(page.get_by_role("button", name="Sign the confirmation form"))

    # Sent empty: every mistake in the summary, each linking to its field.
    portal.submit(page.get_by_role("button", name="Sign and submit"))
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(summary).to_be_focused()
    for message in (
        "Enter your full name",
        "Enter your role",
        "Enter the staff responsible for the assessments",
        "Confirm that internal moderation is complete",
        "Confirm that the outcomes have been agreed",
        "Enter your password to sign",
    ):
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    summary.get_by_role("link", name="Enter your full name").click()
    expect(page.get_by_label("Your full name")).to_be_focused()

    # A wrong password is refused too; then the right one signs.
    fill_confirmation(page, password="not-the-password")
    portal.submit(page.get_by_role("button", name="Sign and submit"))
    expect(summary).to_contain_text("The password is not right")
    assert not Confirmation.objects.exists()
    fill_confirmation(page)
    portal.submit(page.get_by_role("button", name="Sign and submit"))
    expect(page.locator("#state")).to_contain_text("Submitted")
    assert Confirmation.objects.get().signer_name == "Ada Head"
