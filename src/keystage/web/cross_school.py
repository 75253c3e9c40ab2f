"""PUPIL-OTHER-SCHOOL: a UPN current in two schools' files for one collection, shown to both.

A version's own finding is worked out as it is stored; and when a version becomes current (or
stops being current), every other school's current version sharing one of its UPNs has its
PUPIL-OTHER-SCHOOL findings worked out again, so the school that sent first sees it too.

Both run inside the storing transaction, after it has taken a lock for each of its pupils
(`lock_pupils`): two schools' versions sharing a pupil, stored at once, take turns, so neither
misses the other (no lost update), while versions sharing no pupil are stored side by side (one
lock for the whole collection made every worker in England wait for every other). Every storing
transaction takes its locks in one order, so none deadlock: its school, the collection (shared),
its pupils in key order, then its school's version rows, then other schools' versions in
primary key order. A store refreshes another school's version only through a pupil both hold,
whose lock it holds, so it never waits for a row of a store that waits for it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Count

from keystage.checks import Finding, finding
from keystage.ctf.model import Pupil
from keystage.web import bulk
from keystage.web.models import Collection, FindingRecord, PupilRecord, Submission

CODE = "PUPIL-OTHER-SCHOOL"
BATCH = 1000
# A file with more pupils than this takes the whole collection instead: PostgreSQL keeps every
# lock in a shared table sized for about 64 a connection, which thousands a file would fill.
MOST_PUPIL_LOCKS = 2000


def lock_pupils(submission: Submission, upns: Iterable[str]) -> list[str]:
    """Locks held until the storing transaction ends (PostgreSQL advisory locks; SQLite writes
    one transaction at a time and needs none): the school's, so one of its versions is stored
    at a time; then each pupil's in the collection, for `upns` and for the school's current
    version's pupils, as a pupil the new version drops is refreshed in other schools too.
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


def message(display_name: str, upn: str, other_name: str, other_laestab: str) -> str:
    return (
        f"{display_name} (UPN {upn}) is also in the file that {other_name} ({other_laestab}) "
        "sent for this collection. The LA will decide which school reports this pupil: usually "
        "the school where the pupil was registered for more days in May. Tell us here if the "
        "pupil moved, and when."
    )


Held = list[tuple[int, str, str, list[str]]]  # version id, school name, LAESTAB, its UPNs


def held_elsewhere(submission: Submission, upns: Iterable[str]) -> Held:
    """Other schools' current versions holding any of `upns`, read once a store: under the
    locks of lock_pupils no other store can change which do, so the version's own findings and
    the schools to tell once it is current both come from this one read."""
    wanted = sorted({u for u in upns if u})
    return _held_elsewhere(submission.collection_id, submission.school_id, wanted)


def findings_for(pupils: Sequence[Pupil], held: Held) -> list[Finding]:
    """The version's own findings: its UPNs current in another school's file."""
    by_upn = {p.upn: p for p in pupils if p.upn}
    found = []
    for upn, name, laestab in _by_upn(held, list(by_upn)):
        pupil = by_upn[upn]
        found.append(
            finding(CODE, message(pupil.display_name, upn, name, laestab), pupil=pupil, field="UPN")
        )
    return found


def refresh_other_schools(held: Held) -> None:
    """Other schools' current versions sharing a pupil with the new current version or the one
    it replaced get their findings worked out again from what is current now (added for a new
    shared pupil, gone for one no longer)."""
    for version in Submission.objects.filter(pk__in={v[0] for v in held}).order_by("pk"):
        _refresh(version)


def _refresh(version: Submission) -> None:
    records = list(PupilRecord.objects.filter(submission=version).exclude(upn=""))
    by_upn = {r.upn: r for r in records}
    wanted = [
        _row(version, by_upn[upn], name, laestab)
        for upn, name, laestab in _by_upn(
            _held_elsewhere(version.collection_id, version.school_id, list(by_upn)), list(by_upn)
        )
    ]
    kept = version.finding_set.filter(code=CODE)
    if sorted((f.upn, f.message) for f in kept) == sorted((f.upn, f.message) for f in wanted):
        return
    kept.delete()
    bulk.insert(wanted)
    queries = version.finding_set.filter(severity="query").aggregate(n=Count("pk"))["n"]
    Submission.objects.filter(pk=version.pk).update(queries=queries)


def _row(version: Submission, record: PupilRecord, name: str, laestab: str) -> FindingRecord:
    shown = f"{record.surname.upper() or '(no surname)'}, {record.forename or '(no forename)'}"
    made = finding(CODE, message(shown, record.upn, name, laestab))
    line = record.data.get("line")
    return FindingRecord(
        submission=version, code=CODE, severity=made.severity, message=made.message,
        upn=record.upn, pupil=shown, field="UPN", line=line if isinstance(line, int) else None,
    )  # fmt: skip


def _by_upn(held: Held, upns: list[str]) -> list[tuple[str, str, str]]:
    """(UPN, other school's name, its LAESTAB) for each of `upns` current in another school's
    file, in the order of `upns`, the other schools by LAESTAB."""
    found: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for _, name, laestab, holds in sorted(held, key=lambda v: v[2]):
        for upn in holds:
            found[upn].append((upn, name, laestab))
    return [row for upn in upns for row in found.get(upn, [])]


def _held_elsewhere(collection_id: int, school_id: int, upns: list[str]) -> Held:
    """(version id, school name, LAESTAB, the UPNs it holds) for each other school's current
    version holding one of `upns`.

    In two steps, each with one index to use whatever the planner believes: every version
    holding one of the UPNs (a handful each, by the UPN index), then those versions by primary
    key, kept here when current and another school's. As one join the plan rests on the
    planner's row estimates, and with stale statistics (a new collection, autovacuum behind)
    it walks every current version of the collection for each file: a second a file at
    national size (benchmarks/national.py).
    """
    holders: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(upns), BATCH):
        rows = PupilRecord.objects.filter(upn__in=upns[start : start + BATCH]).order_by()
        for upn, version in rows.values_list("upn", "submission_id"):
            holders[version].append(upn)
    versions = (
        Submission.objects.filter(pk__in=list(holders))
        .order_by()
        .values_list(
            "pk", "collection_id", "is_current", "school_id", "school__name", "school__laestab"
        )
    )
    return [
        (pk, name, laestab, holders[pk])
        for pk, collection, current, school, name, laestab in versions
        if collection == collection_id and current and school != school_id
    ]
