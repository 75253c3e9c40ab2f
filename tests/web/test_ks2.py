"""KS2 end to end: a school's upload and the LA's bulk import are checked, counted and reported
like every other collection's."""

from __future__ import annotations

import io
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from portal_builders import make_window
from portal_support import ctf_bytes, run_tasks, upload
from pypdf import PdfReader

from keystage.web.models import Collection, School, Submission
from keystage.web.ops.demo_nca import import_combined
from keystage.web.results.pupils import measures_for

KS2_MEASURES = {
    "ks2_rwm_exs_plus",
    "ks2_rwm_high",
    "ks2_reading_exs_plus",
    "ks2_writing_exs_plus",
    "ks2_maths_exs_plus",
    "ks2_gps_exs_plus",
    "ks2_reading_avg_score",
    "ks2_maths_avg_score",
    "ks2_gps_avg_score",
}


def text_of(pdf: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split()
    )


@pytest.fixture
def ks2(db: None) -> Collection:
    return make_window("KS2")


def test_a_school_uploads_its_ks2_file_and_it_is_checked_and_counted(
    head_a: Client, ks2: Collection, la_folder: Path, school_a: School
) -> None:
    response = upload(head_a, ks2, ctf_bytes(la_folder, school_a, "KS2"), name="ks2.xml")
    assert response.status_code == 302
    run_tasks()
    version = Submission.objects.get(school=school_a, collection=ks2)
    assert version.status == "checked" and version.is_current
    assert version.pupils > 10 and version.errors == 0
    # The school's own upload checks its TA; the figures wait for the NCA Portal's results.
    assert not [m for m in measures_for(ks2, school_a) if m.denominator]
    import_combined(ks2)
    found = {m.measure: m for m in measures_for(ks2, school_a) if m.group == "all"}
    assert set(found) >= KS2_MEASURES
    rwm = found["ks2_rwm_exs_plus"]
    assert rwm.denominator and 0 < rwm.denominator <= version.pupils
    # Combined cannot exceed any of its subjects.
    for subject in ("reading", "writing", "maths"):
        single = found[f"ks2_{subject}_exs_plus"]
        assert rwm.numerator is not None and single.numerator is not None
        assert rwm.numerator <= single.numerator
    reading = found["ks2_reading_avg_score"]
    assert reading.value is not None and 80 <= reading.value <= 120
    page = head_a.get(f"/files/{version.pk}/")
    assert page.status_code == 200


def test_ks2_reports_hold_the_ks2_figures(
    head_a: Client, ks2: Collection, la_folder: Path, school_a: School
) -> None:
    from keystage.web.reports.pupil_pdf import render_pupil_report
    from keystage.web.reports.school_report import render_school_report

    upload(head_a, ks2, ctf_bytes(la_folder, school_a, "KS2"), name="ks2.xml")
    run_tasks()
    import_combined(ks2)
    found = {m.measure: m for m in measures_for(ks2, school_a) if m.group == "all"}
    rwm = found["ks2_rwm_exs_plus"]
    school_text = text_of(render_school_report(school_a, ks2))
    assert f"{rwm.numerator} of {rwm.denominator} ({rwm.percent:.1f}%)" in school_text
    assert "Key Stage 2" in school_text
    pupil_text = text_of(render_pupil_report(school_a, ks2))
    assert "Writing teacher assessment" in pupil_text and "RWM EXS" in pupil_text


def test_the_la_results_page_shows_ks2(
    head_a: Client, la_client: Client, ks2: Collection, la_folder: Path, school_a: School
) -> None:
    upload(head_a, ks2, ctf_bytes(la_folder, school_a, "KS2"), name="ks2.xml")
    run_tasks()
    import_combined(ks2)
    page = la_client.get(f"/la/collections/{ks2.pk}/results/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "reading, writing and maths" in body.lower() and school_a.name in body
    pupils = la_client.get(f"/la/collections/{ks2.pk}/pupils.csv")
    assert pupils.status_code == 200 and b"ks2_rwm_exs_plus" in pupils.content


def test_the_la_imports_every_schools_ks2_file_in_bulk(
    schools: list[School], ks2: Collection, la_folder: Path
) -> None:
    out = StringIO()
    call_command("importctf", str(la_folder / "KS2"), stdout=out)
    versions = Submission.objects.filter(collection=ks2).order_by("school__laestab")
    assert [v.school for v in versions] == schools
    assert {v.channel for v in versions} == {"import"}
    run_tasks()
    import_combined(ks2)
    for school in schools:
        found = {m.measure: m for m in measures_for(ks2, school) if m.group == "all"}
        assert found["ks2_rwm_exs_plus"].denominator
    la = {m.measure: m for m in measures_for(ks2) if m.group == "all"}
    each = [measures_for(ks2, s) for s in schools]
    total = sum(
        m.denominator or 0
        for ms in each
        for m in ms
        if m.measure == "ks2_rwm_exs_plus" and m.group == "all"
    )
    assert la["ks2_rwm_exs_plus"].denominator == total
