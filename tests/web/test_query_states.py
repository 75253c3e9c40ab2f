"""A query's state and every count of queries come from one place, and every page agrees.

The data team's queries: raised (the school's turn), replied to (the data team's turn: the
school is no longer held at "Queries to answer"), asked again, closed. The checks' queries:
answered one by one. At each step the test walks every page that shows a state or a count, on
both sides, and asserts that they say the same thing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core import mail
from django.test import Client
from django.utils import timezone
from lxml import html as lxml_html
from portal_support import ctf_bytes, make_user, run_tasks, upload

from keystage.ctf.model import Pupil
from keystage.web.common.mail import school_addresses
from keystage.web.models import (
    Collection,
    FindingRecord,
    QueryMessage,
    Reminder,
    Role,
    School,
    Submission,
    TeamQuery,
    User,
)
from keystage.web.reminders import sending
from keystage.web.submissions.state import State, standing
from keystage.web.workspace import la_queries

OPEN, REPLIED, CLOSED = "open", "replied", "closed"  # TeamQuery.Status, as stored


@dataclasses.dataclass(frozen=True)
class Expected:
    status: str
    school_reads: str  # the query's state on the school's pages
    la_reads: str  # ...and on the data team's
    step: State  # the school's state everywhere


ASKED = Expected(OPEN, "Waiting for your reply", "Waiting for the school", State.QUERIES)
REPLIED_TO = Expected(REPLIED, "Waiting for the data team", "Replied: waiting for you", State.READY)
DONE = Expected(CLOSED, "Closed", "Closed", State.READY)


def tree(client: Client, url: str) -> lxml_html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200, url
    return lxml_html.fromstring(response.content.decode())


def words(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def by_id(page: lxml_html.HtmlElement, element_id: str) -> str:
    found = page.xpath(f"//*[@id='{element_id}']")
    return words(found[0]) if found else ""


def progress_row(page: lxml_html.HtmlElement, school: School) -> dict[str, str]:
    """The school's row of the progress table, by column heading."""
    headings = [words(th).split(":")[0] for th in page.xpath("//table[@id='schools']/thead//th")]
    (row,) = page.xpath(f"//table[@id='schools']/tbody/tr[contains(., '{school.laestab}')]")
    return dict(zip(headings, (words(cell) for cell in row.xpath("./th|./td")), strict=True))


def overview_count(page: lxml_html.HtmlElement, state: State) -> int:
    (cell,) = page.xpath(f"//tr[th[normalize-space()='{state.value}']]/td")
    return int(words(cell))


@dataclasses.dataclass
class Pages:
    head: Client
    la: Client
    school: School
    ks1: Collection

    @property
    def version(self) -> Submission:
        return Submission.objects.get(school=self.school, collection=self.ks1, is_current=True)

    def assert_agree(self, query: TeamQuery, expected: Expected) -> None:
        not_closed = int(expected.status != CLOSED)
        self._school_side(query, expected)
        self._la_side(query, expected, not_closed)
        query.refresh_from_db()
        assert query.status == expected.status
        now = standing(self.school, self.ks1, self.ks1.opens)
        assert now.step == expected.step
        waiting = int(expected.status == OPEN)
        assert (now.team_queries, now.team_open) == (waiting, not_closed)

    def _school_side(self, query: TeamQuery, expected: Expected) -> None:
        home = tree(self.head, "/")
        banner = home.xpath("//*[@aria-labelledby='team-queries-title']")
        assert bool(banner) == (expected.status == OPEN)
        if banner:
            assert "The data team has 1 question" in words(banner[0])
        (row,) = home.xpath(f"//tr[th//a[contains(., '{self.ks1}')]]")
        assert expected.step.value in words(row)

        collection = tree(self.head, f"/collections/{self.ks1.pk}/")
        assert expected.step.value in by_id(collection, "state")
        listing = "//h2[.='Questions from the data team']/following-sibling::ul[1]/li"
        (listed,) = collection.xpath(f"{listing}[a[@href='/queries/{query.pk}/']]")
        assert expected.school_reads in words(listed)
        self._leads_on(collection, expected)

        version = tree(self.head, f"/files/{self.version.pk}/")
        self._leads_on(version, expected)

        thread = tree(self.head, f"/queries/{query.pk}/")
        assert by_id(thread, "query-state") == expected.school_reads
        for other in {ASKED, REPLIED_TO, DONE} - {expected}:
            everything = words(thread) + words(collection) + words(home)
            assert other.school_reads not in everything

    def _leads_on(self, page: lxml_html.HtmlElement, expected: Expected) -> None:
        next_step = by_id(page, "next-step")
        signs = page.xpath(f"//a[@href='/collections/{self.ks1.pk}/confirm/']")
        if expected.step == State.READY:
            assert "Sign the confirmation form" in next_step and signs
        else:
            assert "Reply to the data team" in next_step and not signs

    def _la_side(self, query: TeamQuery, expected: Expected, team_open: int) -> None:
        overview = tree(self.la, "/la/")
        assert overview_count(overview, expected.step) == 1
        other = State.READY if expected.step == State.QUERIES else State.QUERIES
        assert overview_count(overview, other) == 0

        row = progress_row(tree(self.la, f"/la/collections/{self.ks1.pk}/"), self.school)
        assert row["State"] == expected.step.value
        assert row["Data-team queries"].startswith(str(team_open))
        assert ("1 replied" in row["Data-team queries"]) == (expected.status == REPLIED)

        page = tree(self.la, f"/la/collections/{self.ks1.pk}/schools/{self.school.pk}/")
        assert expected.step.value in by_id(page, "state")
        assert by_id(page, "team-open").startswith(str(team_open))
        (listed,) = page.xpath(f"//tr[th//a[@href='/la/queries/{query.pk}/']]")
        assert expected.la_reads in words(listed)

        thread = tree(self.la, f"/la/queries/{query.pk}/")
        assert by_id(thread, "query-state") == expected.la_reads


