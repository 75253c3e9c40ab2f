"""Results reports: the PDFs hold the right figures, are tagged and fetch nothing; publishing
makes one task a school, new versions only when data change; a school gets only its own."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from typing import Any

import pytest
from django.core import mail as outbox
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from portal_support import ctf_bytes, run_tasks, signed_in, upload
from pypdf import PdfReader
from signing import sign

from keystage.ctf.model import Pupil
from keystage.web.common.pdf.assets import BASE_URL
from keystage.web.common.pdf.fetcher import AssetFetcher, RefusedAssetError
from keystage.web.models import (
    AuditEvent,
    Collection,
    ComparisonFigure,
    Report,
    School,
    User,
)
from keystage.web.reports.publish import TASK_PATH, publish
from keystage.web.reports.pupil_pdf import render_pupil_report
from keystage.web.reports.school_report import render_school_report
from keystage.web.results.pupils import measures_for


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def uploaded(head_a: Client, ks1: Collection, la_folder: Path, school_a: School) -> School:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    return school_a


def test_school_report_holds_the_schools_figures(uploaded: School, ks1: Collection) -> None:
    ComparisonFigure.objects.create(
        measure="ks1_reading_exs_plus", group="all", level="national", area="England",
        academic_year="2022-23", value=68.0, source="DfE KS1 attainment 2023",
        imported_at=timezone.now(),
    )  # fmt: skip
    pdf = render_school_report(uploaded, ks1)
    text = " ".join(text_of(pdf).split())  # a long cell may wrap
    figures = {(m.measure, m.group): m for m in measures_for(ks1, uploaded)}
    reading = figures["ks1_reading_exs_plus", "all"]
    assert reading.percent is not None
    assert f"{reading.numerator} of {reading.denominator} ({reading.percent:.1f}%)" in text
    assert uploaded.name in text and uploaded.laestab in text
    assert "Data as of version 1" in text
    assert "68.0%" in text and "DfE final figures, 2022-23 (DfE KS1 attainment 2023)" in text
    assert "not available" in text  # the measures without a national figure
    assert "No earlier years" in text
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 2


def test_the_pdf_is_tagged_for_accessibility(uploaded: School, ks1: Collection) -> None:
    reader = PdfReader(io.BytesIO(render_school_report(uploaded, ks1)))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "en"
    metadata = catalog["/Metadata"].get_object().get_data().decode()
    assert "pdfuaid:part" in metadata.replace('"', "").replace("'", "") or "pdfuaid" in metadata
    assert reader.metadata is not None and uploaded.name in (reader.metadata.title or "")


def test_fonts_are_embedded_from_the_shipped_files(uploaded: School, ks1: Collection) -> None:
    reader = PdfReader(io.BytesIO(render_school_report(uploaded, ks1)))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("Liberation-Sans" in name for name in fonts)


def test_the_fetcher_serves_only_the_reports_own_assets() -> None:
    fetcher = AssetFetcher()
    refused = (
        "http://example.com/x.png",
        "https://example.com/a.css",
        "file:///etc/passwd",
        BASE_URL + "../../models/results.py",
        BASE_URL + "fonts/LICENSE",
        "data:,x",
    )
    for url in refused:
        with pytest.raises(RefusedAssetError):
            fetcher.fetch(url)
    font = fetcher.fetch(BASE_URL + "fonts/LiberationSans-Regular.ttf")
    assert font.read(4) == b"\x00\x01\x00\x00"


def test_pupil_report_lists_pupils_by_surname(uploaded: School, ks1: Collection) -> None:
    text = text_of(render_pupil_report(uploaded, ks1))
    records = list(Report.objects.none())  # nothing stored by rendering alone
    assert records == []
    from keystage.web.results.pupils import current_records

    rows = sorted(current_records(ks1, uploaded), key=lambda r: (r.surname.casefold(), r.upn))
    positions = [text.find(row.upn) for row in rows]
    assert all(p >= 0 for p in positions)
    assert positions == sorted(positions)
    assert "Reading EXS+" in text and "RWM EXS+" in text


def _email_to(school: School) -> list[outbox.EmailMessage]:
    return [m for m in outbox.outbox if school.main_email.lower() in m.to]


@pytest.mark.django_db
def test_publishing_renders_each_school_once_and_again_only_on_change(
    head_a: Client,
    ks1: Collection,
    la_folder: Path,
    schools: list[School],
    officer: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    school_a, school_b = schools[0], schools[1]
    head_b = signed_in(User.objects.get(username=school_b.urn))
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    upload(head_b, ks1, ctf_bytes(la_folder, school_b))
    run_tasks()
    sign(school_a, ks1)
    sign(school_b, ks1)
    outbox.outbox.clear()

    assert publish(ks1, officer) == 2
    assert DBTaskResult.objects.filter(task_path=TASK_PATH).count() == 2  # a task row a school
    run_tasks()
    assert Report.objects.filter(collection=ks1).count() == 4  # school and pupil, each school
    first = Report.objects.get(school=school_a, kind="school")
    assert first.version == 1 and first.render_seconds > 0 and first.size > 0
    sent = _email_to(school_a)
    assert len(sent) == 1 and "are ready" in sent[0].subject
    assert "/reports/" in sent[0].body

    outbox.outbox.clear()
    publish(ks1, officer)
    run_tasks()
    assert Report.objects.filter(collection=ks1).count() == 4  # no data change, no new version
    assert outbox.outbox == []

    def corrected(pupils: list[Pupil]) -> list[Pupil]:  # a clean version 2, nothing to answer
        first = pupils[0]
        reading = dataclasses.replace(first.assessments[0], result="WTS")
        changed = dataclasses.replace(first, assessments=(reading, *first.assessments[1:]))
        return [changed, *pupils[1:]]

    upload(head_a, ks1, ctf_bytes(la_folder, school_a, change=corrected), name="ks1-v2.xml")
    run_tasks()  # version 2 becomes current; its reports wait for the head's confirmation
    sign(school_a, ks1, django_capture_on_commit_callbacks)  # then are redone
    run_tasks()  # no publishing by hand
    latest = Report.objects.filter(school=school_a, kind="school").order_by("-version").first()
    assert latest is not None and latest.version == 2
    assert Report.objects.filter(school=school_b).count() == 2  # B's data did not change
    sent = [m for m in _email_to(school_a) if not m.subject.startswith("Receipt")]
    assert len(sent) == 1 and "updated" in sent[0].subject  # besides the signature's receipt
    assert _email_to(school_b) == []


@pytest.mark.django_db
def test_a_school_downloads_only_its_own_reports(
    head_a: Client, ks1: Collection, la_folder: Path, schools: list[School], officer: User
) -> None:
    school_a, school_b = schools[0], schools[1]
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    upload(signed_in(User.objects.get(username=school_b.urn)), ks1, ctf_bytes(la_folder, school_b))
    run_tasks()
    sign(school_a, ks1)
    sign(school_b, ks1)
    publish(ks1, officer)
    run_tasks()
    own = Report.objects.get(school=school_a, kind="pupil")
    other = Report.objects.get(school=school_b, kind="pupil")

    page = head_a.get(reverse("portal:reports"))
    assert page.status_code == 200
    assert reverse("portal:report_download", args=[own.pk]) in page.content.decode()
    assert reverse("portal:report_download", args=[other.pk]) not in page.content.decode()

    response = head_a.get(reverse("portal:report_download", args=[own.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    event = AuditEvent.objects.get(action=AuditEvent.Action.DOWNLOAD)
    assert event.school == school_a.laestab and event.detail["report_id"] == own.pk

    assert head_a.get(reverse("portal:report_download", args=[other.pk])).status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).count() == 1


@pytest.mark.django_db
def test_the_data_team_publishes_from_its_page(
    la_client: Client, head_a: Client, ks1: Collection, la_folder: Path, school_a: School
) -> None:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    sign(school_a, ks1)
    url = reverse("portal:la_publish", args=[ks1.pk])
    page = la_client.get(url)
    assert page.status_code == 200 and "Publish reports to 1 school" in page.content.decode()
    assert head_a.get(url).status_code == 404  # school users never see the LA's pages
    assert la_client.post(url).status_code == 302
    run_tasks()
    page = la_client.get(url)
    assert "1 made from the school's current version" in page.content.decode()
    assert "Publish again" in page.content.decode()
