"""One school's upload shares a pupil with a school that has signed: every page and count agrees
that the signed school is still Submitted (an upload never changes another school), and the
LA's decision reaches both schools and closes the later school's query everywhere.

The pages and counts that could disagree: the school's home page and collection page, its
confirmation page, the LA's progress row and totals, the LA's first page's counts, and the
reminders' choice of whom to chase.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from portal_support import ctf_bytes, ctf_path, run_tasks, signed_in, upload
from signing import sign

from keystage import reminders
from keystage.ctf.model import Pupil
from keystage.ctf.reader import read_ctf
from keystage.web.models import Collection, FindingRecord, Reminder, School, User
from keystage.web.reminders.sending import send_reminders

CODE = "PUPIL-OTHER-SCHOOL"


def head(school: School) -> Client:
    return signed_in(User.objects.get(username=school.urn))


def first_pupil(la_folder: Path, school: School) -> Pupil:
    with read_ctf(ctf_path(la_folder, school)) as reader:
        return next(iter(reader))


def home_state(school: School, ks1: Collection) -> str:
    """The state the school's home page gives the collection."""
    page = head(school).get("/").content.decode()
    row = re.search(rf'href="/collections/{ks1.pk}/".*?</tr>', page, re.S)
    assert row is not None, page
    tag = re.search(r'class="govuk-tag[^"]*">([^<]+)<', row.group(0))
    assert tag is not None
    return tag.group(1)


def progress_row(la_client: Client, ks1: Collection, school: School) -> tuple[str, int]:
    """(state, unanswered queries) in the school's row of the LA's progress page."""
    page = la_client.get(f"/la/collections/{ks1.pk}/").content.decode()
    row = re.search(
        rf"<tr[^>]*><th[^>]*><a[^>]*>[^<]*</a><br><span[^>]*>{school.laestab}.*?</tr>", page
    )
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0))
    state = re.search(r'govuk-tag--\w+">([^<]+)<', cells[1])
    assert state is not None
    return state.group(1), int(cells[5])


def la_school_state(la_client: Client, ks1: Collection, school: School) -> str:
    """The state on the LA's page for the school."""
    page = la_client.get(f"/la/collections/{ks1.pk}/schools/{school.pk}/").content.decode()
    found = re.search(r'id="state"><strong class="govuk-tag[^"]*">([^<]+)<', page)
    assert found is not None
    return found.group(1)


def submitted_total(la_client: Client, ks1: Collection) -> str:
    page = la_client.get(f"/la/collections/{ks1.pk}/").content.decode()
    found = re.search(r'id="total-submitted">([^<]*)<', page)
    assert found is not None
    return found.group(1).strip()


def overview_counts(la_client: Client, ks1: Collection) -> dict[str, int]:
    """The LA's first page: how many schools at each step of this collection."""
    page = la_client.get("/la/").content.decode()
    start = page.index(f'href="/la/collections/{ks1.pk}/"')
    table = page[start : page.index("</table>", start)]
    rows = re.findall(r'<th scope="row"[^>]*>([^<]+)</th><td[^>]*>(\d+)</td>', table)
    return {state: int(n) for state, n in rows if int(n)}


def queries_day(ks1: Collection) -> dt.date:
    """A day on which a school with queries (and only such a school) is emailed."""
    day = ks1.opens
    dates = {"opens": ks1.opens, "deadline": ks1.deadline, "closes": ks1.closes}
    while reminders.reason_for(day, **dates, has_queries=True) != reminders.Reason.QUERIES:
        day += dt.timedelta(days=1)
    assert reminders.reason_for(day, **dates, has_queries=False) is None
    return day


def overdue_day(ks1: Collection) -> dt.date:
    day = ks1.deadline + dt.timedelta(days=1)
    while not reminders.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def chased(day: dt.date) -> Counter[str]:
    Reminder.objects.all().delete()
    return Counter(r.school.laestab for r in send_reminders(day).sent)


@pytest.fixture
def shared(
    schools: list[School], ks1: Collection, la_folder: Path, django_capture_on_commit_callbacks: Any
) -> tuple[School, School, School, str]:
    """A signed its clean file; then B sent its file with A's first pupil too; C sent nothing."""
    a, b, c = schools
    upload(head(a), ks1, ctf_bytes(la_folder, a))
    run_tasks()
    sign(a, ks1, django_capture_on_commit_callbacks)
    child = first_pupil(la_folder, a)
    upload(head(b), ks1, ctf_bytes(la_folder, b, change=lambda pupils: [*pupils, child]))
    run_tasks()
    assert child.upn is not None
    return a, b, c, child.upn