@pytest.fixture
def pages(head_a: Client, la_client: Client, school_a: School, ks1: Collection,
          la_folder: Path) -> Pages:  # fmt: skip
    """School A's clean KS1 file: ready to confirm, with nothing to answer."""
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    return Pages(head_a, la_client, school_a, ks1)


def test_every_page_agrees_on_a_data_team_querys_state(pages: Pages) -> None:
    la, head, ks1, school = pages.la, pages.head, pages.ks1, pages.school
    raised = la.post(f"/la/collections/{ks1.pk}/schools/{school.pk}/query/",
                     {"subject": "Writing results", "upn": "", "body": "All GDS?"})  # fmt: skip
    assert raised.status_code == 302
    query = TeamQuery.objects.get()
    pages.assert_agree(query, ASKED)

    head.post(f"/queries/{query.pk}/", {"body": "Yes: moderated by the LA in May."})
    pages.assert_agree(query, REPLIED_TO)

    la.post(f"/la/queries/{query.pk}/", {"body": "Which pupils were moderated?"})
    pages.assert_agree(query, ASKED)

    head.post(f"/queries/{query.pk}/", {"body": "All of them."})
    pages.assert_agree(query, REPLIED_TO)

    la.post(f"/la/queries/{query.pk}/close/")
    pages.assert_agree(query, DONE)


def test_a_replied_query_no_longer_reads_waiting_for_your_reply(
    pages: Pages, officer: User
) -> None:
    """The defect as a head met it: replied, and still asked to reply, counted in the banner."""
    query = la_queries.raise_query(school=pages.school, collection=pages.ks1, by=officer,
                                subject="Pupil count", body="Has a pupil left?")  # fmt: skip
    pages.head.post(f"/queries/{query.pk}/", {"body": "Yes, in May."})
    home = pages.head.get("/").content.decode()
    assert "Pupil count" not in home and "Important" not in home
    collection = pages.head.get(f"/collections/{pages.ks1.pk}/").content.decode()
    assert "Waiting for your reply" not in collection
    assert "Waiting for the data team" in collection
    assert standing(pages.school, pages.ks1, pages.ks1.opens).step == State.READY


def test_a_reply_lets_the_school_sign_and_the_data_team_asking_again_emails_it(
    pages: Pages, officer: User
) -> None:
    query = la_queries.raise_query(school=pages.school, collection=pages.ks1, by=officer,
                                subject="Pupil count", body="Has a pupil left?")  # fmt: skip
    head = User.objects.get(username=pages.school.urn)
    mail.outbox.clear()
    la_queries.reply(query, by=head, body="Yes, in May.")
    assert query.status == REPLIED
    assert [m.to for m in mail.outbox] == [[officer.email]]
    assert "the school may sign" in mail.outbox[0].body
    form = pages.head.get(f"/collections/{pages.ks1.pk}/confirm/").content.decode()
    assert "Reply to the data team" not in form and "Your full name" in form

    mail.outbox.clear()
    la_queries.reply(query, by=officer, body="To which school?")
    assert query.status == OPEN
    (asked,) = mail.outbox
    assert asked.to == school_addresses(pages.school) and pages.school.main_email in asked.to
    assert "To which school?" in asked.body and f"/queries/{query.pk}/" in asked.body
    confirm = pages.head.get(f"/collections/{pages.ks1.pk}/confirm/").content.decode()
    assert "Reply to the data team" in confirm


def test_nobody_writes_to_a_closed_query(pages: Pages, officer: User) -> None:
    query = la_queries.raise_query(school=pages.school, collection=pages.ks1, by=officer,
                                subject="Pupil count", body="Has a pupil left?")  # fmt: skip
    la_queries.close(query, by=officer)
    head = User.objects.get(username=pages.school.urn)
    with pytest.raises(la_queries.QueryClosedError):
        la_queries.reply(query, by=head, body="Too late?")
    response = pages.head.post(f"/queries/{query.pk}/", {"body": "Too late?"})
    assert response.status_code == 400 and "This query is closed" in response.content.decode()
    query.refresh_from_db()
    assert query.status == CLOSED and query.messages.count() == 1


