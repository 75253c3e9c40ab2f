"""KS2 moderation and appeals: changed judgements reach the figures and the reports; the letter
says the outcome and the head is emailed; appeals only within the LA's window, with evidence
stored as received; the decision's final judgements stand; one school never sees another's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from portal_support import ctf_bytes, make_user, run_tasks, signed_in, upload
from pypdf import PdfReader

from keystage.checks.run import Lookup
from keystage.codesets import codeset_for
from keystage.ctf.model import pupil_from_dict
from keystage.measures.compute import scorer_for
from keystage.measures.results import by_role, latest
from keystage.web.models import (
    Appeal,
    AppealEvidence,
    AuditEvent,
    Collection,
    JudgementChange,
    ModeratedSchool,
    ModerationRound,
    PupilRecord,
    Report,
    Role,
    School,
    User,
)
from keystage.web.moderation.evidence import EvidenceRefusedError, accept
from keystage.web.reports.publish import publish
from keystage.web.results.pupils import fingerprint, measures_for
from keystage.web.submissions.locks import lock

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
    return ks2


@pytest.fixture
def moderated(with_data: Collection, school_a: School, la_client: Client) -> ModeratedSchool:
    """School A chosen for moderation, appeals open from tomorrow for a week."""
    today = TODAY()
    page = f"/la/collections/{with_data.pk}/moderation/"
    response = la_client.post(page, {"action": "schools", "schools": [school_a.pk]})
    assert response.status_code == 302
    response = la_client.post(
        page,
        {
            "action": "window",
            "appeal_opens": (today + dt.timedelta(days=1)).isoformat(),
            "appeal_closes": (today + dt.timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302
    return ModeratedSchool.objects.get(school=school_a)


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
        f"/la/moderation/{m.pk}/",
        {"action": "change", "upn": upn, "role": role, "judgement": judgement},
    )


def record_visit(
    la: Client, m: ModeratedSchool, outcome: str = "not_accurate", sample: str = ""
) -> Any:
    return la.post(
        f"/la/moderation/{m.pk}/",
        {
            "action": "visit",
            "moderator": "Morgan Moderator",
            "visit_date": TODAY().isoformat(),
            "sample": sample,
            "outcome": outcome,
            "notes": "Writing portfolios were well organised.",
        },
    )


def notify(la: Client, m: ModeratedSchool) -> None:
    response = la.post(f"/la/moderation/{m.pk}/", {"action": "notify"})
    assert response.status_code == 302, response.content.decode()
    run_tasks()


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


def head_of(school: School) -> User:
    return User.objects.get(username=school.urn)


# -- Moderation reaches the figures ------------------------------------------------------------


def test_a_changed_writing_judgement_changes_the_measures_exactly(
    moderated: ModeratedSchool, la_client: Client, school_a: School, school_b: School
) -> None:
    ks2 = moderated.round.collection
    pupil = meeting_pupil(ks2, school_a)
    before, before_la, before_b = figures(ks2, school_a), figures(ks2), figures(ks2, school_b)
    print_before = fingerprint(ks2, school_a)
    response = change(la_client, moderated, pupil.upn)
    assert response.status_code == 302
    after, after_la = figures(ks2, school_a), figures(ks2)
    for name in ("ks2_writing_exs_plus", "ks2_rwm_exs_plus"):
        assert after[name] == (before[name][0] - 1, before[name][1]), name
        assert after_la[name] == (before_la[name][0] - 1, before_la[name][1]), name
    for name in ("ks2_reading_exs_plus", "ks2_maths_exs_plus", "ks2_gps_exs_plus"):
        assert after[name] == before[name], name
    assert figures(ks2, school_b) == before_b  # another school's figures are untouched
    assert fingerprint(ks2, school_a) != print_before
    stored = PupilRecord.objects.get(pk=pupil.pk)  # the school's record keeps what it sent
    assert (
        latest(
            by_role(pupil_from_dict(stored.data), Lookup(codeset_for("2025-26")), "KS2"),
            "ks2_writing_ta",
        )
        == "EXS"
    )
    made = JudgementChange.objects.get()
    assert (made.school_judgement, made.moderated_judgement) == ("EXS", "WTS")
    assert AuditEvent.objects.filter(action="moderate", detail__upn=pupil.upn).exists()


def test_the_las_pupil_export_and_results_page_count_the_moderated_judgement(
    moderated: ModeratedSchool, la_client: Client, school_a: School
) -> None:
    ks2 = moderated.round.collection
    pupil = meeting_pupil(ks2, school_a)
    change(la_client, moderated, pupil.upn, "GDS")
    export = la_client.get(f"/la/collections/{ks2.pk}/pupils.csv").content.decode()
    head, *rows = [line.split(",") for line in export.splitlines()]
    row = next(r for r in rows if pupil.upn in r)
    assert row[head.index("ks2_writing_exs_plus")] == "1"
    assert la_client.get(f"/la/collections/{ks2.pk}/results/").status_code == 200


def test_changes_are_validated_against_the_schools_data_and_the_code_table(
    moderated: ModeratedSchool, la_client: Client, school_a: School, school_b: School
) -> None:
    ks2 = moderated.round.collection
    pupil = meeting_pupil(ks2, school_a)
    other = meeting_pupil(ks2, school_b)
    refused = change(la_client, moderated, other.upn)
    assert refused.status_code == 400
    assert f"No pupil with UPN {other.upn} is in {school_a.name}" in refused.content.decode()
    refused = change(la_client, moderated, pupil.upn, "HNM")
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "“HNM” is not a writing teacher assessment judgement" in body and "GDS" in body
    assert not JudgementChange.objects.exists()
    science = change(la_client, moderated, pupil.upn, "HNM", role="ks2_science_ta")
    assert science.status_code == 302
    assert JudgementChange.objects.get().role == "ks2_science_ta"
    assert moderated.sample.filter(upn=pupil.upn).exists()  # a changed pupil joins the sample
    sample = record_visit(la_client, moderated, sample="NOTAUPN")
    assert sample.status_code == 400


def test_moderation_is_for_ks2_only(la_client: Client, ks1: Collection) -> None:
    assert la_client.get(f"/la/collections/{ks1.pk}/moderation/").status_code == 404


# -- The letter and the email ------------------------------------------------------------------


def test_the_head_is_emailed_a_link_to_the_letter_which_says_the_outcome(
    moderated: ModeratedSchool, la_client: Client, school_a: School, head_a: Client
) -> None:
    pupil = meeting_pupil(moderated.round.collection, school_a)
    change(la_client, moderated, pupil.upn)
    record_visit(la_client, moderated, outcome="not_accurate", sample="")
    assert head_a.get(f"/moderation/{moderated.pk}/letter/").status_code == 404  # not yet
    mail.outbox.clear()
    notify(la_client, moderated)
    head = User.objects.get(username=school_a.urn)
    (sent,) = mail.outbox
    assert head.email.lower() in sent.to and school_a.main_email.lower() in sent.to
    assert f"/moderation/{moderated.pk}/letter/" in sent.body
    assert pupil.upn not in sent.body  # pupils' details stay in the portal
    response = head_a.get(f"/moderation/{moderated.pk}/letter/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)
    text = text_of(pdf)
    assert "not accurate or not consistent with national standards" in text
    assert "evidence for 1 pupil." in text  # the changed pupil stays in the sample
    assert school_a.name in text and pupil.upn in text and "Morgan Moderator" in text
    catalog = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert "/StructTreeRoot" in catalog  # tagged
    moderated.refresh_from_db()
    assert moderated.letter_sha256 == hashlib.sha256(pdf).hexdigest()
    page = head_a.get(f"/moderation/{moderated.pk}/").content.decode()
    assert "not accurate or not consistent" in page and pupil.upn in page
    run_tasks()
    assert len(mail.outbox) == 1  # once only
    assert AuditEvent.objects.filter(action="download", detail__moderation=moderated.pk).exists()


def test_an_accurate_outcome_letter_says_so(
    moderated: ModeratedSchool, la_client: Client, head_a: Client
) -> None:
    record_visit(la_client, moderated, outcome="accurate")
    notify(la_client, moderated)
    pdf = b"".join(head_a.get(f"/moderation/{moderated.pk}/letter/").streaming_content)
    text = text_of(pdf)
    assert "judgements are accurate and consistent with national standards" in text
    assert "not accurate" not in text and "changed none" in text


def test_the_school_sees_nothing_of_the_outcome_before_it_is_told(
    moderated: ModeratedSchool, la_client: Client, school_a: School, head_a: Client
) -> None:
    pupil = meeting_pupil(moderated.round.collection, school_a)
    change(la_client, moderated, pupil.upn)
    record_visit(la_client, moderated)
    page = head_a.get(f"/moderation/{moderated.pk}/").content.decode()
    assert "being moderated" in page and pupil.upn not in page and "not accurate" not in page
    assert f"/moderation/{moderated.pk}/" in head_a.get("/").content.decode()  # linked from home


def test_nothing_changes_once_the_school_is_told(
    moderated: ModeratedSchool, la_client: Client, school_a: School
) -> None:
    pupil = meeting_pupil(moderated.round.collection, school_a)
    record_visit(la_client, moderated)
    notify(la_client, moderated)
    refused = change(la_client, moderated, pupil.upn)
    assert refused.status_code == 400
    assert "has been told its outcome" in refused.content.decode()
    assert not JudgementChange.objects.exists()


# -- Appeals -----------------------------------------------------------------------------------


def test_the_appeal_window_with_frozen_time(
    moderated: ModeratedSchool, la_client: Client, head_a: Client
) -> None:
    record_visit(la_client, moderated)
    notify(la_client, moderated)
    window = ModerationRound.objects.get()
    assert window.appeal_opens and window.appeal_closes
    with time_machine.travel(window.appeal_opens - dt.timedelta(days=1), tick=False):
        early = appeal(head_of(moderated.school), moderated)
        page = signed_in(head_of(moderated.school)).get(f"/moderation/{moderated.pk}/")
        assert "Appeals open on" in page.content.decode()
    assert early.status_code == 400 and "Appeals open on" in early.content.decode()
    after = window.appeal_closes + dt.timedelta(days=1)
    with time_machine.travel(dt.datetime.combine(after, dt.time(0, 1)).astimezone(), tick=False):
        late = appeal(head_of(moderated.school), moderated)
    assert late.status_code == 400 and "Appeals closed on" in late.content.decode()
    assert not Appeal.objects.exists() and not AppealEvidence.objects.exists()
    last = dt.datetime.combine(window.appeal_closes, dt.time(23, 58)).astimezone()
    with time_machine.travel(last, tick=False):
        on_time = appeal(head_of(moderated.school), moderated)
    assert on_time.status_code == 302
    made = Appeal.objects.get()
    assert made.submitter_name == "Alex Head" and made.evidence.count() == 1
    assert AuditEvent.objects.filter(action="appeal", detail__appeal=made.pk).exists()


def test_only_the_head_appeals_and_only_once(
    moderated: ModeratedSchool, la_client: Client, school_a: School, head_a: Client
) -> None:
    record_visit(la_client, moderated)
    notify(la_client, moderated)
    staff = make_user("staff.a", Role.STAFF, school=school_a, email="s@a.org")
    with time_machine.travel(TODAY() + dt.timedelta(days=2), tick=False):
        refused = appeal(staff, moderated)
        assert refused.status_code == 400
        assert "Only your head teacher can appeal" in refused.content.decode()
        assert appeal(head_of(moderated.school), moderated).status_code == 302
        again = appeal(head_of(moderated.school), moderated)
    assert again.status_code == 400 and "already appealed" in again.content.decode()
    assert Appeal.objects.count() == 1


def test_evidence_is_stored_as_received_and_only_its_school_and_the_la_download_it(
    moderated: ModeratedSchool,
    la_client: Client,
    school_a: School,
    school_b: School,
    head_a: Client,
) -> None:
    record_visit(la_client, moderated)
    notify(la_client, moderated)
    photo = SimpleUploadedFile("../../page 1.png", PNG, "image/png")
    with time_machine.travel(TODAY() + dt.timedelta(days=2), tick=False):
        response = appeal(
            head_of(moderated.school),
            moderated,
            SimpleUploadedFile("portfolio.pdf", PDF, "application/pdf"),
            photo,
        )
    assert response.status_code == 302
    pdf_item, png_item = AppealEvidence.objects.order_by("pk")
    assert pdf_item.sha256 == hashlib.sha256(PDF).hexdigest() and pdf_item.size == len(PDF)
    with pdf_item.file.open("rb") as stored:
        assert stored.read() == PDF
    assert Path(pdf_item.file.path).is_file() and school_a.laestab in pdf_item.file.name
    assert png_item.original_name == "page 1.png" and ".." not in png_item.file.name
    own = head_a.get(f"/appeals/evidence/{pdf_item.pk}/")
    assert own.status_code == 200 and b"".join(own.streaming_content) == PDF
    assert "attachment" in own["Content-Disposition"]
    staff = signed_in(make_user("staff.a", Role.STAFF, school=school_a, email="s@a.org"))
    assert staff.get(f"/appeals/evidence/{pdf_item.pk}/").status_code == 200
    head_b = signed_in(User.objects.get(username=school_b.urn))
    assert head_b.get(f"/appeals/evidence/{pdf_item.pk}/").status_code == 404
    assert head_b.get(f"/la/appeals/evidence/{pdf_item.pk}/").status_code == 404
    la = la_client.get(f"/la/appeals/evidence/{pdf_item.pk}/")
    assert la.status_code == 200 and b"".join(la.streaming_content) == PDF
    assert AuditEvent.objects.filter(action="download", detail__evidence=pdf_item.pk).count() == 3


@pytest.mark.parametrize(
    ("name", "content", "status", "message"),
    [
        ("notes.txt", b"hello", 400, "is not a file we accept"),
        ("portfolio.pdf", b"MZ\x90\x00 not a pdf", 400, "is not the PDF file its name says"),
        ("essay.docx", b"PK\x03\x04 broken zip", 400, "is not the DOCX file its name says"),
        ("empty.pdf", b"", 400, "empty"),
        # Stopped at the door as it streams in (upload_handlers), before the form sees it.
        ("big.pdf", PDF + b"x" * 2048, 413, "is larger than 1.0\xa0KB"),
    ],
)
def test_evidence_that_is_not_accepted_is_refused_clearly_and_nothing_is_kept(
    moderated: ModeratedSchool,
    la_client: Client,
    head_a: Client,
    settings: Any,
    name: str,
    content: bytes,
    status: int,
    message: str,
) -> None:
    settings.MAX_EVIDENCE_BYTES = 1024
    record_visit(la_client, moderated)
    notify(la_client, moderated)
    with time_machine.travel(TODAY() + dt.timedelta(days=2), tick=False):
        response = appeal(head_of(moderated.school), moderated, SimpleUploadedFile(name, content))
    assert response.status_code == status
    assert message in response.content.decode()
    assert not Appeal.objects.exists() and not AppealEvidence.objects.exists()


def test_the_form_itself_refuses_a_file_over_the_cap(settings: Any) -> None:
    """The same cap again after the fact, should a file pass the door's guard."""
    settings.MAX_EVIDENCE_BYTES = 1024
    with pytest.raises(EvidenceRefusedError, match=r"each file can be up to 1\.0"):
        accept(SimpleUploadedFile("big.pdf", PDF + b"x" * 2048))
    assert accept(SimpleUploadedFile("ok.pdf", PDF)).sha256 == hashlib.sha256(PDF).hexdigest()


