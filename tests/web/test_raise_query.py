"""A data-team query names a pupil of the school's current version, chosen from a list, or the
file as a whole: never a made-up UPN, another school's pupil, or one the school no longer sends.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from lxml import html as lxml_html
from portal_support import ctf_bytes, run_tasks, signed_in, upload

from keystage.ctf.model import Pupil
from keystage.web.models import (
    AuditEvent,
    Collection,
    PupilRecord,
    School,
    Submission,
    TeamQuery,
    User,
)
from keystage.web.workspace import la_queries


def without_first(pupils: list[Pupil]) -> list[Pupil]:
    return pupils[1:]


@pytest.fixture
def version(head_a: Client, school_a: School, ks1: Collection, la_folder: Path) -> Submission:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    return Submission.objects.get(school=school_a, collection=ks1, is_current=True)


def raise_page(school: School, ks1: Collection) -> str:
    return f"/la/collections/{ks1.pk}/schools/{school.pk}/query/"


def ask(la_client: Client, school: School, ks1: Collection, upn: str) -> object:
    return la_client.post(raise_page(school, ks1),
                          {"subject": "A result", "upn": upn, "body": "Is it right?"})  # fmt: skip


def options(page: str) -> list[tuple[str, str]]:
    found = lxml_html.fromstring(page).xpath("//select[@name='upn']/option")
    return [(o.get("value"), " ".join(o.text_content().split())) for o in found]


def test_the_form_lists_the_current_versions_pupils_by_name_and_upn(
    la_client: Client, school_a: School, ks1: Collection, version: Submission
) -> None:
    page = la_client.get(raise_page(school_a, ks1)).content.decode()
    listed = options(page)
    pupils = PupilRecord.objects.filter(submission=version)
    assert listed[0] == ("", "The file as a whole")
    assert sorted(listed[1:]) == sorted(
        (p.upn, f"{p.surname.upper()}, {p.forename} (UPN {p.upn})") for p in pupils
    )
    assert len(listed) == version.pupils + 1
    assert '<label class="govuk-label" for="id_upn">Which pupil is it about?</label>' in page


@pytest.mark.parametrize("typed", ["NOTAUPN", "A123456789012", " "])
def test_a_upn_not_in_the_list_is_refused(
    la_client: Client, school_a: School, ks1: Collection, version: Submission, typed: str
) -> None:
    response = ask(la_client, school_a, ks1, typed)
    assert response.status_code == 400  # type: ignore[attr-defined]
    body = response.content.decode()  # type: ignore[attr-defined]
    assert "Choose a pupil of the school" in body and 'href="#id_upn"' in body
    assert not TeamQuery.objects.exists() and not mail.outbox


def test_another_schools_pupil_is_refused(
    la_client: Client, school_a: School, school_b: School, ks1: Collection, la_folder: Path,
    version: Submission,
) -> None:  # fmt: skip
    upload(signed_in(User.objects.get(username=school_b.urn)), ks1, ctf_bytes(la_folder, school_b))
    run_tasks()
    theirs = PupilRecord.objects.filter(submission__school=school_b).values_list("upn", flat=True)
    other = next(upn for upn in theirs if upn not in {p for p, _ in options(
        la_client.get(raise_page(school_a, ks1)).content.decode())})  # fmt: skip
    assert ask(la_client, school_a, ks1, other).status_code == 400  # type: ignore[attr-defined]
    assert not TeamQuery.objects.exists()
    officer = User.objects.get(username="data.officer")
    with pytest.raises(la_queries.NotThatSchoolsPupilError):
        la_queries.raise_query(school=school_a, collection=ks1, by=officer, subject="?", body="?",
                            upn=other)  # fmt: skip
    with pytest.raises(la_queries.NotThatSchoolsPupilError):
        la_queries.raise_query(school=school_a, collection=ks1, by=officer, subject="?", body="?",
                            upn="NOTAUPN")  # fmt: skip
    assert not TeamQuery.objects.exists()


def test_a_pupil_the_school_no_longer_sends_is_refused(
    la_client: Client, head_a: Client, school_a: School, ks1: Collection, la_folder: Path,
    version: Submission,
) -> None:  # fmt: skip
    first = PupilRecord.objects.filter(submission=version).order_by("id")[0]
    upload(head_a, ks1, ctf_bytes(la_folder, school_a, change=without_first))
    run_tasks()
    page = la_client.get(raise_page(school_a, ks1)).content.decode()
    assert first.upn not in {upn for upn, _ in options(page)}
    assert ask(la_client, school_a, ks1, first.upn).status_code == 400  # type: ignore[attr-defined]
    assert not TeamQuery.objects.exists()


def test_a_school_with_no_file_is_asked_about_its_return_as_a_whole(
    la_client: Client, school_a: School, ks1: Collection
) -> None:
    page = la_client.get(raise_page(school_a, ks1)).content.decode()
    assert options(page) == [("", "The file as a whole")]
    assert "The school has no file we could use yet" in page
    assert ask(la_client, school_a, ks1, "").status_code == 302  # type: ignore[attr-defined]


def test_the_pupil_shows_by_name_on_both_sides(
    la_client: Client, head_a: Client, school_a: School, ks1: Collection, version: Submission
) -> None:
    pupil = PupilRecord.objects.filter(submission=version).order_by("id")[3]
    assert ask(la_client, school_a, ks1, pupil.upn).status_code == 302  # type: ignore[attr-defined]
    query = TeamQuery.objects.get()
    assert (query.upn, query.submission) == (pupil.upn, version)
    named = f"{pupil.surname.upper()}, {pupil.forename} (UPN {pupil.upn})"
    for client, url in (
        (la_client, f"/la/queries/{query.pk}/"),
        (la_client, f"/la/collections/{ks1.pk}/schools/{school_a.pk}/"),
        (head_a, f"/queries/{query.pk}/"),
        (head_a, f"/collections/{ks1.pk}/"),
    ):
        assert named in " ".join(client.get(url).content.decode().split()), url
    (email,) = mail.outbox
    assert f"{pupil.surname.upper()}, {pupil.forename}, UPN {pupil.upn}" in email.body


def test_the_list_of_pupils_is_an_audited_page_view(
    la_client: Client, school_a: School, ks1: Collection, version: Submission
) -> None:
    la_client.get(raise_page(school_a, ks1))
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert event.detail["page"] == "la_raise_query"
    assert event.detail["pupils"] == version.pupils
    upns = PupilRecord.objects.filter(submission=version).values_list("upn", flat=True)
    assert not any(upn in event.what for upn in upns)


def test_a_whole_file_query_reads_so_on_both_sides(
    la_client: Client, head_a: Client, school_a: School, ks1: Collection, version: Submission
) -> None:
    assert ask(la_client, school_a, ks1, "").status_code == 302  # type: ignore[attr-defined]
    query = TeamQuery.objects.get()
    for client, url in ((la_client, f"/la/queries/{query.pk}/"), (head_a, f"/queries/{query.pk}/")):
        page = lxml_html.fromstring(client.get(url).content.decode())
        assert page.get_element_by_id("query-about").text_content() == "The file as a whole"
