"""The school report's four pages: headline figures and the comparison chart, each subject,
the pupil groups, and the years; the charts' figures as text; the fast parse of the report's
markup reads it as WeasyPrint's own parser does."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone
from portal_support import ctf_bytes, run_tasks, upload
from pypdf import PdfReader

from keystage import codesets
from keystage.ctf.writer import to_bytes
from keystage.synth import SchoolCohorts, generate_schools
from keystage.synth.la import school_file
from keystage.web.common import charts
from keystage.web.common.pdf import pdf_of
from keystage.web.models import Collection, School
from keystage.web.reports.school_report import render_school_report, school_context
from keystage.web.reports.subjects import standard
from keystage.web.results.comparisons import load_england_headlines
from keystage.web.results.pupils import measures_for
from keystage.web.submissions.processing import check_submission
from keystage.web.submissions.uploads import receive


def pages_of(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def last_years_file(school: School) -> bytes:
    """The school's KS1 file for 2024-25: the same school (the fixtures' register, seed 7),
    other children."""
    found = next(s for s in generate_schools("330", 3, 7) if s.laestab == school.laestab)
    cohorts = SchoolCohorts(found, codesets.load("2024-25"), f"8:{found.laestab}")
    item = school_file(cohorts, "KS1")
    return to_bytes(item.header, item.pupils)


@pytest.fixture
def two_years(head_a: Client, ks1: Collection, la_folder: Path, school_a: School) -> Collection:
    """Last year's collection with the school's file, and this year's uploaded; returns last
    year's."""
    today = timezone.localdate()
    earlier = Collection.objects.create(
        kind="KS1", academic_year="2024-25", opens=today - dt.timedelta(days=400),
        deadline=today - dt.timedelta(days=370), closes=today - dt.timedelta(days=360),
    )  # fmt: skip
    upload_file = SimpleUploadedFile("ks1-2025.xml", last_years_file(school_a), "text/xml")
    version = receive(school=school_a, collection=earlier, upload=upload_file, user=None)
    check_submission(version.pk)
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    load_england_headlines()
    return earlier


def test_the_school_report_has_four_pages_each_with_its_own_part(
    two_years: Collection, ks1: Collection, school_a: School
) -> None:
    pages = pages_of(render_school_report(school_a, ks1))
    assert len(pages) == 4
    for page, heading in zip(
        pages, ("Headline figures", "Each subject", "Pupil groups", "Over the years"), strict=True
    ):
        assert heading in page
        assert len(page) > 600  # real content, not a heading alone
    now = {m.measure: m for m in measures_for(ks1, school_a) if m.group == "all"}
    then = {m.measure: m for m in measures_for(two_years, school_a) if m.group == "all"}
    reading, before = now["ks1_reading_exs_plus"], then["ks1_reading_exs_plus"]
    assert reading.percent is not None and before.percent is not None
    headline, subjects, groups, years = pages
    assert f"{reading.numerator} of {reading.denominator} ({reading.percent:.1f}%)" in headline
    assert f"Reading EXS+: School {reading.percent:.1f}%" in headline  # the chart's figures
    assert "England 68.0%" in headline  # the shipped figure for 2022-23
    assert "DfE, Key stage 1 and phonics screening check attainment: 2022/23" in headline
    assert "Reading" in subjects and "expected standard" in subjects  # the spread's shares
    assert "Girls (" in groups and "Boys (" in groups
    assert "2024-25" in years and "2025-26" in years
    assert f"{before.percent:.1f}%" in years and f"{reading.percent:.1f}%" in years
    assert f"{reading.percent - before.percent:+.1f} points" in years
    assert f"Reading EXS+: 2024-25 {before.percent:.1f}%, 2025-26 {reading.percent:.1f}%" in years


def test_the_fast_parse_reads_the_report_as_weasyprints_own_parser(
    two_years: Collection, ks1: Collection, school_a: School
) -> None:
    from weasyprint import HTML  # type: ignore[import-untyped]

    from keystage.web.common.pdf import BASE_URL, _weasy

    html = render_to_string("reports/school.html", school_context(school_a, ks1))
    fetcher, fonts, css = _weasy()
    own = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
        font_config=fonts, stylesheets=[css], pdf_variant="pdf/ua-1"
    )
    fast, pages = pdf_of(html)
    assert pages == len(own.pages)
    assert pages_of(fast) == pages_of(own.write_pdf(pdf_variant="pdf/ua-1"))
    reader = PdfReader(io.BytesIO(fast))
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # still tagged


def test_markup_that_is_not_well_formed_goes_to_weasyprints_parser() -> None:
    pdf, pages = pdf_of('<!DOCTYPE html><html lang="en"><title>t</title><p>A<br>B & C')
    assert pages == 1
    assert "B & C" in pages_of(pdf)[0]


def test_results_go_from_the_highest_standard_down() -> None:
    codeset = codesets.load("2025-26")
    found = ["A", "EM", "PK1", "WTS", "GDS", "PK4", "EXS", "HNM", "101", "99"]
    ordered = sorted(found, key=lambda result: standard(result, codeset))
    assert ordered == ["GDS", "EXS", "101", "99", "HNM", "WTS", "PK4", "PK1", "EM", "A"]


def test_charts_are_text_with_escaped_labels() -> None:
    html = charts.bars(("School", "LA"), [charts.Row("<b>R&W</b>", [55.0, None])])
    assert "&lt;b&gt;R&amp;W&lt;/b&gt;: School 55.0%, LA not available" in html
    assert "<b>" not in html
    spread = charts.spread(
        [charts.Spread("Reading", [("GDS", 1, 0), ("EXS", 2, 1), ("PK1", 1, 4), ("EM", 0, 4)])],
        ("Greater depth", "Expected", "", "", "Pre-key stage", "", ""),
    )
    assert "Reading: greater depth 25%, expected 50%, pre-key stage 25%" in spread
