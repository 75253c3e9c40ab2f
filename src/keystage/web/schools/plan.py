"""What loading the register would change, worked out before anything changes: new schools,
academy conversions, closures, new names, other details, links and the LA's addresses. The LA
reads the plan, then applies it (register.apply); nothing here writes.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from keystage.web.models import School, SchoolLink
from keystage.web.models.schools import CLOSED, SCHOOL
from keystage.web.schools.gias import Addresses, Establishment, Extract, Link, RegisterError, Value


class Kind(StrEnum):
    NEW = "new"
    CONVERTED = "converted"
    CLOSED = "closed"
    RENAMED = "renamed"
    DETAILS = "details"
    ADDRESSES = "addresses"


HEADINGS = {
    Kind.NEW: "New schools",
    Kind.CONVERTED: "Converted to academies (a new URN that replaces a school)",
    Kind.CLOSED: "Closed",
    Kind.RENAMED: "Renamed",
    Kind.DETAILS: "Details changed",
    Kind.ADDRESSES: "Email addresses",
}
LABELS = {
    "laestab": "LAESTAB", "name": "Name", "type": "Type", "status": "Status", "phase": "Phase",
    "low_age": "Lowest age", "high_age": "Highest age", "opened_on": "Opened",
    "closed_on": "Last day open", "head_title": "Head's title",
    "head_first_name": "Head's first name", "head_last_name": "Head's last name",
    "telephone": "Telephone", "district": "District", "main_email": "School's email",
    "head_email": "Head's email", "kind": "Kind", "la_number": "LA number",
}  # fmt: skip
# A setting's contact is kept in the head's fields: its plan says so.
SETTING_LABELS = {"head_first_name": "Contact's first name", "head_last_name": "Contact's surname",
                  "head_email": "Contact's email", "telephone": "Telephone",
                  "district": "Postcode or district"}  # fmt: skip
CLOSING_FIELDS = {"status", "closed_on"}


@dataclass(frozen=True)
class Difference:
    field: str
    old: Value
    new: Value
    setting: bool = False

    @property
    def label(self) -> str:
        if self.setting and self.field in SETTING_LABELS:
            return SETTING_LABELS[self.field]
        return LABELS.get(self.field, self.field)

    @property
    def was(self) -> str:
        return _shown(self.old)

    @property
    def becomes(self) -> str:
        return _shown(self.new)


def _shown(value: Value) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, dt.date):
        return f"{value:%-d %B %Y}"
    return str(value)


@dataclass(frozen=True)
class Change:
    kind: Kind
    urn: str
    laestab: str
    name: str
    differences: tuple[Difference, ...] = ()
    note: str = ""  # what a conversion replaced, what replaced a closed school


@dataclass
class Plan:
    establishments: list[Establishment] = field(default_factory=list)  # to write
    closing: dict[str, dt.date | None] = field(default_factory=dict)  # URN -> its last day
    links: list[Link] = field(default_factory=list)  # to add
    addresses: list[Addresses] = field(default_factory=list)  # to write
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    missing: list[str] = field(default_factory=list)  # open here, not in the extract
    notes: list[str] = field(default_factory=list)
    kind: str = SCHOOL  # the providers planned: the register's schools, or the LA's settings

    @property
    def noun(self) -> str:
        return "schools" if self.kind == SCHOOL else "settings"

    def of(self, kind: Kind) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def groups(self) -> list[tuple[str, list[Change]]]:
        return [(HEADINGS[k].replace("schools", self.noun), self.of(k)) for k in Kind if self.of(k)]

    def counts(self) -> dict[str, int]:
        return {kind.value: len(self.of(kind)) for kind in Kind}

    @property
    def has_changes(self) -> bool:
        return bool(self.changes or self.links)

    def fingerprint(self) -> str:
        """Names this plan's changes: the page applies a plan only if it is the one shown."""
        changes = [(c.kind, c.urn, [(d.field, str(d.new)) for d in c.differences])
                   for c in self.changes]  # fmt: skip
        links = [(k.predecessor, k.successor) for k in self.links]
        text = json.dumps([changes, links], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def lines(self) -> list[str]:
        """The plan in words, for the command line."""
        lines = []
        for heading, changes in self.groups:
            lines.append(f"{heading}: {len(changes)}")
            for c in changes:
                said = "; ".join(f"{d.label} {d.was} -> {d.becomes}" for d in c.differences)
                number = f"LAESTAB {c.laestab}" if c.laestab else "no LAESTAB"
                lines.append(f"  {c.name} (URN {c.urn}, {number}) {c.note} {said}")
        if self.kind == SCHOOL:
            lines.append(f"Links between establishments to add: {len(self.links)}")
        lines.append(f"{self.noun.capitalize()} unchanged: {self.unchanged}")
        lines += [f"Not in the extract, left as they are: {m}" for m in self.missing]
        return [*(line.rstrip() for line in lines), *self.notes]


def make_plan(
    extract: Extract | None,
    links: Iterable[Link] = (),
    addresses: Iterable[Addresses] = (),
    notes: Iterable[str] = (),
    *,
    today: dt.date,
    kind: str = SCHOOL,
) -> Plan:
    """The register's schools (kind school) or the LA's settings: each list is compared with
    the providers of its kind only, so neither file makes the other's providers "missing"."""
    held = {s.urn: s for s in School.objects.filter(kind=kind)}
    plan = Plan(notes=[*(extract.notes if extract else ()), *notes], kind=kind)
    links = list(links)
    before = _predecessors(links)
    incoming = {e.urn: e for e in extract.establishments} if extract else {}
    _check_other_kind(incoming, kind)
    for found in incoming.values():
        if found.urn in held:
            _compare(plan, held[found.urn], found, today)
        else:
            _add(plan, found, [held.get(p) or incoming.get(p) for p in before[found.urn]], today)
    if extract is not None:
        _missing(plan, held, incoming, before, today)
    _links(plan, held, links)
    _addresses(plan, held, incoming, addresses)
    _check_laestabs(plan, held)
    return plan


def _predecessors(links: list[Link]) -> dict[str, list[str]]:
    """Successor URN -> its predecessors' URNs, from the links stored and the file's."""
    before: dict[str, list[str]] = defaultdict(list)
    stored = SchoolLink.objects.values_list("predecessor__urn", "successor__urn")
    for predecessor, successor in [*stored, *((k.predecessor, k.successor) for k in links)]:
        if predecessor not in before[successor]:
            before[successor].append(predecessor)
    return before


def _add(
    plan: Plan, found: Establishment, before: list[School | Establishment | None], today: dt.date
) -> None:
    """A URN new to the portal: a new school, or one that replaces a school (a conversion).
    One already closed is added too (the LA's extract chose to include it): a predecessor's
    record is what a successor's history links to."""
    replaced = [s for s in before if s is not None]
    plan.establishments.append(found)
    kind = Kind.CONVERTED if replaced else Kind.NEW
    names = ", ".join(f"{s.name} (URN {s.urn})" for s in replaced)
    said = [f"replaces {names}"] if replaced else []
    if not _as_school(None, found).is_open_on(today):
        said.append("already closed")
    plan.changes.append(Change(kind, found.urn, found.laestab, found.name, note="; ".join(said)))


def _as_school(school: School | None, found: Establishment) -> School:
    after = copy.copy(school) if school is not None else School(urn=found.urn)
    for name, value in {"laestab": found.laestab, **found.values}.items():
        setattr(after, name, value)
    return after


def _compare(plan: Plan, school: School, found: Establishment, today: dt.date) -> None:
    values = {"laestab": found.laestab, **found.values}
    differences = [Difference(name, getattr(school, name), value, school.is_setting)
                   for name, value in values.items() if getattr(school, name) != value]  # fmt: skip
    if not differences:
        plan.unchanged += 1
        return
    plan.establishments.append(found)
    closes = school.is_open_on(today) and not _as_school(school, found).is_open_on(today)
    said: dict[Kind, list[Difference]] = defaultdict(list)
    for difference in differences:
        if closes and difference.field in CLOSING_FIELDS:
            said[Kind.CLOSED].append(difference)
        else:
            said[Kind.RENAMED if difference.field == "name" else Kind.DETAILS].append(difference)
    for kind, listed in said.items():
        plan.changes.append(Change(kind, found.urn, found.laestab, school.name, tuple(listed)))


def _missing(
    plan: Plan, held: dict[str, School], incoming: dict[str, Establishment],
    before: dict[str, list[str]], today: dt.date,
) -> None:  # fmt: skip
    """Open schools the extract leaves out: closed when a school in the extract replaced them
    (an extract of open establishments leaves the old school out), else left as they are."""
    replaced_by = {p: s for s, ps in before.items() if s in incoming for p in ps}
    for urn, school in sorted(held.items()):
        if urn in incoming or not school.is_open_on(today):
            continue
        successor = replaced_by.get(urn)
        if successor is None:
            plan.missing.append(f"{school.name} (URN {urn}, LAESTAB {school.laestab})")
            continue
        opened = incoming[successor].values.get("opened_on")
        last_day = opened - dt.timedelta(days=1) if isinstance(opened, dt.date) else None
        plan.closing[urn] = last_day
        differences = (Difference("status", school.status, CLOSED),
                       Difference("closed_on", school.closed_on, last_day))  # fmt: skip
        plan.changes.append(Change(Kind.CLOSED, urn, school.laestab, school.name, differences,
                                   note=f"replaced by URN {successor}"))  # fmt: skip


def _links(plan: Plan, held: dict[str, School], links: list[Link]) -> None:
    after = set(held) | {e.urn for e in plan.establishments}
    stored = set(SchoolLink.objects.values_list("predecessor__urn", "successor__urn"))
    outside = 0
    for link in links:
        if link.predecessor not in after or link.successor not in after:
            outside += 1
        elif (link.predecessor, link.successor) not in stored:
            plan.links.append(link)
    if outside:
        plan.notes.append(f"{outside} link(s) name an establishment not in the portal: left out.")


def _addresses(
    plan: Plan, held: dict[str, School], incoming: dict[str, Establishment],
    addresses: Iterable[Addresses],
) -> None:  # fmt: skip
    for given in addresses:
        school = held.get(given.urn)
        if school is None and given.urn not in incoming:
            plan.notes.append(f"Addresses, row {given.row}: no school has URN {given.urn}.")
            continue
        found = incoming.get(given.urn)
        name = school.name if school is not None else found.name if found else given.urn
        laestab = school.laestab if school is not None else found.laestab if found else ""
        wanted = {"head_email": given.head_email, "main_email": given.school_email}
        differences = tuple(
            Difference(f, getattr(school, f, ""), new) for f, new in wanted.items()
            if new is not None and getattr(school, f, "") != new
        )  # fmt: skip
        if differences:
            plan.addresses.append(given)
            plan.changes.append(Change(Kind.ADDRESSES, given.urn, laestab, name, differences))


def _check_other_kind(incoming: dict[str, Establishment], kind: str) -> None:
    """A URN the portal holds for a school may not arrive as a setting's, nor the reverse:
    applying it would turn one into the other, taking its versions and account along."""
    for school in School.objects.filter(urn__in=incoming).exclude(kind=kind).order_by("urn"):
        found = incoming[school.urn]
        held_as = "an early years setting" if school.is_setting else "a school"
        raise RegisterError(
            f"URN {school.urn} is {found.name} in this file, but the portal holds it as "
            f"{held_as}, {school.reference}. Check the URN in the file: a school's URN and a "
            "setting's early years URN are never the same."
        )


def _check_laestabs(plan: Plan, held: dict[str, School]) -> None:
    """One open school a LAESTAB, once the plan is applied (the database insists too)."""
    after = {urn: (s.laestab, s.status, s.name) for urn, s in held.items()}
    for found in plan.establishments:
        status = found.values.get("status", after.get(found.urn, ("", "Open", ""))[1])
        after[found.urn] = (found.laestab, str(status), found.name)
    for urn in plan.closing:
        after[urn] = (after[urn][0], CLOSED, after[urn][2])
    open_by_laestab: dict[str, list[str]] = defaultdict(list)
    for urn, (laestab, status, name) in sorted(after.items()):
        if status != CLOSED:
            open_by_laestab[laestab].append(f"{name} (URN {urn})")
    for laestab, names in open_by_laestab.items():
        if laestab and len(names) > 1:  # a setting has no LAESTAB: blanks never collide
            raise RegisterError(
                f"LAESTAB {laestab} would belong to {' and '.join(names)}, all open. If one "
                "replaced another, load the links file too, or an extract with closed schools."
            )
