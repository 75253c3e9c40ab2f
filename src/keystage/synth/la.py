"""A whole synthetic LA in memory: every school's file for every collection.

The same seed gives the same files: nothing reads the clock, and each school's pupils,
results and defects draw from their own seeded generators, so a school's files do not
depend on which other schools or collections are generated with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from keystage import codesets
from keystage.codesets import COLLECTIONS, Codeset
from keystage.ctf.model import Header, Pupil, SchoolRef
from keystage.synth.cohort import SchoolCohorts
from keystage.synth.defects import PlantedDefect, plant
from keystage.synth.rand import seeded
from keystage.synth.schools import School, generate_schools

DOCUMENT_NAME = "Common Transfer File"
# The days each collection's files usually arrive (month, first day, last day).
_WINDOWS = {"EYFSP": (6, 8, 26), "PHON": (6, 15, 30), "KS1": (6, 8, 26), "KS2": (6, 22, 30)}


@dataclass(frozen=True)
class SynthConfig:
    la: str = "330"
    schools: int = 300
    collection: str = "ALL"  # one of COLLECTIONS, or ALL
    seed: int = 1
    defects: float = 0.0  # chance per pupil of one planted defect
    academic_year: str = "2025-26"

    def __post_init__(self) -> None:
        if self.collection != "ALL" and self.collection not in COLLECTIONS:
            raise ValueError(
                f"unknown collection {self.collection!r}: {', '.join(COLLECTIONS)} or ALL"
            )
        if self.schools < 1:
            raise ValueError("an LA has at least one school")
        if not 0.0 <= self.defects <= 1.0:
            raise ValueError("defects is a rate per pupil, from 0 to 1")
        if len(self.la) != 3 or not self.la.isdigit():
            raise ValueError(f"{self.la!r} is not an LA number: 3 digits")

    @property
    def collections(self) -> tuple[str, ...]:
        return COLLECTIONS if self.collection == "ALL" else (self.collection,)

    @property
    def codeset(self) -> Codeset:
        return codesets.load(self.academic_year)  # loaded once per process


@dataclass(frozen=True)
class SchoolFile:
    school: School
    collection: str
    header: Header
    pupils: list[Pupil]
    defects: list[PlantedDefect]

    @property
    def name(self) -> str:
        return file_name(self.school)

    @property
    def path(self) -> str:
        """Where the file goes in the LA folder, with forward slashes."""
        return f"{self.collection}/{self.name}"


def file_name(school: School, number: int = 1) -> str:
    """The name schools give the file they send the LA: LLLEEEE_CTF_LLLLLLL_NNN.xml."""
    return f"{school.laestab}_CTF_{school.la}LLLL_{number:03d}.xml"


def make_header(
    school: School, codeset: Codeset, collection: str, supplier: str, seed: str
) -> Header:
    rng = seeded(seed, collection, "header")
    month, first, last = _WINDOWS[collection]
    day = dt.date(int(codeset.assessment_year), month, rng.randint(first, last))
    made = dt.datetime.combine(
        day, dt.time(rng.randint(8, 17), rng.randrange(60), rng.randrange(60))
    )
    return Header(
        document_name=DOCUMENT_NAME,
        ctf_version=codeset.ctf_versions[0],
        date_time=made.isoformat(),
        document_qualifier="partial",
        supplier_id=supplier,
        source=SchoolRef(
            la=school.la,
            estab=school.estab,
            urn=school.urn,
            name=school.name,
            academic_year=str(codeset.start_year),
        ),
        dest=SchoolRef(la=school.la, estab="LLLL"),
    )


def school_seed(seed: int, school: School) -> str:
    return f"{seed}:{school.laestab}"


def generate_la(config: SynthConfig, estabs: Collection[str] | None = None) -> Iterator[SchoolFile]:
    """Every school's file for every collection asked for, school by school (only the
    schools with these estab numbers, when given). A school's year groups are dropped once
    its files are made, so memory stays that of one school."""
    for school in generate_schools(config.la, config.schools, config.seed):
        if estabs is not None and school.estab not in estabs:
            continue
        cohorts = SchoolCohorts(school, config.codeset, school_seed(config.seed, school))
        for collection in config.collections:
            if school.takes(collection):
                yield school_file(cohorts, collection, config.defects)


def school_file(cohorts: SchoolCohorts, collection: str, defects: float = 0.0) -> SchoolFile:
    school, codeset = cohorts.school, cohorts.codeset
    header = make_header(school, codeset, collection, cohorts.profile.supplier, cohorts.seed)
    pupils = cohorts.pupils(collection)
    planted: list[PlantedDefect] = []
    if defects > 0:
        rng = cohorts.rng(f"{collection}:defects")
        path = f"{collection}/{file_name(school)}"
        pupils, planted = plant(pupils, collection, codeset, defects, rng, path)
    return SchoolFile(school, collection, header, pupils, planted)
