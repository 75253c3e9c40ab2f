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
from keystage.web import audit, clock, mail
from keystage.web.models import (
    Answer,
    Collection,
    FindingRecord,
    MoveDecision,
    PupilRecord,
    School,
    User,
)

CROSS_SCHOOL_CODE = "PUPIL-OTHER-SCHOOL"

_HISTORY_FIELDS = frozenset(SchoolHistoryEntry.__dataclass_fields__)


def current_records(collection: Collection) -> QuerySet[PupilRecord]:
    """Pupils as the schools' current versions for the collection give them."""
    return PupilRecord.objects.filter(
        submission__collection=collection, submission__is_current=True
    ).exclude(upn="")


def shared_upns(collection: Collection) -> QuerySet[Any, Mapping[str, Any]]:
    """UPNs current in two or more schools' files, with how many schools: one aggregate query."""
    return (
        current_records(collection)
        .values("upn")
        .annotate(schools=Count("submission__school", distinct=True))
        .filter(schools__gte=2)
        .order_by("upn")
    )


def display_name(record: PupilRecord) -> str:
    """'SURNAME, Forename', as schools see pupils listed in their MIS."""
    return f"{record.surname.upper() or '(no surname)'}, {record.forename or '(no forename)'}"


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
        return next((s for s in self.schools if s.laestab == self.suggestion.school), None)

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
        advice = moves.suggest(
            [(r.submission.school.laestab, history(r)) for r in rows],
            year,
            {r.submission.school.laestab: r.submission.school.name for r in rows},
        )
        found.append(Move(collection, upn, rows, advice, decisions.get(upn)))
    return found


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
    move: Move, school: School, *, by: User, note: str = "", request: HttpRequest | None = None
) -> MoveDecision:
    """Records (or changes) which school reports the pupil, and who decided it when."""
    followed = move.suggestion.school == school.laestab
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
    others = [s for s in move.schools if s.pk != school.pk]
    audit.record(
        audit.Action.DECIDE,
        f"{school.name} ({school.laestab}) reports pupil UPN {move.upn}; left out of "
        + ", ".join(f"{s.name} ({s.laestab})" for s in others),
        request=request,
        actor=by,
        school=school,
        collection=move.collection,
        upn=move.upn,
        reports=school.laestab,
        left_out=[s.laestab for s in others],
        suggested=move.suggestion.school,
        followed_suggestion=followed,
        note=note,
    )
    move.decision = decision
    _close_queries(move, school, by)
    transaction.on_commit(lambda: _tell_schools(move, school))
    transaction.on_commit(lambda: _refresh_reports(move))
    return decision


def settled_text(ours: bool) -> str:
    if ours:
        return "The LA decided that your school reports this pupil."
    return (
        "The LA decided that another school reports this pupil: the pupil is left out of your "
        "school's figures for this collection."
    )


def _close_queries(move: Move, reporting: School, by: User) -> None:
    """Each school's PUPIL-OTHER-SCHOOL query on the pupil is answered by the decision, unless
    the school answered it already (its own words stand)."""
    now = clock.now()
    for record in move.records:
        version = record.submission
        if not version.finding_set.filter(code=CROSS_SCHOOL_CODE, upn=move.upn).exists():
            continue
        Answer.objects.get_or_create(
            school_id=version.school_id,
            collection=move.collection,
            upn=move.upn,
            code=CROSS_SCHOOL_CODE,
            defaults={
                "text": settled_text(version.school_id == reporting.pk),
                "answered_by": by,
                "answered_at": now,
                "first_submission": version,
            },
        )


def _tell_schools(move: Move, reporting: School) -> None:
    """Each school hears what the LA decided, by its own record of the pupil and nothing of the
    other school's."""
    for record in move.records:
        school = record.submission.school
        url = mail.link(reverse("portal:collection", args=[move.collection.pk]))
        mail.send(
            "pupil_settled",
            mail.school_addresses(school),
            {
                "school": school,
                "collection": move.collection,
                "pupil": display_name(record),
                "upn": move.upn,
                "outcome": settled_text(school.pk == reporting.pk),
                "url": url,
            },
        )


def _refresh_reports(move: Move) -> None:
    """Both schools' published reports change: they are made again, and the schools told."""
    from keystage.web.reports.publish import refresh_school  # reports import this module

    for school in move.schools:
        refresh_school(move.collection, school.pk)


def _left_out(collection: Collection) -> Exists:
    """A current record whose UPN the data team gave to another school."""
    return Exists(
        MoveDecision.objects.filter(collection=collection, upn=OuterRef("upn")).exclude(
            school=OuterRef("submission__school")
        )
    )


def without_excluded(
    records: QuerySet[PupilRecord], collection: Collection
) -> QuerySet[PupilRecord]:
    """The records measures and exports count: for a decided UPN, only the deciding school's."""
    return records.exclude(_left_out(collection))


def excluded_records(collection: Collection) -> set[tuple[int, str]]:
    """(school id, UPN) of every current record left out of measures and exports, because the
    data team decided that another school reports the pupil."""
    rows = current_records(collection).filter(_left_out(collection))
    return set(rows.values_list("submission__school_id", "upn"))


@dataclass(frozen=True)
class Outcome:
    """For a school's page: one of its pupils that the checks or the LA told it of: asked as a
    query (UPN and date of birth in another school's return), or settled by the LA. Nothing
    here says which other school: a school may learn only of its own pupils."""

    upn: str
    pupil: str  # as the school's own file names them
    decided: bool
    ours: bool  # the school itself reports the pupil

    @property
    def text(self) -> str:
        if not self.decided:
            return "Also in another school's return: the LA will settle it"
        return settled_text(self.ours)


def outcomes_for_school(school: School, collection: Collection) -> list[Outcome]:
    """The school's current pupils it has been told of: a PUPIL-OTHER-SCHOOL query on its
    current version, or a decision of the LA on a pupil in its current version."""
    own = current_records(collection).filter(submission__school=school)
    asked = set(
        FindingRecord.objects.filter(
            submission__school=school,
            submission__collection=collection,
            submission__is_current=True,
            code=CROSS_SCHOOL_CODE,
        ).values_list("upn", flat=True)
    )
    decisions = {
        d.upn: d
        for d in MoveDecision.objects.filter(collection=collection, upn__in=own.values("upn"))
    }
    told = asked | set(decisions)
    if not told:
        return []
    named = own.filter(upn__in=list(told)).only("upn", "surname", "forename")
    pupils = {r.upn: display_name(r) for r in named}
    found = []
    for upn in sorted(told & set(pupils), key=lambda u: (pupils[u], u)):
        decision = decisions.get(upn)
        found.append(
            Outcome(
                upn=upn,
                pupil=pupils[upn],
                decided=decision is not None,
                ours=decision is not None and decision.school_id == school.pk,
            )
        )
    return found
