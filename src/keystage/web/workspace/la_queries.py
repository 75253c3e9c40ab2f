"""The data team's queries to a school: raised, answered, closed; each step emailed.

A query is about one pupil of the school's current version, or about the file as a whole: a
UPN that is not in that version is refused, whoever typed it. Whose turn it is lives in the
query's status (see TeamQuery): raising it or the data team's writing makes it the school's
turn (OPEN), the school's reply makes it the data team's (REPLIED), and closing ends it.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from keystage.web.common import clock, mail
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


def _is_pupil_of(version: Submission | None, upn: str) -> bool:
    return version is not None and PupilRecord.objects.filter(submission=version, upn=upn).exists()


def raise_query(
    *, school: School, collection: Collection, by: User, subject: str, body: str, upn: str = ""
) -> TeamQuery:
    upn = upn.strip()
    with transaction.atomic():
        current = current_version(school, collection)
        if upn and not _is_pupil_of(current, upn):
            raise NotThatSchoolsPupilError(f"{upn!r} is not a pupil of {school}'s current file")
        query = TeamQuery.objects.create(
            school=school, collection=collection, submission=current, upn=upn,
            subject=subject.strip(), raised_by=by, raised_at=clock.now(),
        )  # fmt: skip
        message = QueryMessage.objects.create(
            query=query, author=by, body=body.strip(), sent_at=query.raised_at
        )
        record(Action.QUERY, f"raised a query: {query.subject}", actor=by, school=school,
               collection=collection, query=query.pk)  # fmt: skip
    _email_school("query_raised", query, message)
    return query


def reply(query: TeamQuery, *, by: User, body: str) -> QueryMessage:
    """The school's reply makes the query the data team's to read (REPLIED); the data team's
    makes it the school's turn again (OPEN), which keeps the school from Submitted."""
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
    if by.is_school_user:
        if query.raised_by.email:
            url = mail.link(reverse("portal:la_query", kwargs={"query_id": query.pk}))
            mail.send("query_reply", [query.raised_by.email],
                      {"query": query, "message": message, "url": url})  # fmt: skip
    else:
        _email_school("query_asked_again", query, message)
    return message


def close(query: TeamQuery, *, by: User) -> None:
    query.status, query.closed_by, query.closed_at = TeamQuery.Status.CLOSED, by, clock.now()
    query.save(update_fields=["status", "closed_by", "closed_at"])
    record(Action.QUERY, f"closed the query: {query.subject}", actor=by, school=query.school,
           collection=query.collection, query=query.pk)  # fmt: skip


def _email_school(template: str, query: TeamQuery, message: QueryMessage) -> None:
    url = mail.link(reverse("portal:query", kwargs={"query_id": query.pk}))
    mail.send(template, mail.school_addresses(query.school),
              {"query": query, "message": message, "url": url})  # fmt: skip
