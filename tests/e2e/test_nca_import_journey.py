"""The data team imports the NCA Portal's KS2 results in a real Chromium, every page checked by
axe-core: the combined LA CTF on results day, then a later CSV after a review of marking; the
later import shows the re-marked score, and the results page says where its figures come from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from e2e_support import PASSWORD, Portal, sign_in, totp_code
from playwright.sync_api import expect
from portal_builders import make_officer, make_school, make_window
from portal_support import run_tasks

from keystage.web.models import Collection, NcaImport, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "JBSWY3DPEHPK3PXP"
SAMPLES = Path(__file__).parents[1] / "data" / "nca"


@pytest.fixture
def officer(transactional_db: None) -> User:
    return make_officer("data.officer", secret=SECRET)


@pytest.fixture
def ks2(transactional_db: None) -> Collection:
    make_school()  # LAESTAB 3309999 and 3309998, as the samples
    make_school(laestab="3309998", urn="199998", name="Brook Street Primary")
    return make_window("KS2")


def import_file(portal: Portal, ks2: Collection, name: str) -> None:
    page = portal.page
    portal.visit(f"/la/collections/{ks2.pk}/nca/")
    page.get_by_label(re.compile("^Import the NCA Portal.s KS2 download")).set_input_files(
        SAMPLES / name
    )
    portal.submit(page.get_by_role("button", name="Import and check"))
    run_tasks()  # the worker checks each school's results
    portal.visit(page.url)


def test_the_data_team_imports_the_ctf_then_a_later_csv_and_sees_what_changed(
    portal: Portal, officer: User, ks2: Collection
) -> None:
    page = portal.page
    portal.visit("/accounts/login/")
    sign_in(portal, officer.email, PASSWORD)
    page.get_by_label("Enter the code from your authenticator app").fill(totp_code(SECRET))
    portal.submit(page.get_by_role("button", name="Continue"))

    portal.visit(f"/la/collections/{ks2.pk}/results/")
    expect(page.locator("#awaiting-nca")).to_contain_text("No KS2 results from the NCA Portal")
    portal.follow(page.locator("#awaiting-nca").get_by_role("link"))
    expect(page.locator("#no-imports")).to_be_visible()

    import_file(portal, ks2, "ks2_la_combined.xml")
    first = NcaImport.objects.get()
    expect(page).to_have_url(re.compile(rf"/la/collections/{ks2.pk}/nca/{first.pk}/$"))
    schools = page.get_by_role("table", name="Schools in this import")
    expect(schools.get_by_role("row")).to_have_count(3)
    expect(schools).to_contain_text("Meadow Lane Primary (3309999)")
    expect(schools).to_contain_text("First import for this school")

    import_file(portal, ks2, "ks2_results_with_ta_later.csv")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import 2")
    meadow = schools.get_by_role("row").filter(has_text="Meadow Lane Primary")
    expect(meadow).to_contain_text("1 pupil changed, 0 added, 0 removed")
    expect(schools.get_by_role("row").filter(has_text="Brook Street")).to_contain_text("No change")
    changed = page.get_by_role("table", name="Results changed at Meadow Lane Primary")
    expect(changed).to_contain_text("BRIGHT, Callum")
    row = changed.get_by_role("row").filter(has_text="Reading test scaled score")
    expect(row).to_contain_text("98")
    expect(row).to_contain_text("100")

    portal.follow(page.get_by_role("link", name="Back to KS2 results from the NCA Portal"))
    expect(
        page.get_by_role("table", name=re.compile("Imports from the NCA Portal"))
    ).to_contain_text("ks2_results_with_ta_later.csv")
    portal.visit(f"/la/collections/{ks2.pk}/results/")
    expect(page.locator("#from-nca")).to_contain_text("imported from the NCA Portal")