def what_a_sees(a: School, ks1: Collection) -> dict[str, object]:
    page = head(a).get(f"/collections/{ks1.pk}/").content.decode()
    confirm = head(a).get(f"/collections/{ks1.pk}/confirm/").content.decode()
    return {
        "home page": home_state(a, ks1),
        "collection page": '<h2 class="govuk-panel__title">Submitted</h2>' in page,
        "a query on the collection page": CODE in page,
        "told of the pupil": "also in another school" in page,
        "told it reports the pupil": "your school reports this pupil" in page,
        "confirmation page": "This collection is already confirmed." in confirm,
    }


def test_every_page_and_count_keeps_the_signed_school_submitted(
    shared: tuple[School, School, School, str], ks1: Collection, la_client: Client
) -> None:
    a, b, c, upn = shared
    seen = {
        **what_a_sees(a, ks1),
        "A's queries": list(FindingRecord.objects.filter(submission__school=a, code=CODE)),
        "B's queries": list(
            FindingRecord.objects.filter(submission__school=b, code=CODE).values_list(
                "upn", flat=True
            )
        ),
        "A's progress row": progress_row(la_client, ks1, a),
        "B's progress row": progress_row(la_client, ks1, b),
        "A's page for the LA": la_school_state(la_client, ks1, a),
        "progress totals": submitted_total(la_client, ks1),
        "LA's counts": overview_counts(la_client, ks1),
        # The reminders: a signed school is never chased; the later school is, for its query.
        "chased for queries": chased(queries_day(ks1)),
        "chased when overdue": chased(overdue_day(ks1)),
    }
    assert seen == {
        "home page": "Submitted",
        "collection page": True,
        "a query on the collection page": False,
        "told of the pupil": False,
        "told it reports the pupil": False,
        "confirmation page": True,
        "A's queries": [],
        "B's queries": [upn],
        "A's progress row": ("Submitted", 0),
        "B's progress row": ("Queries to answer", 1),
        "A's page for the LA": "Submitted",
        "progress totals": "1 of 3 schools expected",
        "LA's counts": {"Submitted": 1, "Queries to answer": 1, "Not started": 1},
        "chased for queries": Counter({b.laestab: 1}),
        "chased when overdue": Counter({b.laestab: 1, c.laestab: 1}),
    }


def test_the_decision_reaches_both_schools_and_closes_the_query_everywhere(
    shared: tuple[School, School, School, str], ks1: Collection, la_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    a, b, _, upn = shared
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = la_client.post(f"/la/collections/{ks1.pk}/moves/{upn}/", {"school": a.pk})
    assert response.status_code == 302

    told = {school: [m for m in mail.outbox if school.main_email in m.to] for school in (a, b)}
    assert len(told[a]) == 1 and "your school reports" in told[a][0].body
    assert len(told[b]) == 1 and "another school reports" in told[b][0].body
    assert b.name not in told[a][0].body and a.name not in told[b][0].body

    # B's query is closed by the decision: Ready to confirm on every page and in every count;
    # A is still Submitted, and told the decision.
    page = head(b).get(f"/collections/{ks1.pk}/").content.decode()
    confirm = head(b).get(f"/collections/{ks1.pk}/confirm/").content.decode()
    seen = {
        "B's home page": home_state(b, ks1),
        "B may sign": "Sign the confirmation form" in page and 'name="signer_name"' in confirm,
        "B told on its page": "another school reports" in page,
        "B's progress row": progress_row(la_client, ks1, b),
        "B's page for the LA": la_school_state(la_client, ks1, b),
        "LA's counts": overview_counts(la_client, ks1),
        "chased for queries": chased(queries_day(ks1)),
        "A": what_a_sees(a, ks1),
        "A's progress row": progress_row(la_client, ks1, a),
    }
    assert seen == {
        "B's home page": "Ready to confirm",
        "B may sign": True,
        "B told on its page": True,
        "B's progress row": ("Ready to confirm", 0),
        "B's page for the LA": "Ready to confirm",
        "LA's counts": {"Submitted": 1, "Ready to confirm": 1, "Not started": 1},
        "chased for queries": Counter(),  # nobody has a query left
        "A": {
            "home page": "Submitted",
            "collection page": True,
            "a query on the collection page": False,
            "told of the pupil": True,  # the decision, and nothing to answer
            "told it reports the pupil": True,
            "confirmation page": True,
        },
        "A's progress row": ("Submitted", 0),
    }
