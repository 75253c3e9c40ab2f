"""The pupil-level CSV layouts, as tables (a header row, then one row a pupil): the whole LA's
CSV that goes with the DfE return, and the benchmarking file for a consortium of LAs.

Every column is declared once with its meaning and its values; docs/exports.md lists them and
a test keeps the two in step. Cells are plain values: the caller writes the CSV with
safe_csv, which makes formula-like text inert.

The benchmarking file's minimised profile is for sending outside the LA: no names, no date of
birth (the year and month of birth, and the term, instead) and no UPN (a keyed pseudonym the
caller supplies instead, so the same pupil keeps one ID and nobody without the key can turn it
back). Its rows are in pupil-ID order, so even the order tells nothing about names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from keystage.checks.run import Lookup
from keystage.codesets import Codeset
from keystage.ctf.model import Assessment, Pupil
from keystage.measures import AVERAGE
from keystage.measures.compute import scorer_for
from keystage.measures.groups import dimension_of, groups_of
from keystage.measures.labels import label
from keystage.measures.results import by_role

MINIMISED = "minimised"
FULL = "full"
PROFILES = (MINIMISED, FULL)

Pseudonym = Callable[[str], str]


@dataclass(frozen=True)
class SchoolPupil:
    """A pupil as a school's locked return gives them, with the school's numbers."""

    laestab: str
    urn: str
    school_name: str
    pupil: Pupil


@dataclass
class Facts:
    """What the columns read about one pupil, worked out once."""

    row: SchoolPupil
    results: dict[str, list[Assessment]]
    scores: dict[str, int]
    groups: dict[str, str]  # breakdown -> group ("sex" -> "F")
    pupil_id: str = ""


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    values: str
    get: Callable[[Facts], object] = field(compare=False, repr=False)


def _pupil(attribute: str) -> Callable[[Facts], object]:
    return lambda f: getattr(f.row.pupil, attribute)


def _group(dimension: str) -> Callable[[Facts], object]:
    return lambda f: f.groups.get(dimension)


def _birth_month(f: Facts) -> str | None:
    born = f.row.pupil.dob_date
    return f"{born:%Y-%m}" if born else None


LAESTAB = Column("LAESTAB", "The school: LA number and DfE establishment number",
                 "7 digits", lambda f: f.row.laestab)  # fmt: skip
URN = Column("URN", "The school's unique reference number", "6 digits", lambda f: f.row.urn)
SCHOOL = Column("SchoolName", "The school's name", "text", lambda f: f.row.school_name)
UPN = Column("UPN", "The pupil's unique pupil number", "13 characters", _pupil("upn"))
PUPIL_ID = Column(
    "PupilID",
    "A pseudonym in place of the UPN: an HMAC of the UPN keyed by the service's secret and the "
    "collection, so one pupil has one ID in every download of the collection and it cannot be "
    "turned back into a UPN without the LA's key",
    "16 hexadecimal characters",
    lambda f: f.pupil_id,
)
SURNAME = Column("Surname", "The pupil's surname", "text", _pupil("surname"))
FORENAME = Column("Forename", "The pupil's forename", "text", _pupil("forename"))
DOB = Column("DOB", "Date of birth", "YYYY-MM-DD", _pupil("dob"))
SEX = Column("Sex", "Sex, as the CTF gives it", "M, F", _pupil("sex"))
NC_YEAR = Column("NCyearActual", "National curriculum year", "R, 1 to 6", _pupil("nc_year"))
BIRTH_MONTH = Column("BirthMonth", "Year and month of birth (in place of the date of birth)",
                     "YYYY-MM", _birth_month)  # fmt: skip
TERM = Column("TermOfBirth", "Term of birth: September-December autumn, January-April "
              "spring, May-August summer", "autumn, spring, summer, unknown",
              _group("term_of_birth"))  # fmt: skip
DISADVANTAGED = Column("Disadvantaged", "Free school meals at any time in the CTF's FSM "
                       "history (the last six years)", "yes, no",
                       _group("disadvantaged"))  # fmt: skip
SEN = Column("SEN", "Special educational needs provision of the latest SEN record",
             "none, support, ehcp", _group("sen"))  # fmt: skip
EAL = Column("EAL", "English as an additional language, from the first language",
             "yes, no, unknown", _group("eal"))  # fmt: skip
ETHNIC_GROUP = Column("EthnicGroup", "Major ethnic group, from the DfE ethnicity code",
                      "white, mixed, asian, black, chinese, other, unknown",
                      _group("ethnicity"))  # fmt: skip
ETHNICITY = Column("Ethnicity", "The DfE ethnicity code as the school recorded it",
                   "4 letters (WBRI, APKN, ...)", _pupil("ethnicity"))  # fmt: skip
LANGUAGE = Column("FirstLanguage", "First language code", "3 or 4 letters (ENG, URD, ...)",
                  lambda f: f.row.pupil.first_language)  # fmt: skip

BREAKDOWNS = [SEX, NC_YEAR]
CHARACTERISTICS = [DISADVANTAGED, SEN, EAL, ETHNIC_GROUP]
PROFILE_COLUMNS = {
    MINIMISED: [LAESTAB, PUPIL_ID, *BREAKDOWNS, BIRTH_MONTH, TERM, *CHARACTERISTICS],
    FULL: [LAESTAB, URN, SCHOOL, UPN, PUPIL_ID, SURNAME, FORENAME, DOB, *BREAKDOWNS,
           BIRTH_MONTH, TERM, *CHARACTERISTICS, ETHNICITY, LANGUAGE],
}  # fmt: skip
LA_RETURN = [LAESTAB, URN, UPN, SURNAME, FORENAME, DOB, SEX, NC_YEAR]


def this_year(results: Sequence[Assessment], year: str) -> str | None:
    """This year's result: the last non-empty one not dated an earlier year (a phonics
    re-check pupil's record may carry last year's Year 1 mark too)."""
    for a in reversed(results):
        if a.result is not None and not (a.year and a.year < year):
            return a.result
    return None


def _result(role: str, year: str) -> Callable[[Facts], object]:
    return lambda f: this_year(f.results.get(role, ()), year)


def _score(measure: str) -> Callable[[Facts], object]:
    return lambda f: f.scores.get(measure)


def result_columns(collection: str, codeset: Codeset) -> list[Column]:
    """One column per assessment of the collection in the code table, headed by its role."""
    year = codeset.assessment_year
    return [
        Column(
            kind.role,
            f"{kind.label} ({' '.join(kind.key)}): this year's result",
            kind.results.describe(),
            _result(kind.role, year),
        )
        for kind in codeset.for_collection(collection)
    ]


def measure_columns(collection: str, codeset: Codeset) -> list[Column]:
    """One column per headline measure: 1 met, 0 counted but not met, blank not counted; for
    an average, the pupil's own value."""
    columns = []
    for spec in scorer_for(collection, codeset).specs:
        if spec.kind == AVERAGE:
            meaning, values = f"{label(spec.name)}: the pupil's value", "a number, or blank"
        else:
            meaning, values = f"{label(spec.name)}", "1 met, 0 not met, blank not counted"
        columns.append(Column(spec.name, meaning, values, _score(spec.name)))
    return columns


