"""A school's state in a collection, as the school and the data team both see it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q, QuerySet

from keystage.web.models import (
    Collection,
    Confirmation,
    RefusedUpload,
    School,
    Submission,
    TeamQuery,
)
from keystage.web.submissions.answers import unanswered_counts
from keystage.web.submissions.locks import locked_school_ids


class State(StrEnum):
    NOT_STARTED = "Not started"
    CHECKING = "Checking"
    FAILED = "Could not be checked"  # the newest file: a fault on our side, not in the file
    HELD = "With the LA"  # the newest file is held for the LA to look at (cross_school)
    ERRORS = "Errors to fix"
    QUERIES = "Queries to answer"
    READY = "Ready to confirm"
    SUBMITTED = "Submitted"
    LATE = "Late"


TAG_COLOURS = {
    State.NOT_STARTED: "grey",
    State.CHECKING: "blue",
    State.FAILED: "purple",
    State.HELD: "pink",
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
    unanswered: int  # the checks' queries on the current version with no answer
    confirmation: Confirmation | None
    today: dt.date
    team_queries: int = 0  # the data team's queries waiting for the school's reply
    team_replied: int = 0  # ...that the school has replied to, for the data team to close
    locked: bool = False
    # Files refused at upload (not the school's return for the collection): shown apart from
    # the versions, never part of the state. The newest, and how many.
    refused: RefusedUpload | None = None
    refused_count: int = 0

    @property
    def refused_since(self) -> RefusedUpload | None:
        """The newest refused upload, when it came after the newest version."""
        newest, latest = self.refused, self.latest
        if newest is None or (latest is not None and latest.uploaded_at > newest.uploaded_at):
            return None
        return newest

    @property
    def to_answer(self) -> int:
        """Everything the school is to answer: while any, it cannot confirm."""
        return self.unanswered + self.team_queries

    @property
    def team_open(self) -> int:
        """The data team's queries not closed, whoever's turn it is."""
        return self.team_queries + self.team_replied

    @property
    def tag_colour(self) -> str:
        return TAG_COLOURS[self.state]

    @property
    def days_left(self) -> int:
        return self.collection.days_left(self.today)

    @property
    def can_upload(self) -> bool:
        return self.collection.is_open(self.today) and not self.locked

    @property
    def submitted_late(self) -> bool:
        c = self.confirmation
        return c is not None and c.signed_at.date() > self.collection.deadline


def standing(school: School, collection: Collection, today: dt.date) -> Standing:
    return standings_for(collection, [school], today)[school.pk]


def standings_for(
    collection: Collection, schools: Iterable[School], today: dt.date
) -> dict[int, Standing]:
    """Every school's standing in one collection, in a fixed number of queries (not per school)."""
    ids = [s.pk for s in schools]
    latest, current = _versions(collection, ids)
    by_version = unanswered_counts(current.values())
    confirmations = _confirmations(current)
    team = _team_query_counts(collection, ids)
    whole, one_by_one = locked_school_ids(collection)
    refused, refused_counts = _refused_uploads(collection, ids)
    found = {}
    for school_id in ids:
        asked = team.get(school_id, Counter())
        now = current.get(school_id)
        here = Standing(
            collection, State.NOT_STARTED, State.NOT_STARTED, latest.get(school_id), now,
            by_version.get(now.pk, 0) if now else 0, confirmations.get(school_id), today,
            team_queries=asked[TeamQuery.Status.OPEN],
            team_replied=asked[TeamQuery.Status.REPLIED], locked=whole or school_id in one_by_one,
            refused=refused.get(school_id), refused_count=refused_counts[school_id],
        )  # fmt: skip
        # The step from the standing's own counts, so that what keeps a school at Queries is
        # exactly what its pages count.
        here.step = _step(here)
        late = here.step != State.SUBMITTED and collection.is_late(today)
        here.state = State.LATE if late else here.step
        found[school_id] = here
    return found


