"""PUPIL-OTHER-SCHOOL: a pupil in two schools' current files for one collection.

A school may learn only of its own pupils (DESIGN.md, "What a school may learn"). UPNs can be
built from public numbers (a LAESTAB and the check letter), so a UPN alone proves nothing and
tells the school nothing: a school hears of a match only when the UPN *and* the date of birth
agree, and then only that the pupil "is also in another school's return", never which school or
anything of the other record. The query is for the school that sent the pupil later (the first
version of each school's to hold the pupil, by when it was received, not by which worker
checked first), so no upload changes another school's findings or state by itself: not at once,
and not at the other school's next upload. The LA sees every match, UPN-only ones included
(moving.py), and each one is kept (PupilMatch), so a school probing over several uploads leaves
a trail.

A school whose files have asked about more than max(3, 10%) of its pupils (UPN and date of
birth, counted across all its versions in the collection, over a year group of at most
COHORT_CAP, so padding a file with made-up pupils does not help) has its file held for the LA
instead (`too_many`): nobody's current version, no query raised, and the school is told only
that the data team is looking at it. Matches on the UPN alone never hold a file: being held
would tell the school that the UPNs are real.

Both run inside the storing transaction, after it has taken a lock for each of its pupils
(`lock_pupils`): two schools' versions sharing a pupil, stored at once, take turns, so neither
misses the other (no lost update), while versions sharing no pupil are stored side by side (one
lock for the whole collection made every worker in England wait for every other). Every storing
transaction takes its locks in one order, so none deadlock: its school, the collection (shared),
its pupils in key order, then its school's version rows, then another school's version only
through a pupil both hold, whose lock it holds, so it never waits for a row of a store that
waits for it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Max

from keystage.checks import Finding, finding
from keystage.ctf.model import Pupil
from keystage.web.common import bulk, columns
from keystage.web.models import (
    Collection,
    Confirmation,
    FindingRecord,
    PupilMatch,
    PupilRecord,
    Submission,
)

CODE = "PUPIL-OTHER-SCHOOL"
BATCH = 1000
# A file with more pupils than this takes the whole collection instead: PostgreSQL keeps every
# lock in a shared table sized for about 64 a connection, which thousands a file would fill.
MOST_PUPIL_LOCKS = 2000
# A file is held for the LA when more of its pupils than this are in other schools' files: a
# few pupils move in any summer; many at once is a file built from other schools' pupils.
HOLD_AT_LEAST = 3
HOLD_SHARE = 0.10
# The largest year group the share is taken of (a four-form entry primary has 120 a year): a
# school cannot raise its bar by padding its file with made-up pupils.
COHORT_CAP = 120


def lock_pupils(submission: Submission, upns: Iterable[str]) -> list[str]:
    """Locks held until the storing transaction ends (PostgreSQL advisory locks; SQLite writes
    one transaction at a time and needs none): the school's, so one of its versions is stored
    at a time; then each pupil's in the collection, for `upns` and for the school's current
    version's pupils, as another store may put a query on that version through one of them.
    Returns the current version's UPNs (read under the school's lock)."""
    postgresql = connection.vendor == "postgresql"
    collection = submission.collection_id
    if postgresql:
        _take(_key(f"school:{collection}:{submission.school_id}"))
    current = list(
        PupilRecord.objects.filter(
            submission__school_id=submission.school_id,
            submission__collection_id=collection,
            submission__is_current=True,
        ).values_list("upn", flat=True)
    )
    if not postgresql:
        return current
    keys = sorted({_key(f"pupil:{collection}:{upn}") for upn in [*upns, *current] if upn})
    whole = _key(f"collection:{collection}")
    if len(keys) > MOST_PUPIL_LOCKS:
        _take(whole)
        return current
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [whole])
        # Ordered in a subquery: locks taken in one order by every transaction cannot deadlock.
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(k)) FROM "
            "(SELECT k FROM unnest(%s::bigint[]) AS k ORDER BY k) AS ordered",
            [keys],
        )
    return current


def lock_collection(collection: Collection) -> None:
    """Keeps every version of the collection from being stored until the transaction ends (the
    retention purge: nothing stored while names are removed)."""
    if connection.vendor == "postgresql":
        _take(_key(f"collection:{collection.pk}"))


def _take(key: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _key(name: str) -> int:
    """A signed 64-bit advisory lock key; two names sharing one only wait for each other."""
    return int.from_bytes(
        hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True
    )


EYFSP = "EYFSP"


def message(display_name: str, upn: str, kind: str = "") -> str:
    """Says nothing of the other school or its record: the school may learn only its own. For
    the EYFSP, where PVI settings send too, every provider hears the same words whichever kind
    the other is ("another school's or early years setting's"), and the handbook's rule: the
    provider where the child spends most time between 8am and 6pm completes the profile."""
    if kind == EYFSP:
        return (
            f"{display_name} (UPN {upn}) is also in another school's or early years setting's "
            "return; the LA will settle it. The provider where the child spends most time "
            "between 8am and 6pm reports the child (EYFSP handbook): say here how many days and "
            "hours the child attends you, and from when."
        )
    return (
        f"{display_name} (UPN {upn}) is also in another school's return; the LA will settle it. "
        "If the pupil joined or left your school this year, say when here: it helps the LA "
        "decide which school reports the pupil."
    )


Received = tuple[dt.datetime, int]  # when a version counts as received, and its id for ties


@dataclass(frozen=True)
class Holder:
    """Another school's current version holding some of the pupils of the version being
    stored: what of it the rules here need, and nothing a school is shown."""

    version: int
    signed: bool  # its head's confirmation stands: never reopened by another school
    dobs: dict[str, dt.date | None]  # UPN -> the date of birth it gives
    first: dict[str, Received]  # UPN -> when its school first sent the pupil

    def same_child(self, upn: str, dob: dt.date | None) -> bool:
        """UPN and date of birth both agree: what a school may be told of."""
        return dob is not None and upn in self.dobs and self.dobs[upn] == dob


@dataclass(frozen=True)
class Sighting:
    """What a store reads once, under its pupils' locks: the other schools' current versions
    holding its pupils, when its own school first sent each of them, and what its school's
    earlier versions have already asked about."""

    holders: list[Holder]
    own_first: dict[str, Received]
    asked_before: frozenset[str]  # UPNs (with date of birth) earlier versions were asked about
    vouched: frozenset[str]  # of those, in a version the LA let through: not counted again
    largest_before: int  # pupils in the school's largest earlier checked version

    def first_sent(self, submission: Submission, upn: str) -> Received:
        """When the storing school first sent the pupil: this version, or an earlier one."""
        mine = submission.received
        earlier = self.own_first.get(upn)
        return min(earlier, mine) if earlier is not None else mine


def sight(submission: Submission, upns: Iterable[str]) -> Sighting:
    """Read once a store: under the locks of lock_pupils no other store can change it."""
    wanted = sorted({u for u in upns if u})
    versions, rows = _versions_holding(submission.collection_id, wanted)
    first = _first_sent(versions, rows)
    school = submission.school_id
    holders = _holders(versions, rows, first, school)
    own_first = {u: when for (s, u), when in first.items() if s == school}
    earlier = Submission.objects.filter(
        school_id=school, collection_id=submission.collection_id, version__lt=submission.version
    ).schools_own()
    asked = PupilMatch.objects.filter(version__in=earlier, same_dob=True, later=True)
    vouched = asked.filter(version__hold_released=True).values_list("upn", flat=True)
    largest = earlier.filter(status=Submission.Status.CHECKED).aggregate(n=Max("pupils"))["n"]
    return Sighting(
        holders,
        own_first,
        frozenset(asked.values_list("upn", flat=True)),
        frozenset(vouched),
        largest or 0,
    )


def asked_now(submission: Submission, pupils: Sequence[Pupil], seen: Sighting) -> set[str]:
    """The file's UPNs another school sent first, with the same date of birth."""
    return {
        p.upn
        for p in pupils
        if p.upn
        for h in seen.holders
        if h.same_child(p.upn, p.dob_date) and h.first[p.upn] < seen.first_sent(submission, p.upn)
    }


