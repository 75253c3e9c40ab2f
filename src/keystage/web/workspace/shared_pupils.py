"""Pupils current in two or more schools' files for a collection: what the files say, the
May-days suggestion (keystage.moves), the data team's decision, and what follows from it.

The data team sees every UPN two schools sent, whether or not the dates of birth agree; a
school sees only its own pupils, never which other school has them (cross_school.py).
Every function here runs a fixed number of queries, however many schools or pupils there are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.urls import reverse

from keystage import moves
from keystage.ctf.model import SchoolHistoryEntry
from keystage.web.common import audit, clock, events, mail
from keystage.web.common.pupil_ids import display_name
from keystage.web.models import (
    Answer,
    Collection,
    MoveDecision,
    PupilRecord,
    School,
    User,
)
from keystage.web.submissions.sources import from_nca
from keystage.web.submissions.told import (
    CROSS_SCHOOL_CODE,
    current_records,
    our_school,
    settled_text,
)

_HISTORY_FIELDS = frozenset(SchoolHistoryEntry.__dataclass_fields__)


def shared_upns(collection: Collection) -> QuerySet[Any, Mapping[str, Any]]:
    """UPNs current in two or more schools' files, with how many schools: one aggregate query."""
    return (
        current_records(collection)
        .values("upn")
        .annotate(schools=Count("submission__school", distinct=True))
        .filter(schools__gte=2)
        .order_by("upn")
    )


def history(record: PupilRecord) -> tuple[SchoolHistoryEntry, ...]:
    """The record's school history, as stored from the file (dataclasses.asdict of the Pupil)."""
    entries = record.data.get("school_history") or ()
    return tuple(
        SchoolHistoryEntry(**{k: v for k, v in entry.items() if k in _HISTORY_FIELDS})
        for entry in entries
        if isinstance(entry, Mapping)
    )


@dataclass
class Move:
    """One UPN in two or more schools' current files, and what is known and decided about it."""

    collection: Collection
    upn: str
    records: list[PupilRecord]  # one a school, by school name; record.submission.school is loaded
    suggestion: moves.Suggestion
    decision: MoveDecision | None = None
    schools: list[School] = field(init=False)

    def __post_init__(self) -> None:
        self.schools = [r.submission.school for r in self.records]

    @property
    def suggested_school(self) -> School | None:
        return next((s for s in self.schools if s.number == self.suggestion.school), None)

    @property
    def names(self) -> list[str]:
        """The pupil's names as the files give them (usually one)."""
        return list(dict.fromkeys(display_name(r) for r in self.records))

    @property
    def same_dob(self) -> bool:
        """Every file gives the same date of birth: the same child, most likely. On the UPN
        alone (a UPN can be made up from public numbers) the schools are not told."""
        dobs = {r.dob for r in self.records}
        return len(dobs) == 1 and None not in dobs

    @property
    def names_differ(self) -> bool:
        return len({" ".join(n.casefold().split()) for n in self.names}) > 1

    def record_of(self, school_id: str) -> PupilRecord | None:
        """The record of the school chosen on a form (its id, as text); None for none of them."""
        return next((r for r in self.records if str(r.submission.school_id) == school_id), None)


def _moves(collection: Collection, records: Iterable[PupilRecord]) -> list[Move]:
    by_upn: dict[str, dict[int, PupilRecord]] = defaultdict(dict)
    for record in records:
        # A school that lists the pupil twice is a duplicate in its own file, found by its checks.
        by_upn[record.upn].setdefault(record.submission.school_id, record)
    decisions = {
        d.upn: d
        for d in MoveDecision.objects.filter(collection=collection, upn__in=list(by_upn))
        .select_related("school", "decided_by")
    }  # fmt: skip
    year = int(collection.summer)
    found = []
    for upn, per_school in sorted(by_upn.items()):
        rows = sorted(per_school.values(), key=lambda r: r.submission.school.name)
        providers = [r.submission.school for r in rows]
        if any(p.is_setting for p in providers):
            advice = _setting_advice(providers)
        else:
            advice = moves.suggest(
                [(p.number, history(r)) for p, r in zip(providers, rows, strict=True)],
                year,
                {p.number: p.name for p in providers},
            )
        found.append(Move(collection, upn, rows, advice, decisions.get(upn)))
    return found


SPENDS_MOST_TIME = (
    "A PVI early years setting shares this child. The EYFSP handbook says the provider where "
    "the child spends most time between 8am and 6pm completes the profile: the files do not "
    "say the hours, so no provider is suggested. Ask the providers (their answers to the query "
    "show on the collection's page) and decide."
)


def _setting_advice(providers: list[School]) -> moves.Suggestion:
    """A child in a school and a setting (or two settings): the May-days rule of the school
    census does not apply; the handbook's rule needs hours the files do not hold."""
    return moves.Suggestion(
        school=None, days={p.number: None for p in providers}, reason=SPENDS_MOST_TIME, stays={}
    )


def _records(collection: Collection) -> QuerySet[PupilRecord]:
    return current_records(collection).select_related("submission__school")


