"""A PVI early years setting sends its EYFSP, in a real Chromium, every page checked by
axe-core: its user signs in with the setting's early years URN, downloads the template the
portal fills in with its name and EY URN, uploads it filled with its funded children (one born
outside the funded window), and reads its findings: the funded-window query. The data officer
finds the setting on the collection's page, in the settings' own table and figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from e2e_support import PASSWORD, Portal, sign_in, totp_code
from playwright.sync_api import expect
from portal_builders import make_head, make_officer, make_window
from portal_support import run_tasks
from setting_support import children, make_setting
from template_support import fill

from keystage import codesets
from keystage.web.models import Collection, School, Submission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FINDINGS_TIMEOUT_MS = 30_000  # the page's own polling finds the check done (as the journeys')
SECRET = "JBSWY3DPEHPK3PXP"  # the officer's authenticator app, known to the test


@pytest.fixture
def eyfsp(transactional_db: None) -> Collection:
    return make_window("EYFSP")


def test_a_setting_signs_in_with_its_ey_urn_and_sends_its_template(
    portal: Portal, open_portal: Callable[[str], Portal], school: School, eyfsp: Collection,
    tmp_path: Path,
) -> None:  # fmt: skip
    setting = make_setting()
    make_head(setting, email=setting.head_email)
    page = portal.page

    portal.visit("/")
    sign_in(portal, "512345", PASSWORD)
    portal.follow(page.get_by_role("link", name=str(eyfsp)))
    expect(page.locator("#setting-template")).to_contain_text("born 1 April 2021 to 31 August 2021")

    # The template, as the portal gives it: the setting's name and EY URN in it.
    with page.expect_download() as downloading:
        page.get_by_role(
            "link", name=f"Download the spreadsheet template for {eyfsp.short_name}"
        ).click()
    blank = Path(downloading.value.path()).read_bytes()
    assert downloading.value.suggested_filename.startswith("512345-EYFSP-")
    filled = tmp_path / "little-acorns-eyfsp.xlsx"
    pupils = children(setting, eyfsp, number=1)  # with a child born outside the window
    filled.write_bytes(fill(blank, pupils, "EYFSP", codesets.load(eyfsp.academic_year)))

    page.get_by_label("Upload your filled template or CTF").set_input_files(filled)
    portal.submit(page.get_by_role("button", name="Upload and check"))
    expect(page).to_have_url(re.compile(r"/files/\d+/$"))
    run_tasks()
    # poll.js reloads the file's page once the check is done; then the findings are there.
    page.locator("#finding-counts").wait_for(timeout=FINDINGS_TIMEOUT_MS)
    portal.check_page()
    version = Submission.objects.get(school=setting, collection=eyfsp)
    assert (version.pupils, version.errors, version.queries) == (len(pupils), 0, 1)
    findings = page.locator(".govuk-summary-card").filter(has_text="DOB-RANGE")
    expect(findings).to_contain_text("outside the funded window for this year's EYFSP")
    expect(findings).to_contain_text("Pupils!D")

    # The data officer: the setting in the settings' own table and figures, not the schools'.
    officer = make_officer("data.officer", secret=SECRET)
    la = open_portal("officer")
    la_page = la.page
    la.visit("/accounts/login/")
    sign_in(la, officer.email, PASSWORD)
    la_page.get_by_label("Enter the code from your authenticator app").fill(totp_code(SECRET))
    la.submit(la_page.get_by_role("button", name="Continue"))
    la.visit(f"/la/collections/{eyfsp.pk}/")
    settings_table = la_page.locator("#settings-table")
    row = settings_table.locator("tbody tr").filter(has_text="EY URN 512345")
    expect(row).to_contain_text("Little Acorns Nursery")
    expect(row).to_contain_text("Queries")
    expect(la_page.locator("#settings-submitted")).to_contain_text("0 of 1 PVI setting expected")
    expect(la_page.locator("#schools")).not_to_contain_text("Little Acorns Nursery")
    la.follow(row.get_by_role("link", name="Little Acorns Nursery"))
    expect(la_page.locator(".govuk-summary-list").first).to_contain_text("EY URN 512345, LA 330")
    expect(la_page.locator(".govuk-summary-list").first).to_contain_text("contact Jo Bloggs")
