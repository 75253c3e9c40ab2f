"""KS2 moderation tests' world: a KS2 collection with both schools' data, school A chosen for
moderation with an appeal window, and the data team's and the head's steps as the pages take
them (each action at its own address)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from portal_support import ctf_bytes, run_tasks, signed_in, upload
from pypdf import PdfReader

from keystage.checks.run import Lookup
from keystage.codesets import codeset_for
from keystage.ctf.model import pupil_from_dict
from keystage.measures.compute import scorer_for
from keystage.measures.results import by_role, latest
from keystage.web.models import Appeal, Collection, ModeratedSchool, PupilRecord, School, User
from keystage.web.ops.demo_nca import import_combined
from keystage.web.results.pupils import measures_for

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
TODAY = timezone.localdate


def LATER() -> dt.date:  # noqa: N802
    """After the appeals these tests make (two days from today)."""
    return TODAY() + dt.timedelta(days=3)


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def figures(collection: Collection, school: School | None = None) -> dict[str, tuple[int, int]]:
    """measure -> (numerator, denominator) of the "all" group's percentage measures."""
    return {
        m.measure: (m.numerator or 0, m.denominator or 0)
        for m in measures_for(collection, school)
        if m.group == "all" and m.numerator is not None
    }


# -- Fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def ks2(db: None) -> Collection:
    today = TODAY()
    return Collection.objects.create(
        kind="KS2",
        academic_year="2025-26",
        opens=today - dt.timedelta(days=20),
        deadline=today + dt.timedelta(days=7),
        closes=today + dt.timedelta(days=21),
    )


@pytest.fixture
def with_data(ks2: Collection, la_folder: Path, school_a: School, school_b: School) -> Collection:
    for school in (school_a, school_b):
        head = signed_in(User.objects.get(username=school.urn))
        upload(head, ks2, ctf_bytes(la_folder, school, "KS2"), name="ks2.xml")
    run_tasks()
    # The figures come from the NCA Portal's results (KS2 from 2026): moderation attaches to
    # the imported results, keyed by school and UPN.
    import_combined(ks2)
    return ks2


@pytest.fixture
def moderated(with_data: Collection, school_a: School, la_client: Client) -> ModeratedSchool:
    """School A chosen for moderation, appeals open from tomorrow for a week."""
    today = TODAY()
    page = f"/la/collections/{with_data.pk}/moderation"
    response = la_client.post(f"{page}/schools/", {"schools": [school_a.pk]})
    assert response.status_code == 302
    response = la_client.post(
        f"{page}/window/",
        {
            "appeal_opens": (today + dt.timedelta(days=1)).isoformat(),
            "appeal_closes": (today + dt.timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302
    return ModeratedSchool.objects.get(school=school_a)


# -- The data team's steps ---------------------------------------------------------------------


def meeting_pupil(collection: Collection, school: School) -> PupilRecord:
    """A pupil at the expected standard in reading, writing (EXS) and maths combined."""
    codeset = codeset_for(collection.academic_year)
    scorer, lookup = scorer_for("KS2", codeset), Lookup(codeset)
    for row in PupilRecord.objects.filter(
        submission__school=school, submission__is_current=True, submission__collection=collection
    ):
        pupil = pupil_from_dict(row.data)
        results = by_role(pupil, lookup, "KS2")
        scores = dict(scorer.score(pupil, results))
        if scores.get("ks2_rwm_exs_plus") == 1 and latest(results, "ks2_writing_ta") == "EXS":
            return row
    raise AssertionError("the synthetic school has no pupil at EXS in all three")


def change(
    la: Client, m: ModeratedSchool, upn: str, judgement: str = "WTS", role: str = "ks2_writing_ta"
) -> Any:
    return la.post(
        f"/la/moderation/{m.pk}/changes/", {"upn": upn, "role": role, "judgement": judgement}
    )


def record_visit(
    la: Client, m: ModeratedSchool, outcome: str = "not_accurate", sample: str = ""
) -> Any:
    return la.post(
        f"/la/moderation/{m.pk}/visit/",
        {
            "moderator": "Morgan Moderator",
            "visit_date": TODAY().isoformat(),
            "sample": sample,
            "outcome": outcome,
            "notes": "Writing portfolios were well organised.",
        },
    )


def notify(la: Client, m: ModeratedSchool) -> None:
    response = la.post(f"/la/moderation/{m.pk}/notify/")
    assert response.status_code == 302, response.content.decode()
    run_tasks()


def review(la: Client, made: Appeal, on: dt.date, notes: str = "Looked again.") -> Any:
    return la.post(
        f"/la/appeals/{made.pk}/review/", {"review_notes": notes, "reviewed_on": on.isoformat()}
    )


def decide(la: Client, made: Appeal, decision: str, on: dt.date, **more: str) -> Any:
    return la.post(
        f"/la/appeals/{made.pk}/decision/",
        {"decision": decision, "decision_notes": "See each pupil.", "decided_on": on.isoformat(),
         **more},
    )  # fmt: skip


# -- The head's --------------------------------------------------------------------------------


def head_of(school: School) -> User:
    return User.objects.get(username=school.urn)


def appeal(who: User, m: ModeratedSchool, *files: SimpleUploadedFile) -> Any:
    """Signs in then appeals: sessions end after an hour idle, and these run at frozen times."""
    chosen = list(files) or [SimpleUploadedFile("portfolio.pdf", PDF, "application/pdf")]
    return signed_in(who).post(
        f"/moderation/{m.pk}/",
        {
            "name": "Alex Head",
            "reasons": "The pupil's independent writing meets EXS.",
            "evidence": chosen,
        },
    )


def told_and_appealed(la: Client, m: ModeratedSchool, upn: str) -> Appeal:
    assert change(la, m, upn).status_code == 302
    assert record_visit(la, m).status_code == 302
    notify(la, m)
    with time_machine.travel(TODAY() + dt.timedelta(days=2), tick=False):
        response = appeal(head_of(m.school), m)
    assert response.status_code == 302, response.content.decode()
    return Appeal.objects.get(moderated=m)
