"""Who is emailed at each step of a thread between the data team and a school, and with what.

A data-team query: its raising, and the data team's writing again, go to the school; the
school's reply goes to the member of the data team who raised it. An enquiry (the school's
question): its opening and the school's writing again go to the data team's enquiries address
(KEYSTAGE_ENQUIRIES_EMAIL) and to each of the data team who has written in it; the data team's
answer and its closing go to the school and to the person who asked.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from keystage.web.common import mail
from keystage.web.models import QueryMessage, TeamQuery
from keystage.web.models.accounts import LA_ROLES


def raised(query: TeamQuery, message: QueryMessage) -> None:
    _to_school("query_raised", query, message)


def opened(query: TeamQuery, message: QueryMessage) -> None:
    _to_data_team("enquiry_opened", query, message)


def replied(query: TeamQuery, message: QueryMessage) -> None:
    by_school = message.author.is_school_user
    if query.from_school:
        if by_school:
            _to_data_team("enquiry_reply", query, message)
        else:
            _to_school("enquiry_answered", query, message)
    elif by_school:
        if query.raised_by.email:
            mail.send("query_reply", [query.raised_by.email],
                      {"query": query, "message": message, "url": _la_url(query)})  # fmt: skip
    else:
        _to_school("query_asked_again", query, message)


def closed(query: TeamQuery) -> None:
    """Closing a query needs no email (the school had nothing more to do); closing an enquiry
    tells the school its question is settled."""
    if query.from_school:
        _to_school("enquiry_closed", query, None)


def _to_school(template: str, query: TeamQuery, message: QueryMessage | None) -> None:
    url = mail.link(reverse("portal:query", kwargs={"query_id": query.pk}))
    mail.send(template, _school_side(query), {"query": query, "message": message, "url": url})


def _to_data_team(template: str, query: TeamQuery, message: QueryMessage) -> None:
    mail.send(template, _data_team_side(query),
              {"query": query, "message": message, "url": _la_url(query)})  # fmt: skip


def _la_url(query: TeamQuery) -> str:
    return mail.link(reverse("portal:la_query", kwargs={"query_id": query.pk}))


def _school_side(query: TeamQuery) -> list[str]:
    """The school's addresses; for an enquiry, the person who asked it as well."""
    found = set(mail.school_addresses(query.school))
    asker = query.raised_by
    if query.from_school and asker.is_active and asker.email.strip():
        found.add(asker.email.strip().lower())
    return sorted(found)


def _data_team_side(query: TeamQuery) -> list[str]:
    """The enquiries mailbox, and whoever of the data team has written in the thread."""
    writers = query.messages.filter(author__role__in=LA_ROLES, author__is_active=True)
    found = {settings.ENQUIRIES_EMAIL.strip().lower()}
    found |= {e.strip().lower() for e in writers.values_list("author__email", flat=True) if e}
    return sorted(a for a in found if a)