def test_reminders_chase_only_queries_waiting_for_the_school(
    school_a: School, officer: User
) -> None:
    """Monday 22 June 2026 is a day for query reminders only (KS1 2026: deadline Friday 26)."""
    window = Collection.objects.create(
        kind="KS1", academic_year="2025-26", opens=dt.date(2026, 6, 1),
        deadline=dt.date(2026, 6, 26), closes=dt.date(2026, 7, 17),
    )  # fmt: skip
    monday = dt.date(2026, 6, 22)
    query = la_queries.raise_query(school=school_a, collection=window, by=officer,
                                subject="Where is your file?", body="?")  # fmt: skip
    la_queries.reply(query, by=User.objects.get(username=school_a.urn), body="Coming on Friday.")
    sending.send_reminders(monday)
    assert not Reminder.objects.filter(school=school_a, reason="queries").exists()
    la_queries.reply(query, by=officer, body="It is not here yet.")
    sending.send_reminders(monday)
    (chased,) = Reminder.objects.filter(school=school_a, reason="queries")
    assert chased.day == monday


def two_old_pupils(pupils: list[Pupil]) -> list[Pupil]:
    """The first two pupils are two years too old: two DOB-RANGE queries."""
    older = []
    for pupil in pupils[:2]:
        born = pupil.dob_date
        assert born is not None
        older.append(dataclasses.replace(pupil, dob=born.replace(year=born.year - 2).isoformat()))
    return [*older, *pupils[2:]]


def test_every_page_counts_the_checks_unanswered_queries_alike(
    head_a: Client, la_client: Client, school_a: School, ks1: Collection, la_folder: Path
) -> None:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a, change=two_old_pupils))
    run_tasks()
    version = Submission.objects.get(school=school_a, is_current=True)
    rows = list(FindingRecord.objects.filter(submission=version, severity="query"))
    assert len(rows) == 2
    for answered, row in enumerate([None, *rows]):
        if row is not None:
            head_a.post(f"/files/{version.pk}/answer/",
                        {"upn": row.upn, "code": row.code, "text": "Checked"})  # fmt: skip
        left = 2 - answered
        assert standing(school_a, ks1, ks1.opens).unanswered == left
        own = tree(head_a, f"/files/{version.pk}/")
        assert f"({left} not yet answered)" in by_id(own, "finding-counts")
        assert len(own.xpath("//strong[normalize-space()='Answered']")) == answered
        la_page = tree(la_client, f"/la/collections/{ks1.pk}/schools/{school_a.pk}/")
        assert f"({left} not yet answered)" in words(la_page)
        assert len(la_page.xpath("//strong[normalize-space()='Not answered']")) == left
        row_now = progress_row(tree(la_client, f"/la/collections/{ks1.pk}/"), school_a)
        assert row_now["Unanswered queries"] == str(left)
        step = State.QUERIES if left else State.READY
        assert row_now["State"] == step.value
        assert step.value in by_id(tree(head_a, f"/collections/{ks1.pk}/"), "state")


def test_queries_replied_to_before_the_change_are_replied_to_after_it(
    school_a: School, ks1: Collection, officer: User
) -> None:
    """The migration: an open query whose last message is the school's is REPLIED."""
    head = User.objects.get(username=school_a.urn)
    staff = make_user("staff@example.org", Role.STAFF, school=school_a)
    made = {}
    for name, last_by in (("asked", None), ("by the head", head), ("by staff", staff),
                          ("asked again", officer)):  # fmt: skip
        query = la_queries.raise_query(school=school_a, collection=ks1, by=officer, subject=name,
                                    body="?")  # fmt: skip
        if last_by is not None:
            if last_by == officer:
                QueryMessage.objects.create(query=query, author=head, body="a",
                                            sent_at=timezone.now())  # fmt: skip
            QueryMessage.objects.create(query=query, author=last_by, body="b",
                                        sent_at=timezone.now())  # fmt: skip
        made[name] = query
    closed = la_queries.raise_query(school=school_a, collection=ks1, by=officer, subject="closed",
                                 body="?")  # fmt: skip
    QueryMessage.objects.create(query=closed, author=head, body="c", sent_at=timezone.now())
    la_queries.close(closed, by=officer)
    TeamQuery.objects.exclude(pk=closed.pk).update(status=OPEN)  # as stored before the change

    migration = importlib.import_module("keystage.web.migrations.0012_h14_queries")
    migration._replied(apps, None)
    statuses = dict(TeamQuery.objects.values_list("subject", "status"))
    assert statuses == {"asked": OPEN, "by the head": REPLIED, "by staff": REPLIED,
                        "asked again": OPEN, "closed": CLOSED}  # fmt: skip
    migration._open_again(apps, None)
    assert set(TeamQuery.objects.exclude(pk=closed.pk).values_list("status", flat=True)) == {OPEN}


def test_a_query_state_reads_the_same_in_every_email_and_page_template() -> None:
    """No template spells a query's state itself: each takes it from TeamQuery."""
    templates = Path(__file__).resolve().parents[2] / "src/keystage/web/templates"
    for path in templates.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"status\s*==\s*['\"](open|closed|replied)", text), path
        assert "Waiting for your reply" not in text, path
