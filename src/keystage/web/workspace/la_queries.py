"""Threads between the data team and a school: the data team's queries to a school, and a
school's enquiries to the data team. Opened, written to, closed; each step emailed
(workspace.thread_mail).

A thread is about one pupil of the school's current version, or about none: a UPN that is not
in that version is refused, whoever typed it. Whose turn it is lives in the thread's status
(see TeamQuery): the data team's raising a query or writing makes it the school's turn (OPEN),
the school's writing (a reply, or opening an enquiry) makes it the data team's (REPLIED), and
closing ends it. Only the data team closes a thread.
"""

from __future__ import annotations

from django.db import transaction

from keystage.web.common import clock
from keystage.web.common.audit import Action, record
from keystage.web.models import (
    Collection,
    PupilRecord,
    QueryMessage,
    School,
    Submission,
    TeamQuery,
    User,
)
from keystage.web.workspace import thread_mail

WHOLE_FILE = TeamQuery.WHOLE_FILE


class NotThatSchoolsPupilError(ValueError):
    """The UPN is not a pupil of the school's current version for the collection."""


class QueryClosedError(ValueError):
    """Nobody writes to a closed query: the data team raises a new one."""


def current_version(school: School, collection: Collection) -> Submission | None:
    return Submission.objects.filter(school=school, collection=collection, is_current=True).first()


def pupils_to_ask_about(version: Submission | None) -> list[PupilRecord]:
    """The pupils a query may name: those of the school's current version, by name."""
    if version is None:
        return []
    pupils = PupilRecord.objects.filter(submission=version).only("upn", "surname", "forename")
    return list(pupils.order_by("surname", "forename", "upn"))


def pupil_choices(version: Submission | None) -> list[tuple[str, str]]:
    """(UPN, "SURNAME, Forename (UPN ...)") of each pupil a thread may name, for a form."""
    return [(p.upn, f"{p.surname.upper()}, {p.forename} (UPN {p.upn})")
            for p in pupils_to_ask_about(version)]  # fmt: skip


def open_enquiries(collection: Collection) -> list[TeamQuery]:
    """The schools' enquiries not closed: those waiting for the data team first, oldest first."""
    found = TeamQuery.objects.filter(collection=collection, from_school=True).exclude(
        status=TeamQuery.Status.CLOSED
    )
    waiting_first = sorted(
        found.select_related("school", "raised_by"),
        key=lambda q: (q.status != TeamQuery.Status.REPLIED, q.raised_at),
    )
    return waiting_first


def _is_pupil_of(version: Submission | None, upn: str) -> bool:
    return version is not None and PupilRecord.objects.filter(submission=version, upn=upn).exists()


def raise_query(
    *, school: School, collection: Collection, by: User, subject: str, body: str, upn: str = ""
) -> TeamQuery:
    """The data team's question to the school: the school's turn to reply."""
    query, message = _open(school, collection, by, subject, body, upn, from_school=False)
    thread_mail.raised(query, message)
    return query


def open_enquiry(
    *, school: School, collection: Collection, by: User, subject: str, body: str, upn: str = ""
) -> TeamQuery:
    """The school's question to the data team: the data team's turn to answer."""
    query, message = _open(school, collection, by, subject, body, upn, from_school=True)
    thread_mail.opened(query, message)
    return query


def _open(
    school: School, collection: Collection, by: User, subject: str, body: str, upn: str, *,
    from_school: bool,
) -> tuple[TeamQuery, QueryMessage]:  # fmt: skip
    upn = upn.strip()
    turn = TeamQuery.Status.REPLIED if from_school else TeamQuery.Status.OPEN
    with transaction.atomic():
        current = current_version(school, collection)
        if upn and not _is_pupil_of(current, upn):
            raise NotThatSchoolsPupilError(f"{upn!r} is not a pupil of {school}'s current file")
        query = TeamQuery.objects.create(
            school=school, collection=collection, submission=current, upn=upn,
            subject=subject.strip(), status=turn, from_school=from_school, raised_by=by,
            raised_at=clock.now(),
        )  # fmt: skip
        message = QueryMessage.objects.create(
            query=query, author=by, body=body.strip(), sent_at=query.raised_at
        )
        what = "asked the data team" if from_school else "raised a query"
        record(Action.QUERY, f"{what}: {query.subject}", actor=by, school=school,
               collection=collection, query=query.pk)  # fmt: skip
    return query, message


def reply(query: TeamQuery, *, by: User, body: str) -> QueryMessage:
    """The school's writing makes the thread the data team's to read (REPLIED); the data
    team's makes it the school's turn again (OPEN), which keeps the school from Submitted when
    the thread is a query (never when it is the school's own enquiry)."""
    turn = TeamQuery.Status.REPLIED if by.is_school_user else TeamQuery.Status.OPEN
    with transaction.atomic():
        # Conditional, so that a reply racing the data team's closing never reopens the query.
        still_open = TeamQuery.objects.filter(pk=query.pk).exclude(status=TeamQuery.Status.CLOSED)
        if not still_open.update(status=turn):
            raise QueryClosedError(f"query {query.pk} is closed")
        query.status = turn
        message = QueryMessage.objects.create(
            query=query, author=by, body=body.strip(), sent_at=clock.now()
        )
        record(Action.QUERY, f"replied to the query: {query.subject}", actor=by,
               school=query.school, collection=query.collection, query=query.pk)  # fmt: skip
    thread_mail.replied(query, message)
    return message


def close(query: TeamQuery, *, by: User) -> None:
    query.status, query.closed_by, query.closed_at = TeamQuery.Status.CLOSED, by, clock.now()
    query.save(update_fields=["status", "closed_by", "closed_at"])
    record(Action.QUERY, f"closed the query: {query.subject}", actor=by, school=query.school,
           collection=query.collection, query=query.pk)  # fmt: skip
    thread_mail.closed(query)
