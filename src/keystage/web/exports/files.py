"""Onward exports from the portal: which schools may go (confirmed and locked), and the files
made from their locked returns by the pure builders in keystage.exports.

Only a school whose current version is confirmed (Submitted) and locked (the school, or the
whole collection) goes onward; every other school the collection expects is listed with why. A
school not expected that sent its data anyway goes onward like any other (its data are real; the
expected list is for chasing); one not expected that sent nothing is not missing. The pupils are the
portal's own (keystage.web.results.pupils.pupils): each school's current version, less the pupils
the data team decided another school reports. Every file is read back and checked before it
goes: a school whose file would not pass the project's own checks is left out and said so.
The views record each download in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from keystage.checks import COLLECTION_NAMES
from keystage.codesets import codeset_for
from keystage.ctf.model import Pupil, SchoolRef
from keystage.exports import (
    DFE_COLLECTIONS,
    Producer,
    ReturnFile,
    SchoolPupil,
    benchmark,
    csv_bytes,
    la_return,
    read_back_errors,
    return_file,
    return_name,
    zip_stream,
)
from keystage.web.common.pupil_ids import pseudonym
from keystage.web.models import AuditEvent, Collection, School
from keystage.web.results.pupils import pupils
from keystage.web.schools.expected import expected_school_ids
from keystage.web.submissions.sources import figures_source, from_nca
from keystage.web.submissions.state import Standing, State, standings_for

DFE_EXPORT = "dfe-return"  # the audit detail's "export" for the DfE files (numbers them)
BENCHMARK_EXPORT = "benchmark"


@dataclass(frozen=True)
class Missing:
    school: School
    reason: str


@dataclass
class Readiness:
    """Which schools' data may go onward now, and why each other school may not."""

    collection: Collection
    included: list[School]
    missing: list[Missing]

    @property
    def any(self) -> bool:
        return bool(self.included)


def readiness(collection: Collection, today: dt.date) -> Readiness:
    if from_nca(collection):
        return _nca_readiness(collection)
    schools = list(School.objects.order_by("name"))
    standings = standings_for(collection, schools, today)
    wanted = expected_school_ids(collection)
    included, missing = [], []
    for school in schools:
        reason = why_not(standings[school.pk])
        if reason and school.pk not in wanted and standings[school.pk].latest is None:
            continue  # not expected and sent nothing: nothing is missing
        if reason:
            missing.append(Missing(school, reason))
        else:
            included.append(school)
    return Readiness(collection, included, missing)


def _nca_readiness(collection: Collection) -> Readiness:
    """KS2 from 2026: the schools with results imported from the NCA Portal go onward (the
    STA's data, not the schools' own uploads); an expected school without them is missing."""
    have = set(figures_source(collection).values_list("school_id", flat=True))
    wanted = expected_school_ids(collection)
    included, missing = [], []
    for school in School.objects.order_by("name"):
        if school.pk in have:
            included.append(school)
        elif school.pk in wanted:
            missing.append(Missing(school, "No KS2 results from the NCA Portal imported for it"))
    return Readiness(collection, included, missing)


def why_not(standing: Standing) -> str:
    """Why a school's data cannot go onward yet; "" when it can."""
    if standing.step == State.NOT_STARTED:
        return "Not started: the school has not sent a file"
    problems = []
    if standing.step != State.SUBMITTED:
        problems.append(f"not confirmed (the school is at “{standing.step.value}”)")
    if not standing.locked:
        problems.append("not locked")
    if not problems:
        return ""
    text = " and ".join(problems)
    return text[0].upper() + text[1:]


def school_ref(school: School) -> SchoolRef:
    return SchoolRef(la=school.la, estab=school.estab, urn=school.urn, name=school.name)


def dfe_allowed(collection: Collection) -> bool:
    return collection.kind in DFE_COLLECTIONS


def next_number(collection: Collection) -> int:
    """The file number (NNN) of the next DfE export of the collection: one more than those
    already recorded, so a resend never has an earlier file's name (999 then 1 again)."""
    made = AuditEvent.objects.filter(
        action=AuditEvent.Action.DOWNLOAD,
        collection=f"{collection.kind} {collection.academic_year}",
        detail__export=DFE_EXPORT,
    ).count()
    return made % 999 + 1


def producer(number: int) -> Producer:
    return Producer(la_name=settings.LA_NAME, made_at=timezone.localtime(), number=number)


