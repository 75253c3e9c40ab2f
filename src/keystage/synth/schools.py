"""The LA's primary schools: names, DfE numbers, URNs and districts, and their GIAS register.

Estab numbers follow the DfE's bands (2xxx community and most academies, 3xxx voluntary
controlled and aided, 52xx foundation); URNs are 103xxx-104xxx for maintained schools and
14xxxx for academies, as a real LA's register looks. A few schools are infant and junior
pairs: the junior school takes only KS2, and its pupils' UPNs were allocated by its infant
school.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from keystage.synth.names import PLACES, SAINTS
from keystage.synth.population import DISTRICTS
from keystage.synth.rand import seeded

# (type, weight, estab band)
_TYPES = (
    ("Community school", 0.45, "2"),
    ("Voluntary aided school", 0.10, "VA"),
    ("Voluntary controlled school", 0.04, "VC"),
    ("Foundation school", 0.03, "F"),
    ("Academy converter", 0.26, "2"),
    ("Academy sponsor led", 0.12, "2"),
)
_BANDS = {"2": range(2001, 3000), "VC": range(3000, 3300), "VA": range(3300, 3500),
          "F": range(5200, 5300)}  # fmt: skip
_FORMS_OF_ENTRY = ((0.5, 0.06), (1.0, 0.31), (1.5, 0.05), (2.0, 0.39), (3.0, 0.19))
_PAIR_SHARE = 0.04  # share of schools that are an infant school with its junior school
_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters a postcode's inward part uses

GIAS_COLUMNS = (
    "URN", "LA (code)", "LA (name)", "EstablishmentNumber", "EstablishmentName",
    "TypeOfEstablishment (name)", "EstablishmentStatus (name)", "PhaseOfEducation (name)",
    "StatutoryLowAge", "StatutoryHighAge", "Postcode", "DistrictAdministrative (name)",
    "TelephoneNum", "SchoolCapacity", "MainEmail",
)  # fmt: skip
LA_NAMES = {"330": "Birmingham"}


@dataclass(frozen=True)
class School:
    la: str
    estab: str
    urn: str
    name: str
    phase: str
    type: str
    district: str
    email: str
    postcode: str = ""
    telephone: str = ""
    low_age: int = 4
    high_age: int = 11
    capacity: int = 210
    infant_estab: str | None = None  # a junior school's infant school (allocated its UPNs)

    @property
    def laestab(self) -> str:
        return f"{self.la}{self.estab}"

    @property
    def year_groups(self) -> int:
        return self.high_age - max(self.low_age, 4)

    @property
    def year_group_size(self) -> int:
        """The planned size of one year group (its published admission number)."""
        places = self.capacity - (26 if self.low_age < 4 else 0)  # less the nursery class
        return max(1, round(places / self.year_groups))

    def takes(self, collection: str) -> bool:
        """Whether the school has the year group a collection is about."""
        if collection == "KS2":
            return self.high_age >= 11
        return self.low_age <= 4 and self.high_age >= 7


def generate_schools(la: str, count: int, seed: int) -> list[School]:
    """`count` schools of LA `la`, ordered by estab number; the same seed, the same schools."""
    rng = seeded(seed, la, "schools")
    pairs = round(count * _PAIR_SHARE) if count >= 10 else 0
    plans = [_plan_single(rng) for _ in range(count - 2 * pairs)]
    places = _unique_places(rng, len(plans) + pairs)
    drafts = [(*plan, place) for plan, place in zip(plans, places, strict=False)]
    drafts += _plan_pairs(rng, places[len(plans) :])
    estabs = _estabs(rng, [band for _, band, _, _ in drafts])
    schools = _build(rng, la, drafts, estabs)
    return sorted(schools, key=lambda s: s.estab)


def write_register(schools: Iterable[School], path: Path) -> None:
    """The schools as a GIAS-style CSV (the register of establishments' own column names)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(GIAS_COLUMNS)
        for s in schools:
            writer.writerow([
                s.urn, s.la, LA_NAMES.get(s.la, f"LA {s.la}"), s.estab, s.name, s.type,
                "Open", s.phase, s.low_age, s.high_age, s.postcode, s.district, s.telephone,
                s.capacity, s.email,
            ])  # fmt: skip


# A draft school: (kind, estab band, type, place); kind is primary/infant/junior or a faith.
Draft = tuple[str, str, str, str]


def _plan_single(rng: random.Random) -> tuple[str, str, str]:
    kind_of_type = rng.choices(_TYPES, weights=[t[1] for t in _TYPES])[0]
    type_name, _, band = kind_of_type
    kind = "primary"
    if band == "VA":
        kind = "catholic" if rng.random() < 0.7 else "cofe"
    elif band == "VC":
        kind = "cofe"
    elif type_name == "Academy converter" and rng.random() < 0.15:
        kind, band = "catholic", "VA"  # a converted Catholic school keeps its 3xxx number
    return kind, band, type_name


def _plan_pairs(rng: random.Random, places: list[str]) -> list[Draft]:
    drafts: list[Draft] = []
    for place in places:
        drafts.append(("infant", "2", "Community school", place))
        junior_type = "Academy converter" if rng.random() < 0.3 else "Community school"
        drafts.append(("junior", "2", junior_type, place))
    return drafts


def _unique_places(rng: random.Random, count: int) -> list[str]:
    pool = list(dict.fromkeys(PLACES))
    rng.shuffle(pool)
    # past the list's end, reuse places with a compass point, as large cities do
    extra = [f"{p} {side}" for side in ("North", "South", "East", "West") for p in pool]
    return (pool + extra)[:count]


def _estabs(rng: random.Random, bands: list[str]) -> list[str]:
    """A distinct estab number per draft, in its band; 2001 is always the first community."""
    numbers: dict[str, list[int]] = {}
    for band, span in _BANDS.items():
        wanted = bands.count(band)
        if wanted > len(span):
            raise ValueError(f"too many schools for estab band {band}: {wanted}")
        picked = sorted(rng.sample(span[1:], wanted - 1)) if wanted else []
        numbers[band] = [span[0], *picked] if wanted else []
    order = list(range(len(bands)))
    rng.shuffle(order)  # so that the lowest numbers are not always the first drafts
    result = [""] * len(bands)
    for index in order:
        result[index] = f"{numbers[bands[index]].pop(0):04d}"
    return result


def _build(rng: random.Random, la: str, drafts: list[Draft], estabs: list[str]) -> list[School]:
    maintained = iter(rng.sample(range(103000, 105000), len(drafts)))
    academies = iter(rng.sample(range(140000, 150000), len(drafts)))
    names: set[str] = set()
    emails: set[str] = set()
    infant_of: dict[str, str] = {}
    schools = []
    for number, ((kind, _, type_name, place), estab) in enumerate(zip(drafts, estabs, strict=True)):
        # a junior school stands beside its infant school, the draft before it
        district = DISTRICTS[(number - (kind == "junior")) % len(DISTRICTS)]
        name = _unique(_name(rng, kind, type_name, place), names, suffix=f", {place}")
        low, high, fe = _ages_and_size(rng, kind)
        urn = next(academies) if type_name.startswith("Academy") else next(maintained)
        if kind == "infant":
            infant_of[place] = estab
        schools.append(School(
            la=la, estab=estab, urn=str(urn), name=name, phase="Primary", type=type_name,
            district=district.name, email=_email(name, emails),
            postcode=f"{rng.choice(district.postcodes)} {rng.randint(1, 9)}"
                     f"{rng.choice(_LETTERS)}{rng.choice(_LETTERS)}",
            telephone=f"0121 496 {number % 1000:04d}",  # Ofcom's range kept for fiction
            low_age=low, high_age=high, capacity=_capacity(fe, low, high),
            infant_estab=infant_of.get(place) if kind == "junior" else None,
        ))  # fmt: skip
    return schools


def _name(rng: random.Random, kind: str, type_name: str, place: str) -> str:
    if kind in ("catholic", "cofe"):
        saint = rng.choice(SAINTS)
        of_saint = f"St {saint}'" if saint.endswith("s") else f"St {saint}'s"
        if kind == "catholic":
            return f"{of_saint} Catholic Primary School"
        return rng.choice((f"{of_saint} Church of England Primary School",
                           f"{place} Church of England Primary School"))  # fmt: skip
    if kind == "infant":
        return rng.choice((f"{place} Infant School", f"{place} Nursery and Infant School"))
    if kind == "junior":
        return f"{place} Junior School"
    if type_name.startswith("Academy") and rng.random() < 0.5:
        return rng.choice((f"{place} Primary Academy", f"{place} Academy"))
    endings = ("Primary School", "Junior and Infant School", "Community Primary School")
    return f"{place} {rng.choices(endings, weights=(0.75, 0.18, 0.07))[0]}"


def _unique(name: str, taken: set[str], suffix: str) -> str:
    """The name, or with the place after it (as GIAS lists two St Mary's), never twice."""
    candidate = name if name not in taken else f"{name}{suffix}"
    number = 2
    while candidate in taken:
        candidate = f"{name}{suffix} {number}"
        number += 1
    taken.add(candidate)
    return candidate


_SHORT = {"Catholic": "rc", "Church": "ce", "Infant": "inf", "Junior": "jun", "Academy": "acad"}
_JUNIOR_AND_INFANT = "Junior and Infant"
_DROP = {"school", "primary", "and", "of", "england", "community", "nursery"}


def _email(name: str, taken: set[str]) -> str:
    words = re.findall(r"[A-Za-z]+", name.replace("'", ""))
    tags = ["ji"] if _JUNIOR_AND_INFANT in name else [_SHORT[w] for w in words if w in _SHORT]
    base = "".join(w.lower() for w in words if w not in _SHORT and w.lower() not in _DROP)
    slug = "-".join([base, *tags[:1]]) if tags else base
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}{number}", number + 1
    taken.add(candidate)
    return f"enquiry@{candidate}.bham.sch.uk"


def _ages_and_size(rng: random.Random, kind: str) -> tuple[int, int, float]:
    fe = rng.choices([f for f, _ in _FORMS_OF_ENTRY], weights=[w for _, w in _FORMS_OF_ENTRY])[0]
    low = 3 if rng.random() < 0.45 else 4  # many primaries have a nursery class
    if kind == "infant":
        return low, 7, fe
    if kind == "junior":
        return 7, 11, fe
    return low, 11, fe


def _capacity(fe: float, low: int, high: int) -> int:
    years = high - max(low, 4)
    return round(fe * 30) * years + (26 if low < 4 else 0)
