"""A school's state in a collection, as the school and the data team both see it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q

from keystage.web.models import Answer, Collection, Confirmation, FindingRecord, School, Submission


class State(StrEnum):
    NOT_STARTED = "Not started"
    CHECKING = "Checking"
    ERRORS = "Errors to fix"
    QUERIES = "Queries to answer"
    READY = "Ready to confirm"
    SUBMITTED = "Submitted"
    LATE = "Late"


TAG_COLOURS = {
    State.NOT_STARTED: "grey",
    State.CHECKING: "blue",
    State.ERRORS: "red",
    State.QUERIES: "yellow",
    State.READY: "turquoise",
    State.SUBMITTED: "green",
    State.LATE: "orange",
}


@dataclass
class Standing:
    """Everything a page needs to say where a school is in one collection."""

    collection: Collection
    state: State
    step: State  # the step the school is on, even when the state shown is Late
    latest: Submission | None
    current: Submission | None
    unanswered: int
    confirmation: Confirmation | None
    today: dt.date

    @property
    def tag_colour(self) -> str:
        return TAG_COLOURS[self.state]

    @property
    def days_left(self) -> int:
        return self.collection.days_left(self.today)

    @property
    def can_upload(self) -> bool:
        return self.collection.is_open(self.today)

    @property
    def submitted_late(self) -> bool:
        c = self.confirmation
        return c is not None and c.signed_at.date() > self.collection.deadline


def active_confirmation(current: Submission | None) -> Confirmation | None:
    if current is None:
        return None
    return current.confirmations.filter(voided_at__isnull=True).first()


def unanswered_queries(current: Submission | None) -> list[FindingRecord]:
    if current is None or current.queries == 0:
        return []
    answered = set(
        Answer.objects.filter(
            school=current.school_id, collection=current.collection_id
        ).values_list("upn", "code")
    )
    queries = current.finding_set.filter(severity="query")
    return [f for f in queries if f.answer_key not in answered]


def standing(school: School, collection: Collection, today: dt.date) -> Standing:
    versions = Submission.objects.filter(school=school, collection=collection)
    latest = versions.order_by("-version").first()
    current = versions.filter(is_current=True).first()
    unanswered = len(unanswered_queries(current))
    confirmation = active_confirmation(current)
    step = _step(latest, current, unanswered, confirmation)
    shown = State.LATE if step != State.SUBMITTED and collection.is_late(today) else step
    return Standing(collection, shown, step, latest, current, unanswered, confirmation, today)


def _step(
    latest: Submission | None,
    current: Submission | None,
    unanswered: int,
    confirmation: Confirmation | None,
) -> State:
    if latest is None:
        return State.NOT_STARTED
    if latest.in_progress:
        return State.CHECKING
    if current is None:
        return State.ERRORS  # only refused files so far: the school must send the right one
    if confirmation is not None:
        return State.SUBMITTED
    if current.errors:
        return State.ERRORS
    if unanswered:
        return State.QUERIES
    return State.READY


def collections_for_home(today: dt.date) -> list[Collection]:
    """Open windows, and any closed this academic year, so a school still sees its outcome."""
    return list(
        Collection.objects.filter(
            Q(opens__lte=today) & Q(closes__gte=today - dt.timedelta(days=60))
        ).order_by("deadline", "kind")
    )
