"""Queries in a real Chromium, every page checked by axe-core (issue 14, items 6, 10 and 18).

A data officer raises a query about one pupil, chosen from the school's current file by name.
The head replies: from then on every page of the school's reads "Waiting for the data team",
and the home page's banner no longer counts it. The head answers the last of the checks'
queries and is led straight on to the confirmation form, and signs. The officer reads the
reply ("Replied: waiting for you") and closes the query.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from e2e_support import PASSWORD, Portal, changed_ctf, clean_ctf, sign_in, totp_code
from playwright.sync_api import Locator, Page, expect
from portal_builders import make_officer
from portal_support import run_tasks, with_old_pupil

from keystage.web.models import (
    Collection,
    Confirmation,
    PupilRecord,
    School,
    Submission,
    TeamQuery,
    User,
)
from keystage.web.submissions import uploads

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "JBSWY3DPEHPK3PXP"  # the officer's authenticator app, known to the test
SUBJECT = "Reading result"
QUESTION = "Is this pupil's reading result right? It is lower than in the spring."
REPLY = "Yes: she was ill in the week of the assessment; the class teacher has checked it."


@pytest.fixture
def version(school: School, ks1: Collection, la_folder: Path, tmp_path: Path) -> Submission:
    """The school's file: clean but for one of the checks' queries (a pupil's date of birth)."""
    head = User.objects.get(username=school.urn)
    content = changed_ctf(clean_ctf(la_folder, school), tmp_path / "v1", with_old_pupil)
    upload = SimpleUploadedFile(content.name, content.read_bytes(), "text/xml")
    uploads.receive(school=school, collection=ks1, upload=upload, user=head)
    run_tasks()
    return Submission.objects.get(school=school, collection=ks1, is_current=True)


@pytest.fixture
def officer(transactional_db: None) -> User:
    return make_officer("data.officer", secret=SECRET, first_name="Dana", last_name="Officer")


def main(page: Page) -> Locator:
    return page.get_by_role("main")


def sign_in_with_code(portal: Portal, officer: User) -> None:
    page = portal.page
    portal.visit("/accounts/login/")
    sign_in(portal, officer.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    page.get_by_label("Enter the code from your authenticator app").fill(totp_code(SECRET))
    portal.submit(page.get_by_role("button", name="Continue"))
    expect(page).to_have_url(re.compile(r"/la/$"))


def fill_confirmation(page: Page) -> None:
    page.get_by_label("Your full name").fill("Ada Head")
    page.get_by_label("Your role").fill("Head teacher")
    page.get_by_label("Who made the assessments").fill("B. Teacher, Year 2 class teacher")
    page.get_by_label("Internal moderation of these assessments is complete.").check()
    page.get_by_label("The outcomes have been agreed with the staff responsible for them.").check()
    page.get_by_label("Your password").fill(PASSWORD)


def test_a_replied_query_waits_for_the_data_team_and_the_last_answer_leads_to_signing(
    portal: Portal,
    open_portal: Callable[[str], Portal],
    school: School,
    ks1: Collection,
    version: Submission,
    officer: User,
) -> None:
    pupil = PupilRecord.objects.filter(submission=version).order_by("surname", "forename")[2]
    named = f"{pupil.surname.upper()}, {pupil.forename} (UPN {pupil.upn})"
    page = portal.page

    # The officer raises a query about one pupil, chosen from the school's file by name.
    sign_in_with_code(portal, officer)
    portal.visit(f"/la/collections/{ks1.pk}/schools/{school.pk}/")
    portal.follow(page.get_by_role("link", name=f"Raise a query with {school.name}"))
    page.get_by_label("Subject").fill(SUBJECT)
    page.get_by_label("Which pupil is it about?").select_option(label=named)
    page.get_by_label("Your question").fill(QUESTION)
    portal.submit(page.get_by_role("button", name="Send the query"))
    expect(page).to_have_url(re.compile(r"/la/queries/\d+/$"))
    expect(page.locator("#query-about")).to_have_text(named)
    expect(page.locator("#query-state")).to_have_text("Waiting for the school")
    thread = page.url

    # The head sees it waiting for a reply, and replies.
    head = open_portal("head")
    school_page = head.page
    head.visit("/accounts/login/")
    sign_in(head, school.urn, PASSWORD)
    banner = school_page.get_by_role("region", name="Important")
    expect(banner).to_contain_text("The data team has 1 question waiting for your reply")
    head.follow(banner.get_by_role("link", name=SUBJECT))
    expect(school_page.locator("#query-about")).to_have_text(named)
    expect(school_page.locator("#query-state")).to_have_text("Waiting for your reply")
    school_page.get_by_label("Your reply").fill(REPLY)
    head.submit(school_page.get_by_role("button", name="Send reply"))
    expect(main(school_page)).to_contain_text("Your reply is sent.")

    # From now on it waits for the data team, on every page of the school's.
    expect(school_page.locator("#query-state")).to_have_text("Waiting for the data team")
    head.visit("/")
    expect(school_page.get_by_role("region", name="Important")).to_have_count(0)
    expect(main(school_page)).not_to_contain_text("Waiting for your reply")
    head.follow(school_page.get_by_role("link", name=str(ks1)))
    asked = school_page.locator("#team-queries + ul li").filter(has_text=SUBJECT)
    expect(asked).to_contain_text("Waiting for the data team")
    expect(asked).to_contain_text(named)
    expect(main(school_page)).not_to_contain_text("Waiting for your reply")
    expect(school_page.locator("#state")).to_contain_text("Queries to answer")  # the file's own

    # The last of the checks' queries answered: the page leads on to signing.
    head.follow(school_page.get_by_role("link", name=f"Version {version.version}", exact=True))
    expect(school_page.locator("#finding-counts")).to_contain_text("(1 not yet answered)")
    expect(school_page.locator("#next-step")).to_have_count(0)
    school_page.get_by_label(re.compile(r"^Your explanation")).fill(
        "She joined us from abroad and is in the right year group for her age there."
    )
    head.submit(school_page.get_by_role("button", name=re.compile(r"^Save answer")))
    expect(school_page).to_have_url(re.compile(r"#next-step$"))
    expect(school_page.get_by_role("alert")).to_contain_text("Every query has an answer now")
    expect(school_page.locator("#finding-counts")).to_contain_text("(0 not yet answered)")
    next_step = school_page.locator("#next-step")
    expect(next_step).to_contain_text("Your file has no errors and every query has an answer")
    head.follow(next_step.get_by_role("button", name="Sign the confirmation form"))
    expect(school_page).to_have_url(re.compile(rf"/collections/{ks1.pk}/confirm/$"))
    fill_confirmation(school_page)
    head.submit(school_page.get_by_role("button", name="Sign and submit"))
    expect(school_page.locator("#state")).to_contain_text("Submitted")

    # The officer reads the reply, and closes the query.
    portal.visit(f"/la/collections/{ks1.pk}/schools/{school.pk}/")
    expect(page.locator("#state")).to_contain_text("Submitted")
    expect(page.locator("#team-open")).to_contain_text("1 replied: waiting for you")
    queries = page.get_by_role("table", name=f"Queries raised with {school.name}")
    row = queries.locator("tbody tr").filter(has_text=SUBJECT)
    expect(row).to_contain_text("Replied: waiting for you")
    portal.visit(thread)
    expect(page.locator("#query-state")).to_have_text("Replied: waiting for you")
    expect(main(page)).to_contain_text(REPLY)
    portal.submit(page.get_by_role("button", name="Close the query"))
    expect(page.locator("#query-state")).to_have_text("Closed")
    head.visit(f"/collections/{ks1.pk}/")
    expect(asked).to_contain_text("Closed")

    query = TeamQuery.objects.get()
    assert (query.upn, query.status) == (pupil.upn, TeamQuery.Status.CLOSED)
    assert Confirmation.objects.get().submission == version
    assert len(portal.checked) >= 6 and len(head.checked) >= 8, (portal.checked, head.checked)
