"""The data team's queries to a school: raised, answered, closed; each step emailed."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from keystage.web import clock, mail
from keystage.web.audit import Action, record
from keystage.web.models import Collection, QueryMessage, School, Submission, TeamQuery, User


def raise_query(
    *, school: School, collection: Collection, by: User, subject: str, body: str, upn: str = ""
) -> TeamQuery:
    current = Submission.objects.filter(school=school, collection=collection, is_current=True)
    with transaction.atomic():
        query = TeamQuery.objects.create(
            school=school, collection=collection, submission=current.first(), upn=upn.strip(),
            subject=subject.strip(), raised_by=by, raised_at=clock.now(),
        )  # fmt: skip
        message = QueryMessage.objects.create(
            query=query, author=by, body=body.strip(), sent_at=query.raised_at
        )
        record(Action.QUERY, f"raised a query: {query.subject}", actor=by, school=school,
               collection=collection, query=query.pk)  # fmt: skip
    url = mail.link(reverse("portal:query", kwargs={"query_id": query.pk}))
    mail.send("query_raised", mail.school_addresses(school),
              {"query": query, "message": message, "url": url})  # fmt: skip
    return query


def reply(query: TeamQuery, *, by: User, body: str) -> QueryMessage:
    message = QueryMessage.objects.create(
        query=query, author=by, body=body.strip(), sent_at=clock.now()
    )
    record(Action.QUERY, f"replied to the query: {query.subject}", actor=by,
           school=query.school, collection=query.collection, query=query.pk)  # fmt: skip
    if by.is_school_user and query.raised_by.email:
        url = mail.link(reverse("portal:la_query", kwargs={"query_id": query.pk}))
        mail.send("query_reply", [query.raised_by.email],
                  {"query": query, "message": message, "url": url})  # fmt: skip
    return message


def close(query: TeamQuery, *, by: User) -> None:
    query.status, query.closed_by, query.closed_at = TeamQuery.Status.CLOSED, by, clock.now()
    query.save(update_fields=["status", "closed_by", "closed_at"])
    record(Action.QUERY, f"closed the query: {query.subject}", actor=by, school=query.school,
           collection=query.collection, query=query.pk)  # fmt: skip