@dataclass
class Gathered:
    """The pupils of the schools going onward, loaded once: the files are made from these."""

    collection: Collection
    schools: list[School]
    pupils: dict[int, list[Pupil]]

    @property
    def total(self) -> int:
        return sum(len(found) for found in self.pupils.values())

    def rows(self, schools: Iterable[School] | None = None) -> list[SchoolPupil]:
        chosen = self.schools if schools is None else schools
        return [SchoolPupil(s.laestab, s.urn, s.name, p) for s in chosen for p in self.pupils[s.pk]]


def gather(collection: Collection, schools: Iterable[School]) -> Gathered:
    chosen = list(schools)
    return Gathered(collection, chosen, {s.pk: pupils(collection, s) for s in chosen})


class DfeReturn:
    """One export to the DfE. The files are made, read back and checked one school at a time
    as they are asked for (a ZIP of 300 schools streams, never held whole); a school whose
    file shows an error is left out and kept in `failed`."""

    def __init__(self, gathered: Gathered, made: Producer) -> None:
        if not dfe_allowed(gathered.collection):
            raise ValueError(f"the DfE return is for {' and '.join(DFE_COLLECTIONS)} only")
        self.gathered = gathered
        self.collection = gathered.collection
        self.made = made
        self.codeset = codeset_for(self.collection.academic_year)
        self.failed: list[Missing] = []

    @property
    def names(self) -> list[str]:
        return [return_name(school_ref(s), self.made.number) for s in self.gathered.schools]

    @property
    def csv_name(self) -> str:
        la = self.gathered.schools[0].la if self.gathered.schools else "LA"
        return f"{la}_{self.collection.kind}_{self.collection.academic_year}_pupils.csv"

    def files(self) -> Iterator[tuple[School, ReturnFile]]:
        kind = self.collection.kind
        for school in self.gathered.schools:
            theirs = self.gathered.pupils[school.pk]
            made = return_file(school_ref(school), theirs, kind, self.codeset, self.made)
            errors = read_back_errors(made, kind, self.codeset)
            if errors:
                self.failed.append(Missing(school, _failed_reason(len(errors), errors[0].message)))
            else:
                yield school, made

    def members(self, missing: Sequence[Missing]) -> Iterator[tuple[str, bytes]]:
        """Every school's file, the CSV of their pupils, and a note of the schools not in it."""
        sent: list[School] = []
        for school, made in self.files():
            sent.append(school)
            yield made.name, made.body
        table = la_return(self.gathered.rows(sent), self.collection.kind, self.codeset)
        yield self.csv_name, csv_bytes(table)
        left_out = [*missing, *self.failed]
        if left_out:
            yield "NOT-INCLUDED.txt", not_included(self.collection, left_out)

    def zip(self, missing: Sequence[Missing]) -> Iterator[bytes]:
        return zip_stream(self.members(missing), self.made.made_at)


def _failed_reason(count: int, first: str) -> str:
    return f"Its file fails {count} check{'s' if count != 1 else ''} when read back: {first}"


def la_csv(gathered: Gathered) -> bytes:
    """The CSV of the whole LA for the DfE, on its own (the ZIP's holds only the schools whose
    files passed the read-back checks: the same, unless one failed)."""
    codeset = codeset_for(gathered.collection.academic_year)
    return csv_bytes(la_return(gathered.rows(), gathered.collection.kind, codeset))


def not_included(collection: Collection, left_out: Iterable[Missing]) -> bytes:
    lines = [
        f"Schools not in this {COLLECTION_NAMES.get(collection.kind, collection.kind)} return "
        "to the DfE, and why:",
        "",
        *(f"{m.school.laestab} {m.school.name}: {m.reason}" for m in left_out),
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def benchmark_csv(gathered: Gathered, profile: str) -> bytes:
    """The benchmarking file, minimised or full."""
    collection = gathered.collection
    table = benchmark(
        gathered.rows(), collection.kind, codeset_for(collection.academic_year),
        profile=profile, pseudonym=lambda upn: pseudonym(collection, upn),
    )  # fmt: skip
    return csv_bytes(table)


def export_name(collection: Collection, what: str, extension: str, today: dt.date) -> str:
    return f"{collection.kind}-{collection.academic_year}-{what}-{today:%Y-%m-%d}.{extension}"