def _versions(
    collection: Collection, ids: list[int]
) -> tuple[dict[int, Submission], dict[int, Submission]]:
    """Each school's newest version, and its current one, by school id."""
    # The school's own files: the NCA Portal's results are the LA's (keystage.web.submissions.nca).
    versions = Submission.objects.filter(collection=collection, school_id__in=ids).schools_own()
    latest: dict[int, Submission] = {}
    current: dict[int, Submission] = {}
    for version in versions.select_related("uploaded_by").order_by("school_id", "version"):
        latest[version.school_id] = version
        if version.is_current:
            current[version.school_id] = version
    return latest, current


def _confirmations(current: dict[int, Submission]) -> dict[int, Confirmation]:
    """Each school's sign-off of its current version, by school id."""
    school_of_version = {v.pk: school_id for school_id, v in current.items()}
    found: dict[int, Confirmation] = {}
    signed = Confirmation.objects.filter(
        submission_id__in=list(school_of_version), voided_at__isnull=True
    )
    for row in signed.select_related("signed_by"):
        school_id = school_of_version[row.submission_id]
        row.submission = current[school_id]  # already loaded: no query per school
        found[school_id] = row
    return found


def _refused_uploads(
    collection: Collection, ids: list[int]
) -> tuple[dict[int, RefusedUpload], Counter[int]]:
    """Each school's newest refused upload and their number (few: a school fixes its file)."""
    newest: dict[int, RefusedUpload] = {}
    counts: Counter[int] = Counter()
    rows = RefusedUpload.objects.filter(collection=collection, school_id__in=ids)
    for kept in rows.order_by("school_id", "number"):
        newest[kept.school_id] = kept
        counts[kept.school_id] += 1
    return newest, counts


def _team_query_counts(collection: Collection, ids: list[int]) -> dict[int, Counter[str]]:
    """Each school's data-team queries not closed, counted by status (whose turn it is). The
    school's own enquiries are not counted: nothing in them is the school's to answer."""
    counts: dict[int, Counter[str]] = {}
    not_closed = TeamQuery.objects.filter(
        collection=collection, school_id__in=ids, from_school=False
    ).exclude(status=TeamQuery.Status.CLOSED)
    for school_id, status in not_closed.values_list("school_id", "status"):
        counts.setdefault(school_id, Counter())[status] += 1
    return counts


def _step(here: Standing) -> State:
    latest, current = here.latest, here.current
    if latest is None:
        return State.NOT_STARTED
    if latest.in_progress:
        return State.CHECKING
    if latest.status == Submission.Status.FAILED:
        return State.FAILED  # not the older current version's state: the school sent a newer one
    if latest.status == Submission.Status.HELD:
        return State.HELD
    if current is None:
        return State.ERRORS  # only refused files so far: the school must send the right one
    if current.errors:
        return State.ERRORS
    if here.to_answer:
        return State.QUERIES  # the file's queries, or the data team's: both keep it open
    if here.confirmation is not None:
        return State.SUBMITTED
    return State.READY


def versions_of(school: School, collection: Collection) -> QuerySet[Submission]:
    """Every version the school sent for the collection (not the NCA Portal's results)."""
    found = Submission.objects.filter(school=school, collection=collection).schools_own()
    return found.select_related("uploaded_by")


def team_queries_waiting(school: School, collection: Collection | None = None) -> list[TeamQuery]:
    """The data team's queries waiting for the school's reply (in one collection, or any)."""
    found = TeamQuery.objects.filter(school=school, status=TeamQuery.Status.OPEN, from_school=False)
    if collection is not None:
        found = found.filter(collection=collection)
    return list(found.select_related("collection"))


def collections_for_home(today: dt.date) -> list[Collection]:
    """Open windows, and any closed this academic year, so a school still sees its outcome."""
    return list(
        Collection.objects.filter(
            Q(opens__lte=today) & Q(closes__gte=today - dt.timedelta(days=60))
        ).order_by("deadline", "kind")
    )
