"""A clean current version leads on to signing: on the version's page and the collection's, for
whoever may sign (a button) and whoever may not (who to ask), and after the last answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client
from lxml import html as lxml_html
from portal_builders import make_staff
from portal_support import (
    PASSWORD,
    ctf_bytes,
    run_tasks,
    signed_in,
    upload,
    with_bad_result,
    with_old_pupil,
)

from keystage.web.models import Collection, FindingRecord, School, Submission, User
from keystage.web.workspace import la_queries

SIGN = "Sign the confirmation form"
ASK_THE_HEAD = (
    "Ask your head teacher, or whoever the head has allowed to sign, to sign the confirmation form"
)


def next_step(client: Client, url: str) -> tuple[str, list[str]]:
    """The page's next step in words, and the addresses its buttons lead to."""
    response = client.get(url)
    assert response.status_code == 200
    page = lxml_html.fromstring(response.content.decode())
    found = page.xpath("//*[@id='next-step']")
    if not found:
        return "", []
    buttons = found[0].xpath(".//a[contains(@class, 'govuk-button')]/@href")
    return " ".join(found[0].text_content().split()), list(buttons)


def current(school: School, ks1: Collection) -> Submission:
    return Submission.objects.get(school=school, collection=ks1, is_current=True)


def answer(client: Client, row: FindingRecord) -> HttpResponse:
    url = f"/files/{row.submission_id}/answer/"
    response = client.post(url, {"upn": row.upn, "code": row.code, "text": "She is right."})
    assert isinstance(response, HttpResponse)
    return response


@pytest.fixture
def clean(head_a: Client, school_a: School, ks1: Collection, la_folder: Path) -> Submission:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    return current(school_a, ks1)


def test_a_clean_versions_page_leads_the_head_on_to_signing(
    head_a: Client, ks1: Collection, clean: Submission
) -> None:
    for url in (f"/files/{clean.pk}/", f"/collections/{ks1.pk}/"):
        words, buttons = next_step(head_a, url)
        assert SIGN in words and buttons == [f"/collections/{ks1.pk}/confirm/"], url
    counts = lxml_html.fromstring(head_a.get(f"/files/{clean.pk}/").content.decode())
    assert "0 errors and 0 queries" in counts.get_element_by_id("finding-counts").text_content()


@pytest.mark.parametrize(("can_sign", "leads_to"), [(False, ASK_THE_HEAD), (True, SIGN)])
def test_staff_are_told_who_signs_unless_the_head_has_let_them(
    school_a: School, ks1: Collection, clean: Submission, can_sign: bool, leads_to: str
) -> None:
    staff = signed_in(make_staff(school_a, "office@school.example", can_sign=can_sign))
    for url in (f"/files/{clean.pk}/", f"/collections/{ks1.pk}/"):
        words, buttons = next_step(staff, url)
        assert leads_to in words, url
        assert bool(buttons) == can_sign, url


def test_answering_the_last_query_leads_on_to_signing(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path
) -> None:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a, change=with_old_pupil))
    run_tasks()
    version = current(school_a, ks1)
    assert next_step(head_a, f"/files/{version.pk}/") == ("", [])
    query = FindingRecord.objects.get(submission=version, severity="query")
    answered = answer(head_a, query)
    assert answered["Location"] == f"/files/{version.pk}/#next-step"
    page = head_a.get(answered["Location"]).content.decode()
    assert "Every query has an answer now" in page
    words, buttons = next_step(head_a, f"/files/{version.pk}/")
    assert SIGN in words and buttons == [f"/collections/{ks1.pk}/confirm/"]


def test_an_answer_that_is_not_the_last_stays_with_the_queries(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path, officer: User
) -> None:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a, change=with_old_pupil))
    run_tasks()
    version = current(school_a, ks1)
    asked = la_queries.raise_query(school=school_a, collection=ks1, by=officer, subject="Writing",
                                body="All GDS?")  # fmt: skip
    query = FindingRecord.objects.get(submission=version, severity="query")
    answered = answer(head_a, query)
    assert answered["Location"] == f"/files/{version.pk}/#query-{query.code}-{query.upn}"
    # The file is done, the data team's question is not: it says so, and leads there.
    words, buttons = next_step(head_a, f"/files/{version.pk}/")
    assert "Reply to the data team" in words and "Writing" in words and not buttons
    page = lxml_html.fromstring(head_a.get(f"/files/{version.pk}/").content.decode())
    assert page.xpath(f"//*[@id='next-step']//a[@href='/queries/{asked.pk}/']")
    head_a.post(f"/queries/{asked.pk}/", {"body": "Yes, moderated."})
    words, buttons = next_step(head_a, f"/files/{version.pk}/")
    assert SIGN in words and buttons == [f"/collections/{ks1.pk}/confirm/"]


def test_an_older_version_or_one_with_errors_leads_nowhere(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path, clean: Submission
) -> None:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a, change=with_bad_result))
    run_tasks()
    with_errors = current(school_a, ks1)
    assert with_errors.pk != clean.pk and with_errors.errors
    for url in (f"/files/{clean.pk}/", f"/files/{with_errors.pk}/", f"/collections/{ks1.pk}/"):
        assert next_step(head_a, url) == ("", []), url


def test_after_signing_the_page_leads_nowhere_new(
    head_a: Client, ks1: Collection, clean: Submission
) -> None:
    head = User.objects.get(username=clean.school.urn)
    assert head.may_sign
    head_a.post(
        f"/collections/{ks1.pk}/confirm/",
        {"signer_name": "Ada Head", "signer_role": "Head", "responsible": "Y2 team",
         "moderation_done": "on", "outcomes_agreed": "on", "password": PASSWORD},
    )  # fmt: skip
    assert next_step(head_a, f"/files/{clean.pk}/") == ("", [])
