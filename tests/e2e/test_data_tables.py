"""The data team's tables in a real Chromium on a laptop (issue 14, item 19), every page checked
by axe-core: the progress, results and pupils-in-two-files pages take the screen's width, a
school's name reads on two lines at most, and each table sorts by its headings, the same way.
"""

from __future__ import annotations

import dataclasses
import re
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
from keystage.web.models import Collection, School, User
from keystage.web.schools.register import apply, load_register
from keystage.web.submissions import uploads

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "JBSWY3DPEHPK3PXP"  # the officer's authenticator app, known to the test
LAPTOP = {"width": 1366, "height": 768}
# Schools' names as long as real ones get.
NAMES = ("St Edmund's Church of England Voluntary Aided Primary School",
         "Our Lady of Lourdes Catholic Primary School and Nursery",
         "Abbey Junior and Infant School")  # fmt: skip
BLANKS = {"\N{EN DASH}", "c", "None", ""}


@dataclass(frozen=True)
class Returns:
    schools: list[School]
    same_child: str  # the UPN school B's file shares with A's, with A's date of birth
    upn_only: str  # the UPN B's file shares with A's, with another date of birth


@pytest.fixture
def returns(transactional_db: None, la_folder: Path, ks1: Collection) -> Returns:
    """Three schools with long names, each file checked; B's has two of A's pupils: one the
    same child, one a UPN alone (another date of birth)."""
    apply(load_register(la_folder / "schools.csv"))
    schools = list(School.objects.order_by("laestab"))
    for school, name in zip(schools, NAMES, strict=True):
        school.name = name
        school.save()
    a, b, _ = schools
    with read_ctf(clean_ctf(la_folder, a)) as reader:
        same, other = sorted(reader, key=lambda p: p.upn or "")[:2]
    born = other.dob_date
    assert born is not None
    files = {s.pk: clean_ctf(la_folder, s).read_bytes() for s in schools}
    with read_ctf(clean_ctf(la_folder, b)) as reader:
        header, pupils = reader.header, list(reader)
    moved = [same, dataclasses.replace(other, dob=born.replace(year=born.year - 1).isoformat())]
    files[b.pk] = to_bytes(header, [*moved, *pupils[2:]])
    for school in schools:
        head = make_head(school)
        upload = SimpleUploadedFile(f"{school.laestab}.xml", files[school.pk], "text/xml")
        uploads.receive(school=school, collection=ks1, upload=upload, user=head)
    run_tasks()
    assert same.upn and other.upn
    return Returns(schools, same.upn, other.upn)


@pytest.fixture
def officer(transactional_db: None) -> User:
    return make_officer("data.officer", secret=SECRET)


def sign_in_with_code(portal: Portal, officer: User) -> None:
    page = portal.page
    portal.visit("/accounts/login/")
    sign_in(portal, officer.email, PASSWORD)
    page.get_by_label("Enter the code from your authenticator app").fill(totp_code(SECRET))
    portal.submit(page.get_by_role("button", name="Continue"))
    expect(page).to_have_url(re.compile(r"/la/$"))


def labels(table: Locator) -> list[str]:
    """The column headings' words (without what a screen reader hears of the sort)."""
    found: list[str] = table.locator("thead th").evaluate_all(
        "ths => ths.map(th => (th.querySelector('a') || th).childNodes[0].textContent.trim())"
    )
    return found


def heading(table: Locator, label: str) -> Locator:
    return table.locator("thead th").nth(labels(table).index(label))


def column(table: Locator, label: str) -> list[str]:
    """The first line of each row's cell under a heading, top to bottom."""
    at = labels(table).index(label) + 1
    cells = table.locator(f"tbody tr > :nth-child({at})").all_inner_texts()
    return [c.strip().split("\n")[0] for c in cells]


def sorts_by(portal: Portal, table_id: str, label: str, *, numbers: bool = False) -> None:
    """Clicking a heading sorts the table by it, ascending, then descending, blanks last
    either way; that heading says so (aria-sort), and no other does."""
    page = portal.page
    table = page.locator(f"#{table_id}")
    for order in ("ascending", "descending"):
        portal.follow(heading(table, label).get_by_role("link"))
        expect(heading(table, label)).to_have_attribute("aria-sort", order)
        expect(table.locator("thead th:not([aria-sort='none'])")).to_have_count(1)
        cells = column(table, label)
        known = [c for c in cells if c not in BLANKS]
        assert cells[: len(known)] == known, f"{label}: blanks come last: {cells}"
        values = [float(c.rstrip("%")) if numbers else c.casefold() for c in known]
        assert values == sorted(values, reverse=order == "descending"), (label, order, cells)


def lines_of(page: Page, selector: str) -> list[int]:
    """How many lines each element's text takes on the screen."""
    counted: list[int] = page.locator(selector).evaluate_all(
        "els => els.map(e => e.getClientRects().length)"
    )
    return counted


def sortable(table: Locator) -> None:
    """Every heading is a link that sorts the table, and says how it is sorted."""
    headings = table.locator("thead th")
    expect(headings.filter(has=table.page.locator("a"))).to_have_count(headings.count())
    expect(table.locator("thead th[aria-sort]")).to_have_count(headings.count())


def test_the_data_teams_tables_use_the_width_and_sort_by_their_headings(
    portal: Portal, returns: Returns, officer: User, ks1: Collection
) -> None:
    page = portal.page
    page.set_viewport_size(LAPTOP)
    sign_in_with_code(portal, officer)

    # Progress: the width of the screen, every school's name on two lines at most.
    portal.visit(f"/la/collections/{ks1.pk}/")
    schools = page.locator("#schools")
    assert (schools.bounding_box() or {"width": 0})["width"] > 1200
    assert max(lines_of(page, "#schools tbody th a")) <= 2, lines_of(page, "#schools tbody th a")
    sortable(schools)
    sorts_by(portal, "schools", "Pupils", numbers=True)
    sorts_by(portal, "schools", "School")
    sorts_by(portal, "schools", "District")

    # Results: the schools' figures, by any measure.
    portal.visit(f"/la/collections/{ks1.pk}/results/")
    figures = page.locator("#schools")
    assert (figures.bounding_box() or {"width": 0})["width"] > 1200
    assert max(lines_of(page, "#schools tbody th a")) <= 2, lines_of(page, "#schools tbody th a")
    sortable(figures)
    for measure in labels(figures)[3:]:
        sorts_by(portal, "schools", measure, numbers=True)
    sorts_by(portal, "schools", "Pupils", numbers=True)
    sorts_by(portal, "schools", "School")

    # Pupils in two schools' files: the weakest match first, and by the pupil's name.
    portal.visit(f"/la/collections/{ks1.pk}/moves/")
    moves = page.locator("#moves")
    expect(moves.locator("tbody tr")).to_have_count(2)
    sortable(moves)
    portal.follow(heading(moves, "Match").get_by_role("link"))
    expect(heading(moves, "Match")).to_have_attribute("aria-sort", "ascending")
    expect(moves.locator("tbody tr").first).to_contain_text(returns.upn_only)
    expect(moves.locator("tbody tr").first).to_contain_text("UPN only")
    portal.follow(heading(moves, "Match").get_by_role("link"))
    expect(heading(moves, "Match")).to_have_attribute("aria-sort", "descending")
    expect(moves.locator("tbody tr").first).to_contain_text(returns.same_child)
    sorts_by(portal, "moves", "Pupil")
    sorts_by(portal, "moves", "Schools")
