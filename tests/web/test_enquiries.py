"""A school's enquiry: asked from its collection page, answered and closed by the data team,
each step emailed; seen by the school that asked and the data team only; never holding the
school up as a data-team query does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client, override_settings
from lxml import html as lxml_html
from portal_builders import make_staff
from portal_support import ctf_bytes, run_tasks, signed_in, upload

from keystage.web.common.mail import school_addresses
from keystage.web.models import (
    AuditEvent,
    Collection,
    PupilRecord,
    Reminder,
    School,
    TeamQuery,
    User,
)
from keystage.web.reminders import sending
from keystage.web.submissions.state import State, standing
from keystage.web.workspace import la_queries

MAILBOX = "ask.assessment@council.example"
pytestmark = pytest.mark.usefixtures("enquiries_mailbox")
QUESTION = {"subject": "Year 2 in the same file?", "upn": "", "body": "Or two files?"}


@pytest.fixture
def enquiries_mailbox() -> object:
    with override_settings(ENQUIRIES_EMAIL=MAILBOX):
        yield


@pytest.fixture
def ready(head_a: Client, school_a: School, ks1: Collection, la_folder: Path) -> None:
    """School A's clean KS1 file: ready to confirm, with nothing to answer."""
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    mail.outbox.clear()


def tree(client: Client, url: str) -> lxml_html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200, url
    return lxml_html.fromstring(response.content.decode())


def words(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def ask(client: Client, window: Collection, **changed: str) -> TeamQuery:
    response = client.post(f"/collections/{window.pk}/ask/", QUESTION | changed)
    query = TeamQuery.objects.get(subject=(QUESTION | changed)["subject"])
    assert response.status_code == 302 and response["Location"] == f"/queries/{query.pk}/"
    return query


def school_reads(head: Client, window: Collection, query: TeamQuery) -> str:
    page = tree(head, f"/collections/{window.pk}/")
    (listed,) = page.xpath(f"//*[@id='enquiries']/following-sibling::ul[1]/li[a[@href="
                           f"'/queries/{query.pk}/']]")  # fmt: skip
    return words(listed)


def la_reads(la: Client, window: Collection, query: TeamQuery) -> str:
    """What the collection page's list of questions from schools says of it ('' if absent)."""
    page = tree(la, f"/la/collections/{window.pk}/")
    rows = page.xpath(f"//*[@id='enquiries']/following::table[1]//tr[th//a[@href="
                      f"'/la/queries/{query.pk}/']]")  # fmt: skip
    return words(rows[0]) if rows else ""


@pytest.mark.usefixtures("ready")
def test_a_school_asks_and_the_data_team_is_emailed(
    head_a: Client, la_client: Client, school_a: School, ks1: Collection
) -> None:
    form = tree(head_a, f"/collections/{ks1.pk}/ask/")
    pupils = PupilRecord.objects.filter(submission__school=school_a, submission__is_current=True)
    assert len(form.xpath("//select[@name='upn']/option")) == pupils.count() + 1

    query = ask(head_a, ks1)
    assert (query.from_school, query.status) == (True, TeamQuery.Status.REPLIED)
    assert query.raised_by == User.objects.get(username=school_a.urn)
    (sent,) = mail.outbox
    assert sent.to == [MAILBOX]
    assert sent.subject == f"{school_a.reference} asks: Year 2 in the same file?"
    assert "Or two files?" in sent.body and f"/la/queries/{query.pk}/" in sent.body

    assert "Waiting for the data team" in school_reads(head_a, ks1, query)
    now = standing(school_a, ks1, ks1.opens)
    assert (now.step, now.team_queries, now.team_open) == (State.READY, 0, 0)
    assert not tree(head_a, "/").xpath("//*[@aria-labelledby='team-queries-title']")

    assert "Waiting for you" in la_reads(la_client, ks1, query)
    school_page = tree(la_client, f"/la/collections/{ks1.pk}/schools/{school_a.pk}/")
    (row,) = school_page.xpath(f"//tr[th//a[@href='/la/queries/{query.pk}/']]")
    assert "The school's enquiry" in words(row) and "Waiting for you" in words(row)


@pytest.mark.usefixtures("ready")
def test_the_answer_and_the_closing_reach_the_school_and_whoever_asked(
    la_client: Client, officer: User, school_a: School, ks1: Collection
) -> None:
    staff = make_staff(school_a, "data.officer@school.example")
    query = ask(signed_in(staff), ks1)
    mail.outbox.clear()
    school_side = sorted({*school_addresses(school_a), staff.email})

    answer = la_client.post(f"/la/queries/{query.pk}/", {"body": "One file, please."})
    assert answer.status_code == 302
    query.refresh_from_db()
    assert query.status == TeamQuery.Status.OPEN
    (answered,) = mail.outbox
    assert answered.to == school_side and "One file, please." in answered.body
    assert "You do not need to reply" in answered.body and f"/queries/{query.pk}/" in answered.body
    head = signed_in(User.objects.get(username=school_a.urn))
    assert "Answered" in school_reads(head, ks1, query)
    assert standing(school_a, ks1, ks1.opens).step == State.READY  # nothing owed: may sign
    assert "Your full name" in head.get(f"/collections/{ks1.pk}/confirm/").content.decode()

    mail.outbox.clear()
    signed_in(staff).post(f"/queries/{query.pk}/", {"body": "Thanks: both years in one."})
    (again,) = mail.outbox
    assert again.to == sorted([MAILBOX, officer.email]) and "Thanks" in again.body

    mail.outbox.clear()
    assert la_client.post(f"/la/queries/{query.pk}/close/").status_code == 302
    (closed,) = mail.outbox
    assert closed.to == school_side and "is closed" in closed.subject
    refused = signed_in(staff).post(f"/queries/{query.pk}/", {"body": "One more thing"})
    assert refused.status_code == 400 and "This question is closed" in refused.content.decode()
    assert la_reads(la_client, ks1, query) == ""  # the collection page lists those not closed


def test_an_answered_enquiry_is_never_chased(school_a: School, officer: User) -> None:
    """Monday 22 June 2026 is a day for query reminders only (KS1 2026: deadline Friday 26)."""
    window = Collection.objects.create(
        kind="KS1", academic_year="2025-26", opens=dt.date(2026, 6, 1),
        deadline=dt.date(2026, 6, 26), closes=dt.date(2026, 7, 17),
    )  # fmt: skip
    head = User.objects.get(username=school_a.urn)
    enquiry = la_queries.open_enquiry(school=school_a, collection=window, by=head,
                                      subject="Do we send KS1?", body="?")  # fmt: skip
    la_queries.reply(enquiry, by=officer, body="Only if you take part.")
    assert enquiry.status == TeamQuery.Status.OPEN
    sending.send_reminders(dt.date(2026, 6, 22))
    assert not Reminder.objects.filter(school=school_a, reason="queries").exists()
    query = la_queries.raise_query(school=school_a, collection=window, by=officer,
                                   subject="Where is your file?", body="?")  # fmt: skip
    sending.send_reminders(dt.date(2026, 6, 22))  # a query waiting for the school is chased
    assert Reminder.objects.filter(school=school_a, reason="queries").exists()
    assert query.status == TeamQuery.Status.OPEN


@pytest.mark.usefixtures("ready")
def test_an_enquiry_names_only_a_pupil_of_the_schools_current_file(
    head_a: Client, school_a: School, school_b: School, ks1: Collection, la_folder: Path
) -> None:
    upload(signed_in(User.objects.get(username=school_b.urn)), ks1, ctf_bytes(la_folder, school_b))
    run_tasks()
    theirs = PupilRecord.objects.filter(submission__school=school_b).first()
    assert theirs is not None
    response = head_a.post(f"/collections/{ks1.pk}/ask/", QUESTION | {"upn": theirs.upn})
    assert response.status_code == 400
    assert "Choose a pupil of your current file" in response.content.decode()
    assert not TeamQuery.objects.exists()
    ours = PupilRecord.objects.filter(submission__school=school_a).first()
    assert ours is not None
    query = ask(head_a, ks1, upn=ours.upn)
    assert query.upn == ours.upn and ours.upn in school_reads(head_a, ks1, query)


@pytest.mark.usefixtures("ready")
def test_listing_the_pupils_to_ask_about_is_in_the_audit_trail(
    head_a: Client, school_a: School, ks1: Collection
) -> None:
    head_a.get(f"/collections/{ks1.pk}/ask/")
    (viewed,) = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, what__contains="ask")
    pupils = PupilRecord.objects.filter(submission__school=school_a, submission__is_current=True)
    assert viewed.detail["page"] == "enquire" and viewed.detail["pupils"] == pupils.count() > 0
    assert viewed.actor_id == User.objects.get(username=school_a.urn).pk