def test_an_upheld_appeal_restores_the_schools_judgement_in_the_figures(
    moderated: ModeratedSchool,
    la_client: Client,
    school_a: School,
    head_a: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ks2 = moderated.round.collection
    pupil = meeting_pupil(ks2, school_a)
    before = figures(ks2, school_a)
    made = told_and_appealed(la_client, moderated, pupil.upn)
    moderated_figures = figures(ks2, school_a)
    assert moderated_figures["ks2_rwm_exs_plus"][0] == before["ks2_rwm_exs_plus"][0] - 1
    page = f"/la/appeals/{made.pk}/"
    early = la_client.post(
        page,
        {
            "action": "decide",
            "decision": "upheld",
            "decision_notes": "x",
            "decided_on": TODAY().isoformat(),
        },
    )
    assert early.status_code == 400 and "Record the review" in early.content.decode()
    review_day = TODAY() + dt.timedelta(days=3)
    assert (
        la_client.post(
            page,
            {
                "action": "review",
                "review_notes": "Second moderator agreed with the school.",
                "reviewed_on": review_day.isoformat(),
            },
        ).status_code
        == 302
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decided = la_client.post(
            page,
            {
                "action": "decide",
                "decision": "upheld",
                "decision_notes": "The writing meets EXS.",
                "decided_on": review_day.isoformat(),
            },
        )
    assert decided.status_code == 302
    assert figures(ks2, school_a) == before
    made.refresh_from_db()
    assert made.decision == "upheld" and made.decided_on == review_day
    assert made.reviewed_on == review_day and made.decided_by is not None
    assert JudgementChange.objects.get().final_judgement == "EXS"
    (told,) = mail.outbox
    assert "decision" in told.subject.lower() and f"/moderation/{moderated.pk}/" in told.body
    school_page = head_a.get(f"/moderation/{moderated.pk}/").content.decode()
    assert "Upheld" in school_page
    steps = AuditEvent.objects.filter(action__in=["moderate", "appeal"]).values_list(
        "what", flat=True
    )
    assert any("decided" in s for s in steps) and any("review" in s for s in steps)
    assert any("appealed" in s for s in steps) and any("told" in s for s in steps)


def test_a_partly_upheld_appeal_takes_each_pupils_final_judgement(
    moderated: ModeratedSchool, la_client: Client, school_a: School, head_a: Client
) -> None:
    ks2 = moderated.round.collection
    pupil = meeting_pupil(ks2, school_a)
    before = figures(ks2, school_a)
    made = told_and_appealed(la_client, moderated, pupil.upn)
    the_change = JudgementChange.objects.get()
    page = f"/la/appeals/{made.pk}/"
    reviewed = la_client.post(
        page,
        {"action": "review", "review_notes": "Looked again.", "reviewed_on": LATER().isoformat()},
    )
    assert reviewed.status_code == 302
    missing = la_client.post(
        page,
        {
            "action": "decide",
            "decision": "partly",
            "decision_notes": "See each pupil.",
            "decided_on": LATER().isoformat(),
        },
    )
    assert missing.status_code == 400
    assert f"Choose the final judgement for UPN {pupil.upn}" in missing.content.decode()
    decided = la_client.post(
        page,
        {
            "action": "decide",
            "decision": "partly",
            "decision_notes": "See each pupil.",
            "decided_on": LATER().isoformat(),
            f"final_{the_change.pk}": "GDS",
        },
    )
    assert decided.status_code == 302
    after = figures(ks2, school_a)
    assert after["ks2_rwm_exs_plus"] == before["ks2_rwm_exs_plus"]  # GDS meets the standard
    assert after["ks2_writing_exs_plus"] == before["ks2_writing_exs_plus"]


def test_a_not_upheld_appeal_keeps_the_moderated_judgement(
    moderated: ModeratedSchool, la_client: Client, school_a: School, head_a: Client
) -> None:
    ks2 = moderated.round.collection
    pupil = meeting_pupil(ks2, school_a)
    made = told_and_appealed(la_client, moderated, pupil.upn)
    moderated_figures = figures(ks2, school_a)
    page = f"/la/appeals/{made.pk}/"
    reviewed = la_client.post(
        page,
        {"action": "review", "review_notes": "Looked again.", "reviewed_on": LATER().isoformat()},
    )
    assert reviewed.status_code == 302
    la_client.post(
        page,
        {
            "action": "decide",
            "decision": "not_upheld",
            "decision_notes": "The moderation stands.",
            "decided_on": LATER().isoformat(),
        },
    )
    assert Appeal.objects.get().decision == "not_upheld"
    assert figures(ks2, school_a) == moderated_figures
    assert JudgementChange.objects.get().final_judgement == "WTS"


def test_published_reports_are_made_again_when_moderation_changes_the_data(
    moderated: ModeratedSchool,
    la_client: Client,
    school_a: School,
    school_b: School,
    officer: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ks2 = moderated.round.collection
    lock(ks2, None, officer)  # the LA takes the KS2 data as it is: published without sign-off
    publish(ks2, officer)
    run_tasks()
    assert Report.objects.filter(school=school_a, version=1).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        change(la_client, moderated, meeting_pupil(ks2, school_a).upn)
    run_tasks()
    assert Report.objects.filter(school=school_a, version=2).count() == 2
    assert not Report.objects.filter(school=school_b, version=2).exists()


# -- One school never sees another's ------------------------------------------------------------


def test_another_school_sees_nothing_of_a_schools_moderation_or_appeal(
    moderated: ModeratedSchool,
    la_client: Client,
    school_a: School,
    school_b: School,
    head_a: Client,
) -> None:
    pupil = meeting_pupil(moderated.round.collection, school_a)
    made = told_and_appealed(la_client, moderated, pupil.upn)
    item = made.evidence.get()
    head_b = signed_in(User.objects.get(username=school_b.urn))
    for url in (
        f"/moderation/{moderated.pk}/",
        f"/moderation/{moderated.pk}/letter/",
        f"/appeals/evidence/{item.pk}/",
        f"/la/moderation/{moderated.pk}/",
        f"/la/appeals/{made.pk}/",
        f"/la/moderation/{moderated.pk}/letter/",
    ):
        for method in ("get", "post"):
            response = getattr(head_b, method)(url)
            assert response.status_code == 404, f"{method} {url}"
            assert pupil.upn not in response.content.decode(errors="replace")
    assert f"/moderation/{moderated.pk}/" not in head_b.get("/").content.decode()
