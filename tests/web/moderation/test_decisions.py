"""An appeal's review and final decision, each at its own address: upheld restores the school's
judgement in the figures, not upheld keeps the moderated one, partly upheld takes each pupil's
final judgement; the school is emailed the decision and every step is audited."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.test import Client
from moderation_world import (
    LATER,
    TODAY,
    decide,
    figures,
    meeting_pupil,
    review,
    told_and_appealed,
)

from keystage.web.models import Appeal, AuditEvent, JudgementChange, ModeratedSchool, School


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
    page = la_client.get(f"/la/appeals/{made.pk}/").content.decode()
    assert f'action="/la/appeals/{made.pk}/review/"' in page
    early = decide(la_client, made, "upheld", TODAY())
    assert early.status_code == 400 and "Record the review" in early.content.decode()
    review_day = LATER()
    reviewed = review(la_client, made, review_day, "Second moderator agreed with the school.")
    assert reviewed.status_code == 302
    page = la_client.get(f"/la/appeals/{made.pk}/").content.decode()
    assert f'action="/la/appeals/{made.pk}/decision/"' in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decided = decide(la_client, made, "upheld", review_day)
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
    assert review(la_client, made, LATER()).status_code == 302
    missing = decide(la_client, made, "partly", LATER())
    assert missing.status_code == 400
    assert f"Choose the final judgement for UPN {pupil.upn}" in missing.content.decode()
    decided = decide(la_client, made, "partly", LATER(), **{f"final_{the_change.pk}": "GDS"})
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
    assert review(la_client, made, LATER()).status_code == 302
    decide(la_client, made, "not_upheld", LATER(), decision_notes="The moderation stands.")
    assert Appeal.objects.get().decision == "not_upheld"
    assert figures(ks2, school_a) == moderated_figures
    assert JudgementChange.objects.get().final_judgement == "WTS"


def test_a_decided_appeal_cannot_be_reviewed_or_decided_again(
    moderated: ModeratedSchool, la_client: Client, school_a: School
) -> None:
    made = told_and_appealed(
        la_client, moderated, meeting_pupil(moderated.round.collection, school_a).upn
    )
    review(la_client, made, LATER())
    decide(la_client, made, "not_upheld", LATER())
    again = review(la_client, made, LATER())
    assert again.status_code == 400 and "its review cannot change now" in again.content.decode()
    twice = decide(la_client, made, "upheld", LATER())
    assert twice.status_code == 400 and "already decided" in twice.content.decode()
    assert Appeal.objects.get().decision == "not_upheld"
