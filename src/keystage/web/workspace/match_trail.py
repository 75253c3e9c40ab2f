"""The data team's trail of pupils found in two schools' files (cross_school keeps every match
as PupilMatch): which schools' files asked about other schools' pupils, across all their
versions, replaced ones too, so a school trying other schools' children over several uploads is
seen; and queries left with nothing to settle, because the other file no longer has the pupil.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.http import HttpRequest

from keystage.web.common import audit, clock
from keystage.web.models import Answer, Collection, FindingRecord, PupilMatch, School, User
from keystage.web.submissions.told import CROSS_SCHOOL_CODE
from keystage.web.workspace.shared_pupils import shared_upns

NOTHING_TO_SETTLE = (
    "The other school's return no longer has this pupil, so there is nothing to settle. "
    "Closed by the LA."
)


@dataclass(frozen=True)
class Asker:
    """A school whose files found other schools' pupils, counted over all its versions."""

    school: School
    sent_later: int  # UPN and date of birth another school sent first: the school was asked
    upn_only: int  # the UPN alone: the school was told nothing


def askers(collection: Collection) -> list[Asker]:
    """Schools by how many other schools' pupils their files asked about, most first. Two
    queries."""
    later: dict[int, set[str]] = defaultdict(set)
    upn_only: dict[int, set[str]] = defaultdict(set)
    rows = PupilMatch.objects.filter(version__collection=collection).values_list(
        "version__school_id", "upn", "same_dob", "later"
    )
    for school, upn, same_dob, sent_later in rows:
        if same_dob and sent_later:
            later[school].add(upn)
        elif not same_dob:
            upn_only[school].add(upn)
    schools = School.objects.in_bulk([*later, *upn_only])
    found = [
        Asker(schools[pk], len(later[pk]), len(upn_only[pk]) if pk in upn_only else 0)
        for pk in {*later, *upn_only}
    ]
    return sorted(found, key=lambda a: (-a.sent_later, -a.upn_only, a.school.name))


def stale_queries(collection: Collection) -> list[FindingRecord]:
    """PUPIL-OTHER-SCHOOL queries on current versions, not yet answered, whose pupil no other
    school's current file has any more (the other school sent a file without the pupil)."""
    shared = set(shared_upns(collection).values_list("upn", flat=True))
    answered = set(
        Answer.objects.filter(collection=collection, code=CROSS_SCHOOL_CODE).values_list(
            "school_id", "upn"
        )
    )
    queries = FindingRecord.objects.filter(
        submission__collection=collection, submission__is_current=True, code=CROSS_SCHOOL_CODE
    ).select_related("submission__school")
    return [
        q
        for q in queries.order_by("submission__school__name", "pupil")
        if q.upn not in shared and (q.submission.school_id, q.upn) not in answered
    ]


def close_stale(
    collection: Collection, school: School, upn: str, *, by: User, request: HttpRequest
) -> bool:
    """Answers the school's query for it, as the LA; False when there is no such query left."""
    query = next(
        (
            q
            for q in stale_queries(collection)
            if q.submission.school_id == school.pk and q.upn == upn
        ),
        None,
    )
    if query is None:
        return False
    Answer.objects.create(
        school=school, collection=collection, upn=upn, code=CROSS_SCHOOL_CODE,
        text=NOTHING_TO_SETTLE, answered_by=by, answered_at=clock.now(),
        first_submission=query.submission,
    )  # fmt: skip
    audit.record(
        audit.Action.DECIDE,
        f"closed {school.name}'s query on pupil UPN {upn}: no other return has the pupil now",
        request=request, actor=by, school=school, collection=collection, upn=upn,
    )  # fmt: skip
    return True
