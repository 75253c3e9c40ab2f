"""The data team's return to the DfE in a real Chromium, every page checked by axe-core: the
officer signs in with an authenticator code, locks the EYFSP (leaving out the school that sent
nothing), opens the exports page, reads the DfE's checks (a setting's child born outside the
funded window, left out of the setting's file, with the setting named), downloads the ZIP and
finds in it a school's file under its LAESTAB and the PVI settings' under their EY URNs, each
with its funded children.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from e2e_support import PASSWORD, Portal, sign_in, totp_code
from export_support import confirm, send
from playwright.sync_api import expect
from portal_builders import make_head, make_officer, make_window
from portal_support import ctf_bytes, run_tasks, signed_in
from setting_support import children, make_setting, post_template, setting_template

from keystage.codesets.funded import funded_window
from keystage.exports.collect_reader import read_return
from keystage.exports.collect_spec import spec_for
from keystage.web.models import Collection, School, User
from keystage.web.results.pupils import pupils
from keystage.web.schools.register import apply, load_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "JBSWY3DPEHPK3PXP"  # the officer's authenticator app, known to the test


@pytest.fixture
def eyfsp(transactional_db: None) -> Collection:
    return make_window("EYFSP")


def settings_send(window: Collection) -> tuple[School, School]:
    """Two settings send their templates and sign: Little Acorns its funded children; Sam
    Childminder with a child born before the funded window (answered: the date is right)."""
    acorns = make_setting()
    sam = make_setting(urn="634567", name="Sam Childminder", type="Childminder",
                       head_email="sam@childminding.example")  # fmt: skip
    for number, setting in enumerate((acorns, sam)):
        user = signed_in(make_head(setting, email=setting.head_email))
        chosen = children(setting, window, number)
        post_template(user, window, setting_template(setting, window, chosen))
        run_tasks()
        confirm(setting, window)
    return acorns, sam


@pytest.fixture
def providers(
    transactional_db: None, la_folder: Path, eyfsp: Collection
) -> tuple[list[School], School, School]:
    """Schools A and B have sent their EYFSP and signed; C has sent nothing; two settings have
    signed (one with a child the return cannot take)."""
    apply(load_register(la_folder / "schools.csv"))
    schools = list(School.objects.order_by("laestab"))
    for school in schools:
        make_head(school)
    for school in schools[:2]:
        send(school, eyfsp, ctf_bytes(la_folder, school, "EYFSP"))
        confirm(school, eyfsp)
    return schools, *settings_send(eyfsp)


def test_the_data_team_locks_checks_and_downloads_the_return(
    portal: Portal, providers: tuple[list[School], School, School], eyfsp: Collection,
    tmp_path: Path,
) -> None:  # fmt: skip
    (a, b, c), acorns, sam = providers
    officer: User = make_officer("data.officer", secret=SECRET)
    page = portal.page
    portal.visit("/accounts/login/")
    sign_in(portal, officer.email, PASSWORD)
    page.get_by_label("Enter the code from your authenticator app").fill(totp_code(SECRET))
    portal.submit(page.get_by_role("button", name="Continue"))

    # Lock the EYFSP: C, which sent nothing, is left out.
    portal.visit(f"/la/collections/{eyfsp.pk}/")
    portal.follow(page.get_by_role("button", name="Lock the collection"))
    expect(page.get_by_label(f"Leave out {c.name}")).to_be_checked()
    portal.submit(page.get_by_role("button", name="Lock the schools"))
    expect(page).to_have_url(re.compile(rf"/la/collections/{eyfsp.pk}/$"))

    # The exports page: every provider passes; the setting's unfunded child is left out of its
    # file (the DfE takes only funded children), named with the setting.
    portal.follow(page.get_by_role("link", name=f"Exports of {eyfsp.short_name}"))
    expect(page.locator("#dfe-checks-clear")).to_be_visible()
    left_out = page.locator("#children-left-out tbody tr")
    expect(left_out).to_have_count(1)
    expect(left_out).to_contain_text(sam.name)
    expect(left_out).to_contain_text("born 1 April 2021 to 31 August 2021")
    expect(page.locator("#missing")).to_contain_text(c.name)

    with page.expect_download() as downloading:
        page.locator("#dfe-zip").click()
    saved = tmp_path / downloading.value.suggested_filename
    downloading.value.save_as(saved)

    spec = spec_for("EYFSP")
    with zipfile.ZipFile(saved) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    school_file = read_return(members[f"{a.laestab}_FTF_330DfE_001.xml"], spec)
    assert school_file.establishment.estab == a.estab
    assert [ch.upn for ch in school_file.children] == [p.upn for p in pupils(eyfsp, a)]
    setting_file = read_return(members["330512345_FTF_330DfE_001.xml"], spec)
    assert (setting_file.establishment.ey_urn, setting_file.establishment.estab) == (
        "512345", None)  # fmt: skip
    assert [ch.upn for ch in setting_file.children] == [p.upn for p in pupils(eyfsp, acorns)]
    assert f"{b.laestab}_FTF_330DfE_001.xml" in members
    assert not any(c.laestab in name for name in members)
    sams = read_return(members[f"330{sam.urn}_FTF_330DfE_001.xml"], spec)
    first, last = funded_window(2025)
    funded = [p.upn for p in pupils(eyfsp, sam) if p.dob_date and first <= p.dob_date <= last]
    assert [ch.upn for ch in sams.children] == funded and funded
    assert len(funded) == len(pupils(eyfsp, sam)) - 1
    note = members["NOT-INCLUDED.txt"].decode()
    assert "Children left out of their setting's file" in note
    assert sam.name in note and c.name in note
    assert len(portal.checked) >= 4, portal.checked