@pytest.mark.usefixtures("ready")
def test_another_school_never_reaches_an_enquiry(
    head_a: Client, head_b: Client, school_b: School, ks1: Collection
) -> None:
    query = ask(head_a, ks1)
    mail.outbox.clear()
    for method, url in [("get", f"/queries/{query.pk}/"), ("post", f"/queries/{query.pk}/"),
                        ("get", f"/la/queries/{query.pk}/"), ("post", f"/la/queries/{query.pk}/"),
                        ("post", f"/la/queries/{query.pk}/close/")]:  # fmt: skip
        response = getattr(head_b, method)(url, {"body": "Let me in"})
        assert response.status_code == 404, f"{method} {url}"
        assert QUESTION["subject"] not in response.content.decode()
    own = head_b.get(f"/collections/{ks1.pk}/").content.decode()
    assert QUESTION["subject"] not in own
    query.refresh_from_db()
    assert query.status == TeamQuery.Status.REPLIED and query.messages.count() == 1
    assert not mail.outbox


@pytest.mark.usefixtures("ready")
def test_the_school_that_asked_cannot_close_it(head_a: Client, ks1: Collection) -> None:
    query = ask(head_a, ks1)
    assert head_a.post(f"/la/queries/{query.pk}/close/").status_code == 404
    query.refresh_from_db()
    assert query.status == TeamQuery.Status.REPLIED


@pytest.mark.usefixtures("ready")
def test_a_message_reads_as_typed_with_its_https_addresses_as_links(
    head_a: Client, la_client: Client, ks1: Collection
) -> None:
    typed = "Is <b>this</b> right?\n\nhttps://www.gov.uk/guidance/x says otherwise."
    query = ask(head_a, ks1, body=typed)
    for client, url in ((la_client, f"/la/queries/{query.pk}/"), (head_a, f"/queries/{query.pk}/")):
        page = tree(client, url)
        (card,) = page.xpath("//div[@class='govuk-summary-card__content']")
        assert [words(p) for p in card.xpath("./p")] == [
            "Is <b>this</b> right?", "https://www.gov.uk/guidance/x says otherwise."]  # fmt: skip
        assert card.xpath(".//a[@href='https://www.gov.uk/guidance/x']") and not card.xpath(".//b")
