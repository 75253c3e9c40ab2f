"""The head's appeal: only within the LA's window, only the head and only once, with evidence
stored as received and refused clearly when it is not a file we accept; one school never sees
another's moderation or appeal."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from moderation_world import (
    PDF,
    PNG,
    TODAY,
    appeal,
    head_of,
    meeting_pupil,
    notify,
    record_visit,
    told_and_appealed,
)
from portal_support import make_user, signed_in

from keystage.web.models import (
    Appeal,
    AppealEvidence,
    AuditEvent,
    ModeratedSchool,
    ModerationRound,
    Role,
    School,
    User,
)
from keystage.web.moderation.evidence import EvidenceRefusedError, accept


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
    change = moderated.changes.get()
    head_b = signed_in(User.objects.get(username=school_b.urn))
    for url in (
        f"/moderation/{moderated.pk}/",
        f"/moderation/{moderated.pk}/letter/",
        f"/appeals/evidence/{item.pk}/",
        f"/la/moderation/{moderated.pk}/",
        f"/la/moderation/{moderated.pk}/visit/",
        f"/la/moderation/{moderated.pk}/changes/",
        f"/la/moderation/{moderated.pk}/changes/{change.pk}/take-back/",
        f"/la/moderation/{moderated.pk}/notify/",
        f"/la/appeals/{made.pk}/",
        f"/la/appeals/{made.pk}/review/",
        f"/la/appeals/{made.pk}/decision/",
        f"/la/moderation/{moderated.pk}/letter/",
    ):
        for method in ("get", "post"):
            response = getattr(head_b, method)(url)
            assert response.status_code == 404, f"{method} {url}"
            assert pupil.upn not in response.content.decode(errors="replace")
    assert f"/moderation/{moderated.pk}/" not in head_b.get("/").content.decode()
