"""An LA's whole NCA Portal download: a combined file larger than a school's file may be, and
a differences page that reads an import's 300 schools in the same few queries as one school's
(benchmarks/nca_import.py measures both at Birmingham's size)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from portal_builders import make_officer, make_school, make_window
from portal_support import run_tasks, signed_in

from keystage.ctf.upn import make
from keystage.web.models import Collection, NcaImport, School
from keystage.web.submissions.nca import import_download

SAMPLES = Path(__file__).parents[1] / "data" / "nca"


def sample(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def la_csv(schools: int, reading: str) -> bytes:
    """The sample CSV's first pupil at each of `schools` schools, with this reading score."""
    rows = list(csv.DictReader(io.StringIO((SAMPLES / "ks2_results_with_ta.csv").read_text())))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for n in range(schools):
        laestab = f"33020{n:02d}"
        upn = make("330", laestab[3:], 2019, 1)
        writer.writerow(rows[0] | {"LAESTAB": laestab, "UPN": upn, "READSCORE": reading})
    return out.getvalue().encode()


def differences_page(
    team: Client, ks2: Collection, schools: int, readings: tuple[str, str]
) -> tuple[int, str]:
    """`schools` schools imported twice, with these reading scores: the SQL queries of the
    second import's differences page, and the page."""
    for n in range(len(School.objects.filter(laestab__startswith="33020")), schools):
        make_school(laestab=f"33020{n:02d}", urn=f"1020{n:02d}", name=f"School {n:02d}")
    for reading in readings:
        made = import_download(ks2, sample("ks2.csv", la_csv(schools, reading)), user=None)
        run_tasks()
    url = f"/la/collections/{ks2.pk}/nca/{made.pk}/"
    team.get(url)  # sessions and caches warm
    with CaptureQueriesContext(connection) as run:
        page = team.get(url).content.decode()
    return len(run), page


@pytest.mark.django_db
def test_the_differences_page_reads_many_schools_in_as_many_queries_as_two() -> None:
    ks2, team = make_window("KS2"), signed_in(make_officer())
    few, page = differences_page(team, ks2, 2, ("104", "105"))
    assert page.count("1 pupil changed, 0 added, 0 removed") == 2
    assert "Reading test scaled score" in page and ">104<" in page and ">105<" in page
    many, page = differences_page(team, ks2, 12, ("106", "107"))  # 10 more schools
    assert page.count("1 pupil changed, 0 added, 0 removed") == 12
    assert many == few


@pytest.mark.django_db
def test_a_combined_file_over_a_schools_cap_is_imported_up_to_the_import_cap() -> None:
    ks2 = make_window("KS2")
    make_school()
    make_school(laestab="3309998", urn="199998", name="Brook Street Primary")
    team: Client = signed_in(make_officer())
    combined = (SAMPLES / "ks2_la_combined.xml").read_bytes()
    small = len(combined) - 2048  # under the whole file, over each school's part of it
    with override_settings(MAX_UPLOAD_BYTES=small, MAX_IMPORT_BYTES=len(combined) - 1):
        refused = team.post(f"/la/collections/{ks2.pk}/nca/", {"file": sample("la.xml", combined)})
        assert refused.status_code in (400, 413) and not NcaImport.objects.exists()
        assert "school by school" in refused.content.decode()
    with override_settings(MAX_UPLOAD_BYTES=small, MAX_IMPORT_BYTES=len(combined)):
        done = team.post(f"/la/collections/{ks2.pk}/nca/", {"file": sample("la.xml", combined)})
    assert done.status_code == 302
    run_tasks()
    assert NcaImport.objects.get().versions.filter(status="checked").count() == 2
