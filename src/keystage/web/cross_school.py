"""PUPIL-OTHER-SCHOOL: a pupil in two schools' current files for one collection.

A school may learn only of its own pupils (DESIGN.md, "What a school may learn"). UPNs can be
built from public numbers (a LAESTAB and the check letter), so a UPN alone proves nothing: a
school hears of a match only when the UPN *and* the date of birth agree, and then only that the
pupil "is also in another school's return", never which school or anything of the other record.
The query sits on the later-received of the two versions (by the time each was received, not
by which worker checked first), so an upload never changes another school's findings or state
by itself; the LA sees every match, UPN-only ones included (moving.py), and decides. A file
in which more than max(3, 10%) of its pupils are in other schools' files is held for the LA
rather than raising queries (`too_many`): it is not made current, so nobody downstream sees
its pupils until the LA lets it through.

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
from django.db.models import Count

from keystage.checks import Finding, finding
from keystage.ctf.model import Pupil
from keystage.web import bulk, columns
from keystage.web.models import (
    Collection,
    Confirmation,
    FindingRecord,
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


def message(display_name: str, upn: str) -> str:
    """Says nothing of the other school or its record: the school may learn only its own."""
    return (
        f"{display_name} (UPN {upn}) is also in another school's return; the LA will settle it. "
        "If the pupil joined or left your school this year, say when here: it helps the LA "
        "decide which school reports the pupil."
    )


@dataclass(frozen=True)
class Holder:
    """Another school's current version holding some of the pupils of the version being
    stored: what of it the rules here need, and nothing a school is shown."""

    version: int
    received: tuple[dt.datetime, int]  # (uploaded_at, id): which of two came later
    signed: bool  # its head's confirmation stands: never reopened by another school
    dobs: dict[str, dt.date | None]  # UPN -> the date of birth it gives

    def same_child(self, upn: str, dob: dt.date | None) -> bool:
        """UPN and date of birth both agree: what a school may be told of."""
        return dob is not None and upn in self.dobs and self.dobs[upn] == dob


def held_elsewhere(submission: Submission, upns: Iterable[str]) -> list[Holder]:
    """Other schools' current versions holding any of `upns`, read once a store: under the
    locks of lock_pupils no other store can change which do."""
    wanted = sorted({u for u in upns if u})
    return _held_elsewhere(submission.collection_id, submission.school_id, wanted)


def matched(pupils: Sequence[Pupil], holders: Sequence[Holder]) -> set[str]:
    """The file's UPNs in another school's current file, on UPN alone."""
    elsewhere = {upn for h in holders for upn in h.dobs}
    return {p.upn for p in pupils if p.upn and p.upn in elsewhere}


def too_many(pupils: Sequence[Pupil], holders: Sequence[Holder]) -> bool:
    """More than max(3, 10%) of the file's pupils are in other schools' files: held."""
    return len(matched(pupils, holders)) > max(HOLD_AT_LEAST, HOLD_SHARE * len(pupils))


def findings_for(
    submission: Submission, pupils: Sequence[Pupil], holders: Sequence[Holder]
) -> list[Finding]:
    """The version's own queries: its pupils whose UPN and date of birth another school's
    current version, received before this one, also gives."""
    mine = (submission.uploaded_at, submission.pk)
    found, seen = [], set()
    for pupil in pupils:
        upn = pupil.upn
        if not upn or upn in seen:
            continue
        if any(h.received < mine and h.same_child(upn, pupil.dob_date) for h in holders):
            seen.add(upn)
            found.append(finding(CODE, message(pupil.display_name, upn), pupil=pupil, field="UPN"))
    return found


Owed = list[tuple[int, str]]  # (another school's version, UPN)


def owed_elsewhere(
    submission: Submission, pupils: Sequence[Pupil], holders: Sequence[Holder]
) -> Owed:
    """Queries that belong on another school's version received after this one, but checked
    before it (two workers at once, or this one tried again after a fault): put there, the
    outcome is the same whichever worker finished first. Never on a signed version: a school's
    signed return is not reopened by another school's upload; the LA still sees the match."""
    mine = (submission.uploaded_at, submission.pk)
    later = [h for h in holders if h.received > mine and not h.signed]
    return sorted(
        {
            (h.version, p.upn)
            for p in pupils
            for h in later
            if p.upn and h.same_child(p.upn, p.dob_date)
        }
    )


def put_owed(owed: Owed) -> None:
    """Adds each owed query that its version does not have yet, and its count of queries."""
    for version_id, upns in _grouped(owed).items():
        have = set(
            FindingRecord.objects.filter(submission_id=version_id, code=CODE).values_list(
                "upn", flat=True
            )
        )
        records = PupilRecord.objects.filter(
            submission_id=version_id, upn__in=[u for u in upns if u not in have]
        )
        rows = {r.upn: _row(version_id, r) for r in records}
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


def _row(version_id: int, record: PupilRecord) -> FindingRecord:
    named = f"{record.surname.upper() or '(no surname)'}, {record.forename or '(no forename)'}"
    shown = columns.shortened(FindingRecord, "pupil", named)  # upper() can lengthen a name
    made = finding(CODE, message(shown, record.upn))
    line = record.data.get("line")
    return FindingRecord(
        submission_id=version_id, code=CODE, severity=made.severity, message=made.message,
        upn=record.upn, pupil=shown, field="UPN", line=line if isinstance(line, int) else None,
    )  # fmt: skip


def _held_elsewhere(collection_id: int, school_id: int, upns: list[str]) -> list[Holder]:
    """Each other school's current version holding one of `upns`.

    In two steps, each with one index to use whatever the planner believes: every version
    holding one of the UPNs (a handful each, by the UPN index), then those versions by primary
    key, kept here when current and another school's. As one join the plan rests on the
    planner's row estimates, and with stale statistics (a new collection, autovacuum behind)
    it walks every current version of the collection for each file: a second a file at
    national size (benchmarks/national.py).
    """
    holders: dict[int, dict[str, dt.date | None]] = defaultdict(dict)
    for start in range(0, len(upns), BATCH):
        rows = PupilRecord.objects.filter(upn__in=upns[start : start + BATCH]).order_by()
        for upn, version, dob in rows.values_list("upn", "submission_id", "dob"):
            holders[version][upn] = dob
    versions = (
        Submission.objects.filter(pk__in=list(holders))
        .order_by()
        .values_list("pk", "collection_id", "is_current", "school_id", "uploaded_at")
    )
    kept = [
        (pk, uploaded_at)
        for pk, collection, current, school, uploaded_at in versions
        if collection == collection_id and current and school != school_id
    ]
    if not kept:
        return []
    signed = set(
        Confirmation.objects.filter(
            submission_id__in=[pk for pk, _ in kept], voided_at__isnull=True
        ).values_list("submission_id", flat=True)
    )
    return [Holder(pk, (uploaded_at, pk), pk in signed, holders[pk]) for pk, uploaded_at in kept]
