"""KS2 moderation reaches the figures: a changed judgement changes the measures, the LA's pupil
export and the school's published reports exactly, for that school only; changes are checked
against the school's data and the year's code table."""

from __future__ import annotations

from typing import Any

from django.test import Client
from moderation_world import change, figures, meeting_pupil, record_visit
from portal_support import run_tasks

from keystage.checks.run import Lookup
from keystage.codesets import codeset_for
from keystage.ctf.model import pupil_from_dict
from keystage.measures.results import by_role, latest
from keystage.web.models import (
    AuditEvent,
    Collection,
    JudgementChange,
    ModeratedSchool,
    PupilRecord,
    Report,
    School,
    User,
)
from keystage.web.reports.publish import publish
from keystage.web.results.pupils import fingerprint
from keystage.web.submissions.locks import lock


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


def test_a_change_taken_back_restores_the_figures(
    moderated: ModeratedSchool, la_client: Client, school_a: School
) -> None:
    ks2 = moderated.round.collection
    pupil = meeting_pupil(ks2, school_a)
    before = figures(ks2, school_a)
    change(la_client, moderated, pupil.upn)
    made = JudgementChange.objects.get()
    page = la_client.get(f"/la/moderation/{moderated.pk}/").content.decode()
    take_back = f"/la/moderation/{moderated.pk}/changes/{made.pk}/take-back/"
    assert f'action="{take_back}"' in page
    response = la_client.post(take_back)
    assert response.status_code == 302
    assert not JudgementChange.objects.exists() and figures(ks2, school_a) == before
    assert AuditEvent.objects.filter(what__startswith="took back the change").exists()
    assert la_client.post(take_back).status_code == 404  # gone


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
    assert la_client.post(f"/la/collections/{ks1.pk}/moderation/notify/").status_code == 404


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
