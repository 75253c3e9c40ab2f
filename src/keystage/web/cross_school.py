"""PUPIL-OTHER-SCHOOL: a UPN current in two schools' files for one collection, shown to both.

A version's own finding is worked out as it is stored; and when a version becomes current (or
stops being current), every other school's current version sharing one of its UPNs has its
PUPIL-OTHER-SCHOOL findings worked out again, so the school that sent first sees it too.

Both run inside the storing transaction, after it has locked the collection's row: two schools'
versions stored at once take turns, so neither misses the other (no lost update), and every
storing transaction takes its locks in one order (collection, then versions), so none deadlock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Count

from keystage.checks import Finding, finding
from keystage.ctf.model import Pupil
from keystage.web.models import Collection, FindingRecord, PupilRecord, School, Submission

CODE = "PUPIL-OTHER-SCHOOL"
BATCH = 1000


def lock_collection(collection: Collection) -> None:
    """Held until the storing transaction ends (PostgreSQL; SQLite writes one at a time)."""
    Collection.objects.select_for_update().filter(pk=collection.pk).first()


def message(display_name: str, upn: str, other_name: str, other_laestab: str) -> str:
    return (
        f"{display_name} (UPN {upn}) is also in the file that {other_name} ({other_laestab}) "
        "sent for this collection. The LA will decide which school reports this pupil: usually "
        "the school where the pupil was registered for more days in May. Tell us here if the "
        "pupil moved, and when."
    )


def findings_for(submission: Submission, pupils: Sequence[Pupil]) -> list[Finding]:
    """The version's own findings: its UPNs current in another school's file."""
    by_upn = {p.upn: p for p in pupils if p.upn}
    found = []
    for upn, name, laestab in _current_elsewhere(
        submission.collection_id, submission.school_id, list(by_upn)
    ):
        pupil = by_upn[upn]
        found.append(
            finding(CODE, message(pupil.display_name, upn, name, laestab), pupil=pupil, field="UPN")
        )
    return found


def refresh_other_schools(collection: Collection, school: School, upns: Iterable[str]) -> None:
    """Other schools' current versions holding any of `upns` get their findings worked out
    again from what is current now (added for a new shared pupil, gone for one no longer)."""
    wanted = sorted({u for u in upns if u})
    affected = {pk for pk, _, _, _ in _held_elsewhere(collection.pk, school.pk, wanted)}
    for version in Submission.objects.filter(pk__in=affected).order_by("pk"):
        _refresh(version)


def _refresh(version: Submission) -> None:
    records = list(PupilRecord.objects.filter(submission=version).exclude(upn=""))
    by_upn = {r.upn: r for r in records}
    wanted = [
        _row(version, by_upn[upn], name, laestab)
        for upn, name, laestab in _current_elsewhere(
            version.collection_id, version.school_id, list(by_upn)
        )
    ]
    kept = version.finding_set.filter(code=CODE)
    if sorted((f.upn, f.message) for f in kept) == sorted((f.upn, f.message) for f in wanted):
        return
    kept.delete()
    FindingRecord.objects.bulk_create(wanted, batch_size=BATCH)
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


def _current_elsewhere(
    collection_id: int, school_id: int, upns: list[str]
) -> list[tuple[str, str, str]]:
    """(UPN, other school's name, its LAESTAB) for each UPN current in another school's file."""
    found: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for _, name, laestab, held in sorted(
        _held_elsewhere(collection_id, school_id, upns), key=lambda v: v[2]
    ):
        for upn in held:
            found[upn].append((upn, name, laestab))
    return [row for upn in upns for row in found.get(upn, [])]


def _held_elsewhere(
    collection_id: int, school_id: int, upns: list[str]
) -> list[tuple[int, str, str, list[str]]]:
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
