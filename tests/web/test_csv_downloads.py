"""No cell of any CSV the portal serves can run as a formula in a spreadsheet.

Pupils' names and UPNs, a head's name on the sign-off and a school's register entry are
planted with formulas (=HYPERLINK(...), @SUM(1), =1+1 and their full-width forms). The test
walks every URL of the portal, as the school's head and as an LA administrator, with each
export's options; every answer that is a CSV, or a ZIP holding one, is read, and no cell may
begin (after spaces) with a character that starts a formula. Every route whose URL ends in
.csv, and the DfE return's ZIP, must be reached, each with a planted value in it, so a new CSV
download cannot be missed.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from portal_builders import (
    head_of,
    make_admin,
    make_answers,
    make_confirmation,
    make_lock,
    make_window,
)
from portal_support import ctf_bytes, run_tasks, signed_in, upload
from portal_world import body_of, is_file, portal_patterns, urls_of

from keystage.ctf.model import Pupil
from keystage.web.models import School, Submission

# Written out here, not imported: the test must catch a character the code forgets.
FORMULA_STARTS = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"
SPACES = " \u00a0\u3000"
NUMBER = re.compile(r"-?\d+(\.\d+)?")  # a figure Keystage worked out (see safe_csv)
SURNAMES = ['=HYPERLINK("http://x","y")', "\uff1d1+1", "+1+1", "-2+3", "\uff20SUM(1)",
            "\uff0bA1", "\uff0dA1", "@SUM(1)"]  # fmt: skip
FORENAMES = ["@SUM(1)", "=1+1", "\uff1d1+1", "-A1", "+A1", "\uff20A1", "\uff0bA1", "\uff0dA1"]
UPNS = ["=1+1", "\uff1d1+1", "@SUM(1)", "-1+1", "+1+1", "\uff20SUM(1)", "\uff0b1", "\uff0d1"]
VARIANTS = ("", "?version=1", "?minimised=1", "?publication=1", "?profile=full")
ZIPS_WITH_A_CSV = {"la_export_dfe"}  # the DfE return: each school's COLLECT XML and the LA's CSV


def named(pupils: list[Pupil]) -> list[Pupil]:
    """Formulas for names; the UPNs stay valid, so the file can be signed off and exported."""
    changed = [
        dataclasses.replace(p, surname=s, forename=f)
        for p, s, f in zip(pupils, SURNAMES, FORENAMES, strict=False)
    ]
    return [*changed, *pupils[len(changed) :]]


def numbered(pupils: list[Pupil]) -> list[Pupil]:
    """Formulas for names and UPNs (UPN-INVALID: in the findings, the UPN and the message)."""
    renamed = named(pupils)
    changed = [dataclasses.replace(p, upn=u) for p, u in zip(renamed, UPNS, strict=False)]
    return [*changed, *renamed[len(changed) :]]


def is_formula_like(cell: str) -> bool:
    first = cell.lstrip(SPACES)[:1]
    return first != "" and first in FORMULA_STARTS and not NUMBER.fullmatch(cell)


def csvs_in(response: object) -> Iterator[tuple[str, str]]:
    """(name, text) of each CSV in the answer: the answer itself, or a ZIP's members."""
    body = body_of(response)
    disposition = str(response.get("Content-Disposition", ""))  # type: ignore[attr-defined]
    kind = str(response.get("Content-Type", ""))  # type: ignore[attr-defined]
    if kind.startswith("text/csv") or '.csv"' in disposition:
        yield disposition, body.decode("utf-8")
    elif kind.startswith("application/zip"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            for name in archive.namelist():
                if name.lower().endswith(".csv"):
                    yield name, archive.read(name).decode("utf-8")


def downloads(client: Client, url: str) -> Iterator[tuple[str, object]]:
    """Each file the URL answers with, with each export option once one of the first two
    (plain, or ?version=1) is a file."""
    first = [(v, client.get(url + v)) for v in VARIANTS[:2]]
    if not any(is_file(r) for _, r in first):
        return
    rest = [(v, client.get(url + v)) for v in VARIANTS[2:]]
    yield from ((v, r) for v, r in (*first, *rest) if is_file(r))


@dataclasses.dataclass
class World:
    head: Client
    admin: Client
    values: dict[str, list[object]]


@pytest.fixture
def world(school_a: School, school_b: School, la_folder: Path) -> World:
    """School A (its register entry planted) with an EYFSP file of planted names, signed by a
    planted head's name and locked (so every export holds it), and a KS2 file of planted names
    and UPNs; school B's EYFSP file as it is."""
    windows = {kind: make_window(kind) for kind in ("EYFSP", "KS2")}
    School.objects.filter(pk=school_a.pk).update(
        name='=HYPERLINK("http://x","School")', district="@SUM(1)", phase="\uff1d1+1"
    )
    head = signed_in(head_of(school_a))
    upload(head, windows["EYFSP"], ctf_bytes(la_folder, school_a, "EYFSP", named), name="e.xml")
    upload(head, windows["KS2"], ctf_bytes(la_folder, school_a, "KS2", numbered), name="k.xml")
    upload(signed_in(head_of(school_b)), windows["EYFSP"],
           ctf_bytes(la_folder, school_b, "EYFSP"), name="b.xml")  # fmt: skip
    run_tasks()
    versions = list(Submission.objects.filter(school=school_a).order_by("pk"))
    eyfsp = next(v for v in versions if v.collection == windows["EYFSP"])
    assert eyfsp.errors == 0, "the named file must be fit to sign off"
    admin = make_admin()
    make_answers(eyfsp)
    make_confirmation(eyfsp, signer_name="=cmd|' /C calc'!A0", signer_role="@Head",
                      responsible="-Reception team")  # fmt: skip
    make_lock(windows["EYFSP"], by=admin)
    values: dict[str, list[object]] = defaultdict(lambda: [0])  # no such object: a 404
    values.update({
        "collection_id": [c.pk for c in windows.values()],
        "submission_id": [v.pk for v in versions],
        "school_id": [school_a.pk],
        "year": ["2025-26"],
    })  # fmt: skip
    return World(head, signed_in(admin), values)


def test_no_cell_of_any_csv_download_can_run_as_a_formula(world: World) -> None:
    reached: set[str] = set()  # routes that answered with a CSV
    planted: dict[str, int] = defaultdict(int)  # route -> cells with a planted value, made inert
    patterns = portal_patterns()
    for route, pattern in patterns:
        name = pattern.name or route
        client = world.admin if route.startswith("la/") else world.head
        values = {k: world.values[k] for k in pattern.pattern.converters}
        for url in urls_of(route, pattern, values):
            for variant, response in downloads(client, url):
                for file, text in csvs_in(response):
                    reached.add(name)
                    for row in csv.reader(io.StringIO(text)):
                        for cell in row:
                            assert not is_formula_like(cell), f"{url}{variant} {file}: {cell!r}"
                            planted[name] += cell.startswith("'")
    csv_routes = {p.name for route, p in patterns if route.endswith(".csv")}
    routes = {p.name for _, p in patterns}
    assert routes >= ZIPS_WITH_A_CSV, "a ZIP with a CSV was renamed: follow it here"
    wanted = csv_routes | ZIPS_WITH_A_CSV
    assert wanted <= reached, f"never downloaded: {sorted(wanted - reached)}"
    unplanted = sorted(r for r in wanted if not planted[r])
    assert not unplanted, f"no planted value reached {unplanted}: plant one in the fixture"