def moves_for(collection: Collection) -> list[Move]:
    """Every UPN current in two or more schools' files, by UPN."""
    shared = shared_upns(collection).values("upn")
    return _moves(collection, _records(collection).filter(upn__in=shared))


def move_for(collection: Collection, upn: str) -> Move | None:
    """One UPN's records, if two or more schools' current files have it."""
    found = _moves(collection, _records(collection).filter(upn=upn))
    return found[0] if found and len(found[0].records) >= 2 else None


def decide(
    move: Move,
    school: School | None,
    *,
    by: User,
    note: str = "",
    request: HttpRequest | None = None,
) -> MoveDecision:
    """Records (or changes) which school reports the pupil, or (`school` None) that the files
    are about different children, who decided it when, and for which schools' records: a school
    sending the UPN later is no party to it."""
    followed = school is not None and move.suggestion.school == school.number
    decision, _ = MoveDecision.objects.update_or_create(
        collection=move.collection,
        upn=move.upn,
        defaults={
            "school": school,
            "suggested": followed,
            "note": note,
            "decided_by": by,
            "decided_at": clock.now(),
        },
    )
    decision.parties.set(move.schools)
    _audit(move, school, by, request, followed=followed, noted=bool(note))
    move.decision = decision
    asked = _close_queries(move, school, by)
    # A decision on who reports the pupil reaches every school it was made for; that the
    # children differ reaches only the schools that were asked (the others never heard of it).
    told = move.schools if school is not None else asked
    transaction.on_commit(lambda: _tell_schools(move, school, told))
    transaction.on_commit(lambda: _refresh_reports(move))
    return decision


def _audit(
    move: Move,
    school: School | None,
    by: User,
    request: HttpRequest | None,
    *,
    followed: bool,
    noted: bool,
) -> None:
    others = [s for s in move.schools if school is None or s.pk != school.pk]
    names = ", ".join(s.reference for s in others)
    what = (
        f"{school.reference} reports pupil UPN {move.upn}; left out of {names}"
        if school is not None
        else f"UPN {move.upn} is a different child in each of {names}: all keep their record"
    )
    audit.record(
        audit.Action.DECIDE, what, request=request, actor=by, school=school,
        collection=move.collection, upn=move.upn,
        reports=school.number if school else "", left_out=[s.number for s in others]
        if school else [], suggested=move.suggestion.school, followed_suggestion=followed,
        noted=noted,  # the note itself stays on the decision, which the retention purge clears
    )  # fmt: skip


def _close_queries(move: Move, reporting: School | None, by: User) -> list[School]:
    """Each school's PUPIL-OTHER-SCHOOL query on the pupil is answered by the decision, unless
    the school answered it already (its own words stand). Returns the schools that were asked."""
    now = clock.now()
    asked = []
    for record in move.records:
        version = record.submission
        if not version.finding_set.filter(code=CROSS_SCHOOL_CODE, upn=move.upn).exists():
            continue
        asked.append(version.school)
        Answer.objects.get_or_create(
            school_id=version.school_id,
            collection=move.collection,
            upn=move.upn,
            code=CROSS_SCHOOL_CODE,
            defaults={
                "text": settled_text(our_school(version.school, reporting), move.collection.kind),
                "answered_by": by,
                "answered_at": now,
                "first_submission": version,
            },
        )
    return asked


def _tell_schools(move: Move, reporting: School | None, told: list[School]) -> None:
    """Each school hears what the LA decided, by its own record of the pupil and nothing of the
    other school's."""
    url = mail.link(reverse("portal:collection", args=[move.collection.pk]))
    for record in move.records:
        school = record.submission.school
        if school not in told:
            continue
        mail.send(
            "pupil_settled",
            mail.school_addresses(school),
            {
                "school": school,
                "collection": move.collection,
                "pupil": display_name(record),
                "upn": move.upn,
                "outcome": settled_text(our_school(school, reporting), move.collection.kind),
                "url": url,
            },
        )


def _refresh_reports(move: Move) -> None:
    """Both schools' published reports change: they are made again, and the schools told."""
    events.data_changed(move.collection, [school.pk for school in move.schools])


def _left_out(collection: Collection) -> Exists:
    """A current record whose UPN the data team gave to another school, in a decision made for
    this record's school (a school sending the UPN later is no party: its record stays)."""
    return Exists(
        MoveDecision.objects.filter(
            collection=collection,
            upn=OuterRef("upn"),
            school__isnull=False,
            parties=OuterRef("submission__school"),
        ).exclude(school=OuterRef("submission__school"))
    )


def without_excluded(
    records: QuerySet[PupilRecord], collection: Collection
) -> QuerySet[PupilRecord]:
    """The records measures and exports count: for a decided UPN, only the deciding school's."""
    return records.exclude(_left_out(collection))


def excluded_records(collection: Collection) -> set[tuple[int, str]]:
    """(school id, UPN) of every current record left out of measures and exports, because the
    data team decided that another school reports the pupil. None where the figures come from
    the NCA Portal: the STA's results already say where each pupil sat, and decisions made
    over schools' own uploads must not trim them."""
    if from_nca(collection):
        return set()
    rows = current_records(collection).filter(_left_out(collection))
    return set(rows.values_list("submission__school_id", "upn"))
