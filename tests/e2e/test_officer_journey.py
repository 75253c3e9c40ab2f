"""The data team's KS1 collection in a real Chromium, every page checked by axe-core.

The issue's acceptance test: a data officer signs in with two-factor, opens the collection
page, raises a query with a school; the school's head answers it in another browser; the
officer closes it, decides which school reports a pupil two schools sent, and locks the
collection, which the head then sees.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from e2e_support import PASSWORD, Portal, clean_ctf, sign_in, totp_code
from playwright.sync_api import Locator, Page, expect
from portal_builders import make_head, make_officer
from portal_support import run_tasks

from keystage.ctf.reader import read_ctf
from keystage.ctf.writer import to_bytes
from keystage.web.models import (
    Collection,
    Lock,
    MoveDecision,
    QueryMessage,
    School,
    TeamQuery,
    User,
)
from keystage.web.schools.register import apply, load_register
from keystage.web.submissions import uploads

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "JBSWY3DPEHPK3PXP"  # the officer's authenticator app, known to the test
SUBJECT = "Pupils missing from your file"
QUESTION = "Your file has fewer pupils than your census return. Has a pupil left?"
REPLY = "Yes: one pupil moved to another school in May. The file is right."


@dataclass(frozen=True)
class KS1Returns:
    """Schools A and B with their heads, both files checked; B's has one of A's pupils."""

    a: School
    b: School
    c: School
    head_a: User
    upn: str  # the pupil in both files


@pytest.fixture
def returns(transactional_db: None, la_folder: Path, ks1: Collection) -> KS1Returns:
    apply(load_register(la_folder / "schools.csv"))
    a, b, c = School.objects.order_by("laestab")
    heads = [make_head(s) for s in (a, b)]

    with read_ctf(clean_ctf(la_folder, a)) as reader:
        child = min(reader, key=lambda p: p.upn or "")  # the same child in both files
    upn = child.upn
    assert upn is not None
    with read_ctf(clean_ctf(la_folder, b)) as reader:
        header, pupils = reader.header, list(reader)
    b_file = to_bytes(header, [child, *pupils[1:]])

    for school, head, content in (
        (a, heads[0], clean_ctf(la_folder, a).read_bytes()),
        (b, heads[1], b_file),
    ):
        upload = SimpleUploadedFile(f"{school.laestab}_KS1.xml", content, "text/xml")
        uploads.receive(school=school, collection=ks1, upload=upload, user=head)
    run_tasks()
    return KS1Returns(a=a, b=b, c=c, head_a=heads[0], upn=upn)


@pytest.fixture
def officer(transactional_db: None) -> User:
    """A data officer whose authenticator app the test can read: LA users must use it."""
    return make_officer("data.officer", secret=SECRET, first_name="Dana", last_name="Officer")


def main(page: Page) -> Locator:
    return page.get_by_role("main")


def school_row(page: Page, school: School) -> Locator:
    return page.locator("#schools tbody tr").filter(has_text=school.laestab)


def test_an_officer_queries_a_school_resolves_a_shared_pupil_and_locks(
    portal: Portal,
    open_portal: Callable[[str], Portal],
    returns: KS1Returns,
    officer: User,
    ks1: Collection,
) -> None:
    a, b, c = returns.a, returns.b, returns.c
    page = portal.page

    # The officer signs in: the password, then the code from the authenticator app.
    portal.visit("/accounts/login/")
    sign_in(portal, officer.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    page.get_by_label("Enter the code from your authenticator app").fill(totp_code(SECRET))
    portal.submit(page.get_by_role("button", name="Continue"))
    expect(page).to_have_url(re.compile(r"/la/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Collections")

    # The collection page: every school with its state.
    portal.follow(page.get_by_role("link", name=str(ks1), exact=True))
    expect(page).to_have_url(re.compile(rf"/la/collections/{ks1.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(str(ks1))
    expect(page.locator("#schools caption")).to_contain_text("3 schools")
    expect(school_row(page, a)).to_contain_text(a.name)
    # The pupil in both files is a query (PUPIL-OTHER-SCHOOL) for B, whose file came later only.
    expect(school_row(page, a)).to_contain_text("Ready to confirm")
    expect(school_row(page, b)).to_contain_text(b.name)
    expect(school_row(page, b)).to_contain_text("Queries to answer")
    expect(school_row(page, c)).to_contain_text("Not started")
    expect(page.locator("#total-submitted")).to_contain_text("0 of 3 schools")

    # School A's page, and a query raised from it.
    portal.follow(page.get_by_role("link", name=a.name, exact=True))
    expect(page).to_have_url(re.compile(rf"/la/collections/{ks1.pk}/schools/{a.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(a.name)
    portal.follow(page.get_by_role("link", name=f"Raise a query with {a.name}"))
    page.get_by_label("Subject").fill(SUBJECT)
    page.get_by_label("Your question").fill(QUESTION)
    portal.submit(page.get_by_role("button", name="Send the query"))
    expect(page).to_have_url(re.compile(r"/la/queries/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(SUBJECT)
    expect(main(page)).to_contain_text(QUESTION)
    expect(main(page)).to_contain_text(f"Your query is sent to {a.name}")
    thread = page.url

    # The head of school A, in a browser of their own, sees the question and replies.
    school = open_portal("head_a")
    school_page = school.page
    school.visit("/")
    expect(school_page).to_have_url(re.compile(r"/accounts/login/"))
    sign_in(school, a.urn, PASSWORD)
    expect(school_page.get_by_role("heading", level=1)).to_have_text("Your collections")
    banner = school_page.get_by_role("region", name="Important")
    expect(banner).to_contain_text("The data team has 1 question waiting for your reply")
    school.follow(banner.get_by_role("link", name=SUBJECT))
    expect(school_page.get_by_role("heading", level=1)).to_have_text(SUBJECT)
    expect(main(school_page)).to_contain_text(QUESTION)
    school_page.get_by_label("Your reply").fill(REPLY)
    school.submit(school_page.get_by_role("button", name="Send reply"))
    expect(main(school_page)).to_contain_text("Your reply is sent.")
    expect(main(school_page)).to_contain_text(REPLY)

    # The officer reads the reply and closes the query.
    portal.visit(thread)
    expect(main(page)).to_contain_text(REPLY)
    portal.submit(page.get_by_role("button", name="Close the query"))
    expect(main(page)).to_contain_text("The query is closed.")
    expect(main(page)).to_contain_text("The data team closed this query on")
    expect(page.get_by_role("button", name="Close the query")).to_have_count(0)

    # The pupil in both schools' files: the records side by side, then the decision.
    portal.visit("/la/")
    portal.follow(
        page.get_by_role("link", name=f"Pupils in two schools' files for {ks1.short_name}")
    )
    expect(page).to_have_url(re.compile(rf"/la/collections/{ks1.pk}/moves/$"))
    expect(page.locator("#move-counts")).to_contain_text("1 pupil, 0 decided")
    shared = page.locator("#moves tbody tr").filter(has_text=returns.upn)
    expect(shared).to_contain_text(a.name)
    expect(shared).to_contain_text(b.name)
    expect(shared).to_contain_text("Not decided")
    portal.follow(shared.get_by_role("link"))
    expect(page).to_have_url(re.compile(rf"/moves/{returns.upn}/$"))
    records = page.locator("#records")
    expect(records.locator("thead")).to_contain_text(f"{a.name} ({a.laestab})")
    expect(records.locator("thead")).to_contain_text(f"{b.name} ({b.laestab})")
    expect(records.get_by_role("rowheader", name=re.compile("^Date of birth"))).to_be_visible()
    page.get_by_label(re.compile(rf"^{re.escape(a.name)} \({a.laestab}\)")).check()
    page.get_by_label("Note (optional)").fill("School A's file has the May census.")
    portal.submit(page.get_by_role("button", name="Save the decision"))
    expect(page).to_have_url(re.compile(rf"/la/collections/{ks1.pk}/moves/$"))
    expect(page.locator("#move-counts")).to_contain_text("1 pupil, 1 decided")
    expect(shared).to_contain_text(f"{a.name} reports. Dana Officer")
    portal.follow(shared.get_by_role("link"))
    decision = page.locator("#decision")
    expect(decision).to_contain_text(f"{a.name} ({a.laestab})")
    expect(decision).to_contain_text("Dana Officer on ")

    # The officer locks the collection from its page: no school has submitted, so each is
    # listed and left out until the officer chooses to lock it too.
    portal.visit(f"/la/collections/{ks1.pk}/")
    portal.follow(page.get_by_role("button", name="Lock the collection"))
    expect(page).to_have_url(re.compile(rf"/la/collections/{ks1.pk}/lock/$"))
    for listed in (a, b, c):
        page.get_by_label(f"Leave out {listed.name}").uncheck()
    portal.submit(page.get_by_role("button", name="Lock the schools"))
    expect(page).to_have_url(re.compile(rf"/la/collections/{ks1.pk}/$"))
    expect(main(page)).to_contain_text(f"{ks1.short_name} is locked for every school.")
    expect(page.locator("#collection-lock")).to_contain_text("Locked")
    expect(page.locator("#collection-lock")).to_contain_text("by Dana Officer")
    expect(page.get_by_role("button", name="Unlock for every school")).to_be_visible()
    expect(school_row(page, a)).to_contain_text("locked")

    # The head of A sees the collection locked (no upload form any more) and the decision.
    school.visit(f"/collections/{ks1.pk}/")
    expect(school_page.locator("#locked")).to_contain_text("The data team has locked")
    expect(school_page.get_by_role("button", name="Upload and check")).to_have_count(0)
    outcome = school_page.locator("#moves tbody tr").filter(has_text=returns.upn)
    expect(outcome).not_to_contain_text(b.name)
    expect(outcome).to_contain_text("The LA decided that your school reports this pupil")

    # What the pages did is in the database.
    assert Lock.objects.get(collection=ks1, school=None, unlocked_at=None).locked_by == officer
    decided = MoveDecision.objects.get(collection=ks1, upn=returns.upn)
    assert (decided.school, decided.decided_by) == (a, officer)
    query = TeamQuery.objects.get(collection=ks1, school=a)
    assert query.status == TeamQuery.Status.CLOSED and query.closed_by == officer
    messages = list(QueryMessage.objects.filter(query=query).values_list("author", "body"))
    assert messages == [(officer.pk, QUESTION), (returns.head_a.pk, REPLY)]
    assert len(portal.checked) >= 12 and len(school.checked) >= 4, portal.checked
