"""Children of one year group at one school: identity, characteristics and school history.

A child carries what the outcome models read (sex, month of birth, disadvantage, SEN, EAL
and a general ability) beside the CTF pupil record, so results can depend on them the way
published figures show (summer-born, disadvantaged and SEN pupils do less well on average).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass
from typing import Any

from keystage.ctf import upn
from keystage.ctf.model import (
    Assessment,
    FSMInstance,
    Language,
    Pupil,
    SchoolHistoryEntry,
    SENInstance,
)
from keystage.synth.names import NAMES, PLACES
from keystage.synth.population import (
    DISTRICTS,
    EHC_PLAN,
    ETHNICITIES,
    OTHER_LAS,
    SEN_SUPPORT,
    SUPPLIERS,
    Ethnicity,
)
from keystage.synth.rand import seeded
from keystage.synth.schools import School

TRANSFER_SHARE = 0.03  # pupils who joined from a school in another LA
_NC_YEARS = {"R": 0, "1": 1, "2": 2, "6": 6}
_LANGUAGES = {
    e.code: ([c for c, _ in e.languages], list(itertools.accumulate(w for _, w in e.languages)))
    for e in ETHNICITIES
}


@dataclass(frozen=True, slots=True)
class Child:
    details: dict[str, Any]  # the CTF record's fields, without results
    girl: bool
    month: int  # 0 born in September (the oldest) .. 11 born in August
    disadvantaged: bool
    sen: str  # N, K or E
    eal: bool
    ability: float  # standard normal, the same at every key stage

    def with_results(self, assessments: tuple[Assessment, ...]) -> Pupil:
        # built afresh rather than with dataclasses.replace, which is several times slower
        return Pupil(**self.details, assessments=assessments)


@dataclass(frozen=True)
class Profile:
    """What a school draws once: its intake and how well it teaches."""

    fsm: float
    ethnic_weights: tuple[float, ...]  # cumulative, in the order of ETHNICITIES
    effect: float  # added to every pupil's latent attainment
    supplier: str


def school_profile(school: School, seed: str) -> Profile:
    rng = seeded(seed, "profile")
    district = next((d for d in DISTRICTS if d.name == school.district), DISTRICTS[0])
    weights = tuple(
        itertools.accumulate(
            e.share * district.shift.get(e.group, 1.0) * rng.lognormvariate(0.0, 0.5)
            for e in ETHNICITIES
        )
    )
    fsm = min(0.8, max(0.03, rng.gauss(district.fsm, 0.08)))
    supplier = rng.choices([s for s, _ in SUPPLIERS], weights=[w for _, w in SUPPLIERS])[0]
    return Profile(fsm=fsm, ethnic_weights=weights, effect=rng.gauss(0.0, 0.3), supplier=supplier)


def dob_range(start_year: int, nc_year: str) -> tuple[dt.date, dt.date]:
    """The normal dates of birth of a national curriculum year (ctf.md), first and last."""
    n = _NC_YEARS[nc_year]
    return dt.date(start_year - n - 5, 9, 1), dt.date(start_year - n - 4, 8, 31)


@dataclass(frozen=True)
class YearGroupSpec:
    school: School
    profile: Profile
    start_year: int  # the academic year's first calendar year (2025 for 2025-26)
    nc_year: str  # R, 1, 2 or 6
    size: int
    allocator: str | None = None  # the estab that allocated the UPNs (default: the school's)
    first_serial: int | None = None  # the UPN serials' start (default: drawn)


def year_group(spec: YearGroupSpec, rng: random.Random) -> list[Child]:
    """`spec.size` children, by surname and forename (as MIS exports list them)."""
    allocation_year = spec.start_year - _NC_YEARS[spec.nc_year]
    allocator = spec.allocator or spec.school.infant_estab or spec.school.estab
    serial = spec.first_serial if spec.first_serial is not None else rng.randint(1, 60)
    children = []
    transfers = 0
    for _ in range(spec.size):
        if rng.random() < TRANSFER_SHARE and transfers < 400:
            other_la = rng.choice(OTHER_LAS)
            # a UPN from the other LA's school; its serials (500+) never meet the LA's own
            number = upn.make(other_la, allocator, allocation_year, 500 + transfers)
            history = _transfer_history(spec, rng, other_la, allocation_year)
            transfers += 1
        else:
            number = upn.make(spec.school.la, allocator, allocation_year, serial)
            serial += rng.randint(1, 3) if spec.first_serial is None else 1
            history = (_entry(spec, rng, allocation_year),)
        children.append(_child(spec, rng, number, history))
    children.sort(key=lambda c: (c.details["surname"], c.details["forename"], c.details["upn"]))
    return children


def _child(
    spec: YearGroupSpec, rng: random.Random, number: str, history: tuple[SchoolHistoryEntry, ...]
) -> Child:
    girl = rng.random() < 0.494  # slightly more boys are born than girls
    ethnicity = rng.choices(ETHNICITIES, cum_weights=spec.profile.ethnic_weights)[0]
    forename, middle, surname = _names(rng, ethnicity, girl)
    first, last = dob_range(spec.start_year, spec.nc_year)
    dob = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
    language = _first_language(rng, ethnicity)
    disadvantaged = rng.random() < spec.profile.fsm
    sen = _sen(rng)
    entry = history[-1].entry_date or f"{spec.start_year}-09-03"
    details = dict(
        upn=number,
        surname=surname,
        forename=forename,
        middle_names=middle,
        dob=dob.isoformat(),
        sex="F" if girl else "M",
        nc_year=spec.nc_year,
        ethnicity=ethnicity.code,
        languages=(Language("F", language),),
        fsm=_fsm(rng, spec.start_year, entry) if disadvantaged else (),
        sen=(SENInstance(_date_after(rng, entry, spec.start_year), sen),) if sen != "N" else (),
        school_history=history,
    )
    return Child(
        details=details,
        girl=girl,
        month=(dob.month - 9) % 12,
        disadvantaged=disadvantaged,
        sen=sen,
        eal=language != "ENG",
        ability=rng.gauss(0.0, 1.0),
    )


def _names(rng: random.Random, ethnicity: Ethnicity, girl: bool) -> tuple[str, str | None, str]:
    girls, boys, _ = NAMES[rng.choice(ethnicity.heritage)]
    # a mixed-heritage child's surname may come from either parent's side
    surname = rng.choice(NAMES[rng.choice(ethnicity.heritage)][2])
    forenames = girls if girl else boys
    forename = rng.choice(forenames)
    middle = rng.choice(forenames) if rng.random() < 0.35 else None
    return forename, (middle if middle != forename else None), surname


def _first_language(rng: random.Random, ethnicity: Ethnicity) -> str:
    if not ethnicity.languages or rng.random() >= ethnicity.other_language:
        return "ENG"
    codes, weights = _LANGUAGES[ethnicity.code]
    return rng.choices(codes, cum_weights=weights)[0]


def _sen(rng: random.Random) -> str:
    draw = rng.random()
    if draw < EHC_PLAN:
        return "E"
    return "K" if draw < EHC_PLAN + SEN_SUPPORT else "N"


def _entry_date(spec: YearGroupSpec, rng: random.Random, allocation_year: int) -> dt.date:
    if spec.school.low_age >= 7:  # a junior school: from the start of Year 3
        return dt.date(allocation_year + 3, 9, rng.randint(2, 8))
    if spec.school.low_age < 4 and rng.random() < 0.5:  # from its nursery class
        return dt.date(allocation_year - 1, 9, rng.randint(2, 20))
    return dt.date(allocation_year, 9, rng.randint(2, 8))


def _entry(spec: YearGroupSpec, rng: random.Random, allocation_year: int) -> SchoolHistoryEntry:
    school = spec.school
    entry = _entry_date(spec, rng, allocation_year)
    return SchoolHistoryEntry(la=school.la, estab=school.estab, name=school.name,
                              entry_date=entry.isoformat())  # fmt: skip


def _transfer_history(
    spec: YearGroupSpec, rng: random.Random, other_la: str, allocation_year: int
) -> tuple[SchoolHistoryEntry, ...]:
    first = dt.date(allocation_year, 9, rng.randint(2, 8))
    # joined this school at some point before this year's spring
    latest = dt.date(spec.start_year + 1, 3, 1)
    joined = first + dt.timedelta(days=rng.randint(30, max(31, (latest - first).days)))
    previous = SchoolHistoryEntry(
        la=other_la, estab=spec.school.estab, name=f"{rng.choice(PLACES)} Primary School",
        entry_date=first.isoformat(),
        leaving_date=(joined - dt.timedelta(days=rng.randint(1, 14))).isoformat(),
    )  # fmt: skip
    school = spec.school
    current = SchoolHistoryEntry(la=school.la, estab=school.estab, name=school.name,
                                 entry_date=joined.isoformat())  # fmt: skip
    return previous, current


def _fsm(rng: random.Random, start_year: int, entry: str) -> tuple[FSMInstance, ...]:
    """One FSM instance inside the last six years, current (70%) or ended."""
    start = _date_after(rng, entry, start_year)
    begun = dt.date.fromisoformat(start)
    if rng.random() < 0.7:
        return (FSMInstance(start=start, end=None, country="ENG"),)
    last = dt.date(start_year + 1, 5, 31)
    end = begun + dt.timedelta(days=rng.randint(60, max(61, (last - begun).days)))
    return (FSMInstance(start=start, end=min(end, last).isoformat(), country="ENG"),)


def _date_after(rng: random.Random, entry: str, start_year: int) -> str:
    """A date from a pupil's entry (or six years back at most) to this spring."""
    earliest = max(dt.date.fromisoformat(entry), dt.date(start_year - 5, 9, 1))
    latest = dt.date(start_year + 1, 3, 31)
    span = max(0, (latest - earliest).days)
    return (earliest + dt.timedelta(days=rng.randint(0, span))).isoformat()