def too_many(submission: Submission, pupils: Sequence[Pupil], seen: Sighting) -> bool:
    """More than max(3, 10%) of a year group asked about, across the school's versions: held
    (pupils in a version the LA let through are vouched for, and not counted again). The year
    group is the file's pupils, up to COHORT_CAP (or the school's largest earlier file): a file
    padded with made-up pupils does not raise the bar."""
    asked = (asked_now(submission, pupils, seen) | seen.asked_before) - seen.vouched
    cohort = min(len(pupils), max(COHORT_CAP, seen.largest_before))
    return len(asked) > max(HOLD_AT_LEAST, HOLD_SHARE * cohort)


def findings_for(submission: Submission, pupils: Sequence[Pupil], seen: Sighting) -> list[Finding]:
    """The version's own queries: its pupils whose UPN and date of birth another school's
    current version also gives, where that school sent the pupil first."""
    asked = asked_now(submission, pupils, seen)
    kind = submission.collection.kind
    found, told = [], set()
    for pupil in pupils:
        if pupil.upn in asked and pupil.upn not in told:
            told.add(pupil.upn)
            said = message(pupil.display_name, pupil.upn, kind)
            found.append(finding(CODE, said, pupil=pupil, field="UPN"))
    return found


Owed = list[tuple[int, str]]  # (another school's version, UPN)


def owed_elsewhere(submission: Submission, pupils: Sequence[Pupil], seen: Sighting) -> Owed:
    """Queries that belong on another school's version whose school sent the pupil after this
    one's, but whose version was checked first (two workers at once, or this one tried again
    after a fault): put there, the outcome is the same whichever worker finished first. Never on
    a signed version (put_owed checks again under the row's lock)."""
    found = set()
    for pupil in pupils:
        upn = pupil.upn
        if not upn:
            continue
        mine = seen.first_sent(submission, upn)
        for h in seen.holders:
            if not h.signed and h.same_child(upn, pupil.dob_date) and h.first[upn] > mine:
                found.add((h.version, upn))
    return sorted(found)