def la_return_columns(collection: str, codeset: Codeset) -> list[Column]:
    return [*LA_RETURN, *result_columns(collection, codeset)]


def benchmark_columns(collection: str, codeset: Codeset, profile: str) -> list[Column]:
    if profile not in PROFILE_COLUMNS:
        raise ValueError(f"the profile is one of {', '.join(PROFILES)}, not {profile!r}")
    return [
        *PROFILE_COLUMNS[profile],
        *result_columns(collection, codeset),
        *measure_columns(collection, codeset),
    ]


def la_return(rows: Iterable[SchoolPupil], collection: str, codeset: Codeset) -> list[list[Any]]:
    """The CSV of the whole LA that goes with the DfE return: names, in school then name order."""
    columns = la_return_columns(collection, codeset)
    facts = _facts(rows, collection, codeset)
    return _table(columns, sorted(facts, key=_by_name))


def benchmark(
    rows: Iterable[SchoolPupil],
    collection: str,
    codeset: Codeset,
    *,
    profile: str,
    pseudonym: Pseudonym,
) -> list[list[Any]]:
    """The benchmarking file in the chosen profile (minimised or full)."""
    columns = benchmark_columns(collection, codeset, profile)
    facts = _facts(rows, collection, codeset)
    for f in facts:
        f.pupil_id = pseudonym(f.row.pupil.upn or _stand_in(f.row))
    order = _by_id if profile == MINIMISED else _by_name
    return _table(columns, sorted(facts, key=order))


def _stand_in(row: SchoolPupil) -> str:
    """What a pupil without a UPN is pseudonymised by (a confirmed return always has UPNs)."""
    p = row.pupil
    return f"no UPN:{row.laestab}:{p.surname}:{p.forename}:{p.dob}"


def _facts(rows: Iterable[SchoolPupil], collection: str, codeset: Codeset) -> list[Facts]:
    scorer, lookup = scorer_for(collection, codeset), Lookup(codeset)
    found = []
    for row in rows:
        results = by_role(row.pupil, lookup, collection)
        scores = dict(scorer.score(row.pupil, results))
        groups = {
            dimension: group.split("=", 1)[1]
            for group in groups_of(row.pupil, codeset)
            if (dimension := dimension_of(group))
        }
        found.append(Facts(row, results, scores, groups))
    return found


def _by_name(f: Facts) -> tuple[str, ...]:
    p = f.row.pupil
    return (f.row.laestab, (p.surname or "").casefold(), (p.forename or "").casefold(),
            p.upn or "")  # fmt: skip


def _by_id(f: Facts) -> tuple[str, str]:
    return (f.row.laestab, f.pupil_id)


def _table(columns: Sequence[Column], facts: Iterable[Facts]) -> list[list[Any]]:
    return [[c.name for c in columns], *([c.get(f) for c in columns] for f in facts)]
