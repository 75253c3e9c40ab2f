"""Onward exports from the portal: which schools may go (confirmed and locked), and the files
made from their locked returns by the pure builders in keystage.exports.

Only a school whose current version is confirmed (Submitted) and locked (the school, or the
whole collection) goes onward; every other school the collection expects is listed with why. A
school not expected that sent its data anyway goes onward like any other (its data are real; the
expected list is for chasing); one not expected that sent nothing is not missing. The pupils are the
portal's own (keystage.web.results.pupils.pupils): each school's current version, less the pupils
the data team decided another school reports. Before any file is made, the DfE's checks that
can be run locally (keystage.exports.collect_checks) run over the whole return: a school or
setting with an error is left out and listed with the failure to chase; an error in the
header stops the return. Every file is read back before it goes. The views record each
download in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from keystage.checks import COLLECTION_NAMES
from keystage.checks.model import NOTE
from keystage.codesets import codeset_for
from keystage.ctf.model import Pupil
from keystage.exports import (
    DFE_COLLECTIONS,
    Producer,
    SchoolPupil,
    benchmark,
    csv_bytes,
    la_return,
    zip_stream,
)
from keystage.exports import collect_checks as return_checks
from keystage.exports.collect import (
    Child,
    CollectFile,
    Establishment,
    children_of,
    file_name,
    header_for,
    return_file,
)
from keystage.exports.collect_reader import read_return
from keystage.exports.collect_registry import Draft, ReturnFinding, blocked
from keystage.exports.collect_spec import spec_for
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
        reason = why_not(standings[school.pk], "setting" if school.is_setting else "school")
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


def why_not(standing: Standing, who: str = "school") -> str:
    """Why a school's (or, `who`, a setting's) data cannot go onward yet; "" when it can."""
    if standing.step == State.NOT_STARTED:
        return f"Not started: the {who} has not sent a file"
    problems = []
    if standing.step != State.SUBMITTED:
        problems.append(f"not confirmed (the {who} is at “{standing.step.value}”)")
    if not standing.locked:
        problems.append("not locked")
    if not problems:
        return ""
    text = " and ".join(problems)
    return text[0].upper() + text[1:]


def establishment_of(school: School) -> Establishment:
    """The one place a School becomes an establishment of the return: a school by its LA and
    DfE number, a PVI setting by its LA and early years URN."""
    is_setting = school.is_setting
    return Establishment(
        la=school.la,
        estab=None if is_setting else school.estab,
        ey_urn=school.urn if is_setting else None,
        name=school.name,
        is_setting=is_setting,
        key=school.pk,
    )


def submitting_la() -> str:
    """The LA making the return: the LA number most of the register's establishments share
    (Keystage serves one LA; a school of another LA in it is then a finding, EYR-HDR-LA)."""
    found = Counter(establishment_of(s).la for s in School.objects.all())
    return found.most_common(1)[0][0] if found else ""


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


def dfe_return(collection: Collection, ready: Readiness, number: int) -> DfeReturn:
    """The export of the schools and settings that may go, checked: what the page shows and
    the downloads give."""
    return DfeReturn(gather(collection, ready.included), producer(number), submitting_la())


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
    """One export to the DfE: the DfE's checks run over every school's and setting's children
    first (`findings`); the files of those without an error are made, read back and given out
    one at a time as they are asked for (a ZIP of 300 schools streams, never held whole)."""

    def __init__(self, gathered: Gathered, made: Producer, la: str) -> None:
        if not dfe_allowed(gathered.collection):
            raise ValueError(f"the DfE return is for {' and '.join(DFE_COLLECTIONS)} only")
        self.gathered = gathered
        self.collection = gathered.collection
        self.made = made
        self.spec = spec_for(self.collection.kind)
        self.codeset = codeset_for(self.collection.academic_year)
        self.header = header_for(self.spec, self.codeset, la, made)
        self.establishments = {s.pk: establishment_of(s) for s in gathered.schools}
        everyone = {
            s.pk: children_of(gathered.pupils[s.pk], self.spec, self.codeset)
            for s in gathered.schools
        }
        entries = [(self.establishments[s.pk], everyone[s.pk]) for s in gathered.schools]
        draft = Draft(self.spec, self.codeset, self.header, la, entries)
        self.findings = return_checks.run(draft)
        # A setting's unfunded children are left out of its file (the DfE takes none), and so
        # of the pupils going: the setting itself still goes.
        kept = {e.key: children for e, children in return_checks.funded_only(draft).entries}
        self.children = {pk: list(kept[pk]) for pk in everyone}
        returned = {id(c) for found in self.children.values() for c in found}
        self.pupils = {
            pk: [p for p, c in zip(gathered.pupils[pk], everyone[pk], strict=True)
                 if id(c) in returned]
            for pk in everyone
        }  # fmt: skip
        self.header_wrong, kept_out = blocked(self.findings)
        self.failed = [
            Missing(s, self._failed_reason(s)) for s in gathered.schools
            if self.establishments[s.pk] in kept_out
        ]  # fmt: skip
        self.going = [] if self.header_wrong else [
            s for s in gathered.schools if self.establishments[s.pk] not in kept_out
        ]  # fmt: skip

    def _failed_reason(self, school: School) -> str:
        establishment = self.establishments[school.pk]
        errors = [f for f in self.errors if f.establishment == establishment]
        count, first = len(errors), errors[0]
        said = first.message.removeprefix(f"{establishment.label}: ")  # named once is enough
        return (
            f"{count} error{'s' if count != 1 else ''} in the DfE's checks ({first.code}): {said}"
        )

    @property
    def children_left_out(self) -> list[tuple[School | None, str]]:
        """Each child left out of their setting's file (EYR-FUNDED's notes), with the setting."""
        notes = [f for f in self.findings if f.severity == NOTE]
        return [(self.school_of(f), f.message) for f in notes]

    def rows(self, schools: Iterable[School] | None = None) -> list[SchoolPupil]:
        """The pupils the DfE is sent, of the schools and settings going (or those given)."""
        chosen = self.going if schools is None else schools
        return [SchoolPupil(s.laestab, s.urn, s.name, p) for s in chosen for p in self.pupils[s.pk]]

    @property
    def errors(self) -> list[ReturnFinding]:
        return [f for f in self.findings if f.severity == "error"]

    def school_of(self, finding: ReturnFinding) -> School | None:
        """The school or setting a finding asks the LA to chase (None: the return's own)."""
        if finding.establishment is None:
            return None
        return next(s for s in self.gathered.schools if s.pk == finding.establishment.key)

    @property
    def names(self) -> list[str]:
        return [file_name(self.spec, self.establishments[s.pk], self.made.number)
                for s in self.going]  # fmt: skip

    @property
    def csv_name(self) -> str:
        kind, year = self.collection.kind, self.collection.academic_year
        return f"{self.header.la or 'LA'}_{kind}_{year}_pupils.csv"

    def files(self, only: School | None = None) -> Iterator[tuple[School, CollectFile]]:
        for school in self.going:
            if only is not None and school.pk != only.pk:
                continue
            establishment, children = self.establishments[school.pk], self.children[school.pk]
            made = return_file(self.header, establishment, children, self.spec, self.made.number)
            if self._reads_back(made, children):
                yield school, made
            else:
                reason = "Its file did not read back as written: tell the service's support team"
                self.failed.append(Missing(school, reason))

    def file_for(self, school: School) -> CollectFile | None:
        """One school's or setting's file on its own; None when it is kept out."""
        return next((made for _, made in self.files(only=school)), None)

    def _reads_back(self, made: CollectFile, children: list[Child]) -> bool:
        """The safety net: the file, read back, holds this header and these children."""
        back = read_return(made.body, self.spec)
        return back.header == self.header and back.children == children

    def members(self, missing: Sequence[Missing]) -> Iterator[tuple[str, bytes]]:
        """Every school's and setting's file, the CSV of their pupils, and a note of those not
        in it."""
        sent: list[School] = []
        for school, made in self.files():
            sent.append(school)
            yield made.name, made.body
        yield self.csv_name, la_csv(self, sent)
        left_out = [*missing, *self.failed]
        children = [message for _, message in self.children_left_out]
        if left_out or children:
            yield "NOT-INCLUDED.txt", not_included(self.collection, left_out, children)

    def zip(self, missing: Sequence[Missing]) -> Iterator[bytes]:
        return zip_stream(self.members(missing), self.made.made_at)


def la_csv(made: DfeReturn, schools: Iterable[School] | None = None) -> bytes:
    """The LA's CSV that goes beside the DfE return: the pupils of its files, and no others.
    A data officer checks one against the other, and sends the two together, so a CSV that
    also held the schools failing the DfE's checks, or a setting's unfunded children (whom
    the DfE must not be sent), would not add up to the return. The ZIP's CSV holds the schools
    whose files were read back (`schools`): the same, unless one failed."""
    return csv_bytes(la_return(made.rows(schools), made.collection.kind, made.codeset))


def not_included(
    collection: Collection, left_out: Iterable[Missing], children: Sequence[str] = ()
) -> bytes:
    """NOT-INCLUDED.txt: the schools and settings left out, and the children left out of the
    files that went (each line names their setting)."""
    name = COLLECTION_NAMES.get(collection.kind, collection.kind)
    lines = [
        f"Schools and settings not in this {name} return to the DfE, and why:",
        "",
        *(f"{establishment_of(m.school).label}: {m.reason}" for m in left_out),
    ]
    if children:
        lines += ["", "Children left out of their setting's file, and why:", "", *children]
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
