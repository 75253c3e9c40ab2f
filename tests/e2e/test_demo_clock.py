"""The demo's one clock in a real Chromium (issue 14, item 7), every page checked by axe-core.

The demo runs on KEYSTAGE_TODAY, a day months before the real one. A head who signs there a
week before the deadline is told the data are submitted, not that they came after the
deadline; the data team's progress page says so too, and its chart ends on the demo's day, not
in the real month. (The live server runs in this process: the test sets the demo's date for it.)
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from e2e_support import PASSWORD, Portal, clean_ctf, sign_in, totp_code
from playwright.sync_api import Page, expect
from portal_builders import make_officer, make_window
from portal_support import run_tasks

from keystage.web.common import clock
from keystage.web.models import Collection, Confirmation, School, Submission, User
from keystage.web.submissions import uploads

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "JBSWY3DPEHPK3PXP"  # the officer's authenticator app, known to the test


@pytest.fixture
def demo_day(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """The demo's date: two months before the real one, whatever that is."""
    day = timezone.localdate() - dt.timedelta(days=61)
    monkeypatch.setenv("KEYSTAGE_TODAY", day.isoformat())
    monkeypatch.delenv(clock.STARTED, raising=False)
    return day


@pytest.fixture
def window(transactional_db: None, demo_day: dt.date) -> Collection:
    """KS1 in the demo: opened three weeks ago, the deadline a week away."""
    return make_window("KS1", today=demo_day)


@pytest.fixture
def version(school: School, window: Collection, la_folder: Path) -> Submission:
    """The school's clean file, checked: ready to sign."""
    head = User.objects.get(username=school.urn)
    content = clean_ctf(la_folder, school)
    upload = SimpleUploadedFile(content.name, content.read_bytes(), "text/xml")
    uploads.receive(school=school, collection=window, upload=upload, user=head)
    run_tasks()
    return Submission.objects.get(school=school, collection=window, is_current=True)


@pytest.fixture
def officer(transactional_db: None) -> User:
    return make_officer("data.officer", secret=SECRET)


def fill_confirmation(page: Page) -> None:
    page.get_by_label("Your full name").fill("Ada Head")
    page.get_by_label("Your role").fill("Head teacher")
    page.get_by_label("Who made the assessments").fill("B. Teacher, Year 2 class teacher")
    page.get_by_label("Internal moderation of these assessments is complete.").check()
    page.get_by_label("The outcomes have been agreed with the staff responsible for them.").check()
    page.get_by_label("Your password").fill(PASSWORD)


def test_a_head_who_signs_a_week_early_in_the_demo_is_not_late(
    portal: Portal,
    school: School,
    window: Collection,
    version: Submission,
    officer: User,
    demo_day: dt.date,
) -> None:
    page = portal.page
    real_month = f"{timezone.localdate():%B %Y}"
    portal.visit("/accounts/login/")
    sign_in(portal, school.urn, PASSWORD)
    portal.visit(f"/collections/{window.pk}/confirm/")
    fill_confirmation(page)
    portal.submit(page.get_by_role("button", name="Sign and submit"))
    expect(page.locator("#state")).to_have_text("Submitted")
    expect(page.get_by_role("main")).not_to_contain_text("after the deadline")
    expect(page.get_by_role("main")).to_contain_text(f"on {demo_day:%-d %B %Y}")
    signed = Confirmation.objects.get(submission=version).signed_at
    assert timezone.localtime(signed).date() == demo_day

    portal.submit(page.get_by_role("button", name="Sign out"))
    sign_in(portal, officer.email, PASSWORD)
    page.get_by_label("Enter the code from your authenticator app").fill(totp_code(SECRET))
    portal.submit(page.get_by_role("button", name="Continue"))
    expect(page).to_have_url(re.compile(r"/la/$"))
    portal.visit(f"/la/collections/{window.pk}/")
    expect(page.locator("#total-submitted")).to_have_text("1 of 3 schools")
    row = page.locator("#schools tbody tr").filter(has_text=school.laestab)
    expect(row).to_contain_text("Submitted")
    expect(row).not_to_contain_text("after the deadline")
    summary = page.locator("#chart-summary")
    expect(summary).to_contain_text(f"submitted by {demo_day:%-d %B %Y}")
    expect(page.get_by_role("main")).not_to_contain_text(real_month)
