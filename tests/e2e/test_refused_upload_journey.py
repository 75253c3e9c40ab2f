"""A head sends the wrong files to the phonics request, in a real Chromium, every page checked by
axe-core: a KS1 file and another school's file are each refused at once, with why and the check
code in an error summary; the current version and the version numbers stay as they were, and
both files are listed apart as refused uploads. The data officer sees them apart too, and a
KS1 file the officer sends for the school is refused the same way.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from e2e_support import PASSWORD, Portal, sign_in, totp_code
from playwright.sync_api import Page, expect
from portal_builders import make_officer, make_window
from portal_support import run_tasks

from keystage.web.models import Collection, RefusedUpload, School, Submission, User
from keystage.web.submissions import uploads

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("KEYSTAGE_E2E_SHOTS")  # a folder: keep a screenshot of each refusal
SECRET = "JBSWY3DPEHPK3PXP"  # the officer's authenticator app, known to the test


@pytest.fixture
def phon(transactional_db: None) -> Collection:
    return make_window("PHON")


def the_file(la_folder: Path, kind: str, school: School) -> Path:
    return next((la_folder / kind).glob(f"{school.laestab}_*.xml"))


def upload_refused(portal: Portal, file: Path, name: str, label: str = "Upload your CTF") -> Page:
    """Uploads on an upload page; the same page comes back with the refusal."""
    page = portal.page
    page.get_by_label(label).set_input_files(file)
    portal.submit(page.get_by_role("button", name="Upload and check"))
    shot(page, name)
    return page


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_a_head_sends_the_wrong_files_and_is_told_at_once(
    portal: Portal,
    open_portal: Callable[[str], Portal],
    school: School,
    phon: Collection,
    la_folder: Path,
) -> None:
    head = User.objects.get(username=school.urn)
    right = the_file(la_folder, "PHON", school)
    sent = SimpleUploadedFile(right.name, right.read_bytes(), "text/xml")
    uploads.receive(school=school, collection=phon, upload=sent, user=head)
    run_tasks()
    other = School.objects.exclude(pk=school.pk).order_by("laestab").first()
    assert other is not None
    page = portal.page

    portal.visit("/")
    sign_in(portal, school.urn, PASSWORD)
    portal.follow(page.get_by_role("link", name=str(phon)))
    expect(page.get_by_role("heading", level=1)).to_have_text(str(phon))

    # A KS1 file for the phonics request: refused there and then, with why.
    upload_refused(portal, the_file(la_folder, "KS1", school), "ks1-for-phonics")
    expect(page).to_have_url(re.compile(rf"/collections/{phon.pk}/$"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("We did not accept")
    expect(summary).to_contain_text("This file holds Key Stage 1 results, not phonics")
    expect(summary).to_contain_text("Check code FILE-WRONG-COLLECTION")
    expect(summary).to_contain_text("Version 1 is still your current version")
    expect(page.locator(".govuk-notification-banner--success")).to_have_count(0)

    # Another school's file: refused the same way.
    upload_refused(portal, the_file(la_folder, "PHON", other), "another-schools-file")
    expect(summary).to_contain_text(f"This file was made for {other.name}")
    expect(summary).to_contain_text("Check code HDR-SCHOOL")
    expect(summary).to_contain_text("refused upload 2, not as a version")

    # Back on the page later: the current version and its number are as they were.
    portal.visit(f"/collections/{phon.pk}/")
    expect(page.locator("#last-refused")).to_contain_text("We did not accept your last upload")
    versions = page.get_by_role("table", name="Versions")
    expect(versions.locator("tbody tr")).to_have_count(1)
    expect(versions).to_contain_text("Current")
    refused = page.get_by_role("table", name="Files we did not accept")
    expect(refused.locator("tbody tr")).to_have_count(2)
    expect(refused).to_contain_text("FILE-WRONG-COLLECTION")
    expect(refused).to_contain_text("HDR-SCHOOL")
    assert [v.version for v in Submission.objects.filter(school=school)] == [1]
    assert RefusedUpload.objects.filter(school=school).count() == 2

    # The data officer sees them apart: on the collection page and the school's page.
    officer = make_officer("data.officer", secret=SECRET)
    la = open_portal("officer")
    la_page = la.page
    la.visit("/accounts/login/")
    sign_in(la, officer.email, PASSWORD)
    la_page.get_by_label("Enter the code from your authenticator app").fill(totp_code(SECRET))
    la.submit(la_page.get_by_role("button", name="Continue"))
    la.visit(f"/la/collections/{phon.pk}/")
    row = la_page.locator("#schools tbody tr").filter(has_text=school.laestab)
    expect(row).to_contain_text("version 1, checked")
    expect(row).to_contain_text("then refused upload 2")
    la.follow(la_page.get_by_role("link", name=school.name, exact=True))
    kept = la_page.get_by_role("table", name=f"Files from {school.name} refused at upload")
    expect(kept.locator("tbody tr")).to_have_count(2)
    expect(la_page.locator("#state")).to_contain_text("Ready to confirm")  # as before
    shot(la_page, "officer-school-page")

    # A KS1 file the officer sends on the school's behalf is refused the same way.
    la.visit(f"/la/collections/{phon.pk}/schools/{school.pk}/upload/")
    upload_refused(la, the_file(la_folder, "KS1", school), "officer-ks1", "Upload the school's CTF")
    summary = la_page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Check code FILE-WRONG-COLLECTION")
    expect(summary).to_contain_text("The school's current version is still version 1")
    assert [v.version for v in Submission.objects.filter(school=school)] == [1]
    assert RefusedUpload.objects.filter(school=school).count() == 3