def matches_to_keep(
    submission: Submission, pupils: Sequence[Pupil], seen: Sighting, at: dt.datetime
) -> list[PupilMatch]:
    """Every match of the version, UPN-only ones too: the LA's trail."""
    rows = {}
    for pupil in pupils:
        upn = pupil.upn
        if not upn:
            continue
        for h in seen.holders:
            if upn in h.dobs and (upn, h.version) not in rows:
                rows[(upn, h.version)] = PupilMatch(
                    version_id=submission.pk, upn=upn, other_version_id=h.version,
                    same_dob=h.same_child(upn, pupil.dob_date),
                    later=h.first[upn] < seen.first_sent(submission, upn), at=at,
                )  # fmt: skip
    return list(rows.values())


def put_owed(owed: Owed) -> None:
    """Adds each owed query its version does not have yet, and its count of queries; the
    version's row is locked first, so a head signing at that moment either signed before (and
    is left alone) or signs after seeing the query."""
    for version_id, upns in _grouped(owed).items():
        locked = Submission.objects.select_for_update().filter(pk=version_id).first()
        if (
            locked is None
            or Confirmation.objects.filter(
                submission_id=version_id, voided_at__isnull=True
            ).exists()
        ):
            continue
        have = set(
            FindingRecord.objects.filter(submission_id=version_id, code=CODE).values_list(
                "upn", flat=True
            )
        )
        records = PupilRecord.objects.filter(
            submission_id=version_id, upn__in=[u for u in upns if u not in have]
        )
        rows = {r.upn: _row(version_id, r, locked.collection.kind) for r in records}
        if not rows:
            continue
        bulk.insert(list(rows.values()))
        queries = FindingRecord.objects.filter(submission_id=version_id, severity="query")
        Submission.objects.filter(pk=version_id).update(
            queries=queries.aggregate(n=Count("pk"))["n"]
        )


def _grouped(owed: Owed) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for version_id, upn in owed:
        found[version_id].append(upn)
    return found


def _row(version_id: int, record: PupilRecord, kind: str) -> FindingRecord:
    named = f"{record.surname.upper() or '(no surname)'}, {record.forename or '(no forename)'}"
    shown = columns.shortened(FindingRecord, "pupil", named)  # upper() can lengthen a name
    made = finding(CODE, message(shown, record.upn, kind))
    line = record.data.get("line")
    return FindingRecord(
        submission_id=version_id, code=CODE, severity=made.severity, message=made.message,
        upn=record.upn, pupil=shown, field="UPN", line=line if isinstance(line, int) else None,
    )  # fmt: skip


Version = tuple[int, bool, int, str, Received]  # id, current, school, status, received
Rows = dict[int, dict[str, dt.date | None]]  # version id -> UPN -> date of birth


def _versions_holding(collection_id: int, upns: list[str]) -> tuple[dict[int, Version], Rows]:
    """Every version of the collection holding one of `upns`, and what it gives of each.

    In two steps, each with one index to use whatever the planner believes: every record of
    the UPNs (a handful each, by the UPN index), then those versions by primary key. As one
    join the plan rests on the planner's row estimates, and with stale statistics (a new
    collection, autovacuum behind) it walks every current version of the collection for each
    file: a second a file at national size (benchmarks/national.py).
    """
    rows: Rows = defaultdict(dict)
    for start in range(0, len(upns), BATCH):
        records = PupilRecord.objects.filter(upn__in=upns[start : start + BATCH]).order_by()
        for upn, version, dob in records.values_list("upn", "submission_id", "dob"):
            rows[version][upn] = dob
    fields = ("pk", "collection_id", "is_current", "school_id", "status", "uploaded_at",
              "released_at")  # fmt: skip
    found = Submission.objects.filter(pk__in=list(rows)).order_by().values_list(*fields)
    versions = {
        pk: (pk, current, school, status, (released or uploaded, pk))
        for pk, collection, current, school, status, uploaded, released in found
        if collection == collection_id
    }
    return versions, rows


def _first_sent(versions: dict[int, Version], rows: Rows) -> dict[tuple[int, str], Received]:
    """(school, UPN) -> when the school's first checked version holding the UPN was received:
    a school keeps its place however often it sends the pupil again."""
    first: dict[tuple[int, str], Received] = {}
    for pk, current, school, status, received in versions.values():
        if status != Submission.Status.CHECKED and not current:
            continue  # refused, held, or never checked: never sent in the LA's eyes
        for upn in rows[pk]:
            key = (school, upn)
            if key not in first or received < first[key]:
                first[key] = received
    return first


def _holders(
    versions: dict[int, Version],
    rows: Rows,
    first: dict[tuple[int, str], Received],
    school_id: int,
) -> list[Holder]:
    current = [v for v in versions.values() if v[1] and v[2] != school_id]
    if not current:
        return []
    signed = set(
        Confirmation.objects.filter(
            submission_id__in=[v[0] for v in current], voided_at__isnull=True
        ).values_list("submission_id", flat=True)
    )
    return [
        Holder(pk, pk in signed, rows[pk], {u: first[(school, u)] for u in rows[pk]})
        for pk, _, school, _, _ in current
    ]
