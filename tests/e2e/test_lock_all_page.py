"""Locking a collection in a real Chromium, every page checked by axe-core: the button leads to
a page listing every school not Submitted, each left out unless the officer unticks it; the
officer leaves out the school still fixing its file, and that school can still upload."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from e2e_support import PASSWORD, Portal, changed_ctf, clean_ctf, sign_in, totp_code
from playwright.sync_api import expect
from portal_builders import make_confirmation, make_head, make_officer
from portal_support import run_tasks, with_bad_result

from keystage.web.models import Collection, Lock, School, Submission, User
from keystage.web.schools.register import apply, load_register
from keystage.web.submissions import uploads

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "JBSWY3DPEHPK3PXP"


@pytest.fixture
def officer(transactional_db: None) -> User:
    return make_officer("data.officer", secret=SECRET)


@pytest.fixture
def three(
    transactional_db: None, la_folder: Path, ks1: Collection, tmp_path: Path
) -> tuple[School, School, School]:
    """A has signed; B is fixing an error in its file; C has sent nothing."""
    apply(load_register(la_folder / "schools.csv"))
    a, b, c = School.objects.order_by("laestab")
    heads = {s: make_head(s) for s in (a, b, c)}
    files = {
        a: clean_ctf(la_folder, a),
        b: changed_ctf(clean_ctf(la_folder, b), tmp_path, with_bad_result),
    }
    for school, path in files.items():
        upload = SimpleUploadedFile(path.name, path.read_bytes(), "text/xml")
        uploads.receive(school=school, collection=ks1, upload=upload, user=heads[school])
    run_tasks()
    make_confirmation(Submission.objects.get(school=a, is_current=True), signer_name="Ada Head")
    return a, b, c


def test_locking_asks_first_and_leaves_out_the_school_mid_fix(
    portal: Portal, three: tuple[School, School, School], officer: User, ks1: Collection
) -> None:
    a, b, c = three
    page = portal.page
    portal.visit("/accounts/login/")
    sign_in(portal, officer.email, PASSWORD)
    page.get_by_label("Enter the code from your authenticator app").fill(totp_code(SECRET))
    portal.submit(page.get_by_role("button", name="Continue"))
    portal.visit(f"/la/collections/{ks1.pk}/")

    portal.follow(page.get_by_role("button", name="Lock the collection"))
    expect(page).to_have_url(re.compile(rf"/la/collections/{ks1.pk}/lock/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Lock {ks1.short_name}")
    expect(page.locator("#lock-summary")).to_contain_text("1 school that has submitted")
    table = page.get_by_role("table", name="Schools that have not submitted")
    expect(table.get_by_role("row")).to_have_count(3)  # the heading's and B's and C's
    expect(table.get_by_role("row").filter(has_text=b.name)).to_contain_text("Errors to fix")
    expect(table.get_by_role("row").filter(has_text=c.name)).to_contain_text("Not started")
    expect(table).not_to_contain_text(a.name)
    for school in (b, c):
        expect(page.get_by_label(f"Leave out {school.name}")).to_be_checked()
    assert not Lock.objects.exists()  # the first click locked nothing

    page.get_by_label(f"Leave out {c.name}").uncheck()  # C: the officer decides to lock it
    portal.submit(page.get_by_role("button", name="Lock the schools"))
    expect(page).to_have_url(re.compile(rf"/la/collections/{ks1.pk}/$"))
    expect(page.get_by_role("main")).to_contain_text(
        f"{ks1.short_name} is locked for 2 schools. 1 school was left out: not locked."
    )
    held = Lock.objects.filter(collection=ks1, unlocked_at=None)
    assert sorted(lock.school.name for lock in held if lock.school) == sorted([a.name, c.name])
    rows = page.locator("#schools tbody tr")
    expect(rows.filter(has_text=a.laestab)).to_contain_text("locked")
    expect(rows.filter(has_text=b.laestab)).not_to_contain_text("locked")
    assert len(portal.checked) >= 4, portal.checked
