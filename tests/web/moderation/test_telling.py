"""Telling a school its KS2 moderation outcome: the letter says the outcome and the head is
emailed a link to it; the school sees nothing before, and the record cannot change after. The
summer's page tells every school that is ready at once, and keeps a told school on its list."""

from __future__ import annotations

import hashlib
import io

from django.core import mail
from django.test import Client
from moderation_world import change, meeting_pupil, notify, record_visit, text_of
from portal_support import run_tasks
from pypdf import PdfReader

from keystage.web.models import AuditEvent, JudgementChange, ModeratedSchool, School, User


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


def test_a_school_is_told_only_once_its_visit_and_outcome_are_recorded(
    moderated: ModeratedSchool, la_client: Client
) -> None:
    early = la_client.post(f"/la/moderation/{moderated.pk}/notify/")
    assert early.status_code == 400
    assert "Record the moderator, the visit date and the outcome" in early.content.decode()
    moderated.refresh_from_db()
    assert moderated.notified_at is None


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


def test_every_school_ready_is_told_at_once_and_a_told_school_stays_chosen(
    moderated: ModeratedSchool, la_client: Client, school_a: School, school_b: School
) -> None:
    page = f"/la/collections/{moderated.round.collection.pk}/moderation"
    assert (
        la_client.post(f"{page}/schools/", {"schools": [school_a.pk, school_b.pk]}).status_code
        == 302
    )
    record_visit(la_client, moderated, outcome="accurate")  # school B has no visit: not ready
    listed = la_client.get(f"{page}/").content.decode()
    assert "1 school is ready to be told" in listed
    assert f'action="{page}/notify/"' in listed
    mail.outbox.clear()
    told = la_client.post(f"{page}/notify/", follow=True).content.decode()
    assert "1 school is being told" in told
    run_tasks()
    assert len(mail.outbox) == 1 and school_a.main_email.lower() in mail.outbox[0].to
    assert ModeratedSchool.objects.get(school=school_b).notified_at is None
    refused = la_client.post(f"{page}/schools/", {"schools": [school_b.pk]})
    assert refused.status_code == 400
    assert f"{school_a.name} cannot be taken off" in refused.content.decode()
    assert ModeratedSchool.objects.filter(school=school_a).exists()
