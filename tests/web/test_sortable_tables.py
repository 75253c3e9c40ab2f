"""The data team's tables sort by their headings, the same way (issue 14, item 19): progress,
results and pupils in two schools' files, each by its main columns, through one helper."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client
from portal_support import ctf_bytes, run_tasks, signed_in, upload

from keystage.ctf.model import Pupil
from keystage.web.common.sorting import Column, by_key, headings, sort_asked, sort_rows
from keystage.web.models import Collection, School, User
from keystage.web.workspace import shared_pupils

# -- The helper ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thing:
    name: str
    size: int | None


COLUMNS = by_key(
    Column("name", "Name", lambda t: t.name.casefold()),
    Column("size", "Size", lambda t: t.size, numeric=True),
)
THINGS = [Thing("b", 2), Thing("a", None), Thing("c", 2), Thing("d", 1)]


def names(things: list[Thing]) -> list[str]:
    return [t.name for t in things]


def by_name(thing: Thing) -> str:
    return thing.name


def test_blanks_sort_last_either_way_and_ties_keep_the_tie_order() -> None:
    assert names(sort_rows(THINGS, "size", COLUMNS, by_name)) == ["d", "b", "c", "a"]
    assert names(sort_rows(THINGS, "-size", COLUMNS, by_name)) == ["b", "c", "d", "a"]
    assert names(sort_rows(THINGS, "-name", COLUMNS, by_name)) == ["d", "c", "b", "a"]


def test_a_sort_that_names_no_column_is_the_default() -> None:
    assert sort_asked("-size", COLUMNS, "name") == "-size"
    assert sort_asked("colour", COLUMNS, "name") == "name"
    assert sort_asked(None, COLUMNS, "name") == "name"


def test_each_heading_links_to_its_sort_and_says_the_sort_now() -> None:
    found = headings(list(COLUMNS.values()), "-size", lambda sort: f"?sort={sort}")
    assert [(h.label, h.href, h.aria_sort, h.numeric) for h in found] == [
        ("Name", "?sort=name", "none", False),
        ("Size", "?sort=size", "descending", True),
    ]
    ascending = headings(list(COLUMNS.values()), "name", lambda sort: f"?sort={sort}")
    assert (ascending[0].href, ascending[0].aria_sort) == ("?sort=-name", "ascending")


# -- The pages -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Moves:
    same_child: str  # a UPN with the same date of birth in both files
    upn_only: str  # a UPN with another date of birth in B's file


@pytest.fixture
def moves(
    head_a: Client, school_a: School, school_b: School, ks1: Collection, la_folder: Path
) -> Moves:
    """A's file as it is; B's with A's first two pupils (by UPN) in place of its own first two,
    the second with another date of birth."""
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    taken: list[Pupil] = []

    def keep(pupils: list[Pupil]) -> list[Pupil]:
        taken.extend(sorted(pupils, key=lambda p: p.upn or "")[:2])
        return pupils

    ctf_bytes(la_folder, school_a, change=keep)
    same, other = taken
    born = other.dob_date
    assert born is not None and same.upn and other.upn
    elsewhere = dataclasses.replace(other, dob=born.replace(year=born.year - 1).isoformat())
    head_b = signed_in(User.objects.get(username=school_b.urn))
    upload(head_b, ks1, ctf_bytes(la_folder, school_b, "KS1",
                                  lambda pupils: [same, elsewhere, *pupils[2:]]))  # fmt: skip
    run_tasks()
    return Moves(same.upn, other.upn)


def table(html: str, table_id: str) -> str:
    found = re.search(rf'<table [^>]*id="{table_id}">.*?</table>', html, re.S)
    assert found, f"no #{table_id} table"
    return found.group(0)


def sort_headings(html: str, table_id: str) -> list[tuple[str, str]]:
    """(aria-sort, the heading link's sort=) of each column heading."""
    head = re.search(r"<thead.*?</thead>", table(html, table_id), re.S)
    assert head
    cells = re.findall(r"<th [^>]*>.*?</th>", head.group(0), re.S)
    found = []
    for cell in cells:
        aria = re.search(r'aria-sort="(\w+)"', cell)
        link = re.search(r'href="\?[^"]*sort=([\w-]+)', cell)
        found.append((aria.group(1) if aria else "", link.group(1) if link else ""))
    return found


def upns_in_order(html: str) -> list[str]:
    return re.findall(r"UPN (\w{13})", table(html, "moves"))


def test_every_data_table_sorts_by_each_heading_the_same_way(
    moves: Moves, la_client: Client, ks1: Collection
) -> None:
    pages = {
        f"/la/collections/{ks1.pk}/": "schools",
        f"/la/collections/{ks1.pk}/results/": "schools",
        f"/la/collections/{ks1.pk}/moves/": "moves",
    }
    for url, table_id in pages.items():
        found = sort_headings(la_client.get(url).content.decode(), table_id)
        assert len(found) >= 5, (url, found)
        assert found[0][0] == "ascending", (url, found)  # by the row's name, first
        assert all(aria == "none" for aria, _ in found[1:]), (url, found)
        assert all(key for _, key in found), f"{url}: a heading does not sort: {found}"
        assert found[0][1].startswith("-"), (url, found)  # clicked again: descending


def test_pupils_in_two_files_sort_by_the_match_and_the_decision(
    moves: Moves, la_client: Client, ks1: Collection, school_a: School
) -> None:
    url = f"/la/collections/{ks1.pk}/moves/"
    weakest_first = upns_in_order(la_client.get(f"{url}?sort=match").content.decode())
    assert weakest_first == [moves.upn_only, moves.same_child]
    strongest_first = upns_in_order(la_client.get(f"{url}?sort=-match").content.decode())
    assert strongest_first == [moves.same_child, moves.upn_only]

    decided = shared_pupils.move_for(ks1, moves.upn_only)
    assert decided is not None
    shared_pupils.decide(decided, school_a, by=User.objects.get(username="data.officer"))
    undecided_first = upns_in_order(la_client.get(f"{url}?sort=decision").content.decode())
    assert undecided_first == [moves.same_child, moves.upn_only]
    decided_first = la_client.get(f"{url}?sort=-decision").content.decode()
    assert upns_in_order(decided_first) == [moves.upn_only, moves.same_child]
    assert ("descending", "decision") in sort_headings(decided_first, "moves")
