"""The layouts a CSV of comparison figures may have, and the figures of one row of each.

A row is read into figures or into the reason it is skipped (counted by reason in the import's
summary): never an exception for a row that is not ours.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from keystage.codesets import codeset_for
from keystage.measures import SPECS
from keystage.measures.groups import dimensions
from keystage.web.common.columns import width
from keystage.web.models import ComparisonFigure

Level = ComparisonFigure.Level


class ComparisonImportError(ValueError):
    """The file cannot be imported at all; the message says what to change."""


@dataclass(frozen=True)
class DfeLayout:
    name: str
    topic: str  # the breakdown: "Ethnic group: major", "Total"
    value: str  # its value: "White", "Total"
    sex: str  # "Total", "Girls", "Boys"

    @property
    def columns(self) -> tuple[str, ...]:
        return (*DFE_COMMON, self.topic, self.value, self.sex)


DFE_2022 = DfeLayout("DfE layout, 2021/22", "characteristic", "characteristic_type", "gender")
DFE_2025 = DfeLayout("DfE layout, 2024/25", "breakdown_topic", "breakdown", "sex")
DFE_COMMON = ("time_period", "geographic_level")
# The children counted: the column's name until 2023/24, and from 2024/25.
CHILDREN = ("children_number", "children_count")
SIMPLE = ("measure", "group", "level", "area", "academic_year", "value", "numerator",
          "denominator")  # fmt: skip
SIMPLE_NAME = "simple layout"

# DfE measure column -> (our measure, its numerator column or None for an average).
DFE_MEASURES = {
    "gld_percentage": ("eyfsp_gld", "gld_number"),
    # elg_number: children at the expected level in all 17 ELGs (63.4% of 622,583 in 2021/22).
    "elg_percentage": ("eyfsp_all_elgs_expected", "elg_number"),
    "average_elgs": ("eyfsp_avg_elgs_expected", None),
    # The same three as the DfE names them from 2024/25.
    "gld_children_percent": ("eyfsp_gld", "gld_children_count"),
    "all_elgs_expected_children_percent": ("eyfsp_all_elgs_expected",
                                           "all_elgs_expected_children_count"),
    "elgs_expected_average": ("eyfsp_avg_elgs_expected", None),
}  # fmt: skip

DFE_LEVELS = {"national": Level.NATIONAL, "regional": Level.REGIONAL, "local authority": Level.LA}
# The column naming the area at each level.
AREA_COLUMN = {Level.NATIONAL: "country_name", Level.REGIONAL: "region_name",
               Level.LA: "la_name"}  # fmt: skip

# (topic, value) as the DfE writes them, normalised by norm -> our group.
DFE_GROUPS = {
    ("total", "total"): "all",
    ("ethnic group: major", "white"): "ethnicity=white",
    ("ethnic group: major", "mixed/multiple ethnic groups"): "ethnicity=mixed",
    ("ethnic group: major", "mixed"): "ethnicity=mixed",
    ("ethnic group: major", "asian/asian british"): "ethnicity=asian",
    ("ethnic group: major", "asian"): "ethnicity=asian",
    ("ethnic group: major", "black/african/caribbean/black british"): "ethnicity=black",
    ("ethnic group: major", "black"): "ethnicity=black",
    ("ethnic group: major", "chinese"): "ethnicity=chinese",
    ("ethnic group: major", "any other ethnic group"): "ethnicity=other",
    ("ethnic group: major", "unclassified"): "ethnicity=unknown",
    ("ethnic group: minor", "chinese"): "ethnicity=chinese",
    ("ethnic group: minor", "any other ethnic group"): "ethnicity=other",
    ("first language", "known or believed to be english"): "eal=no",
    ("first language", "known or believed to be other than english"): "eal=yes",
    ("first language", "english"): "eal=no",
    ("first language", "other than english"): "eal=yes",
    ("first language", "unclassified"): "eal=unknown",
    ("free school meal eligibility", "known to be eligible for free school meals"):
        "disadvantaged=yes",
    ("free school meal eligibility", "not known to be eligible for free school meals"):
        "disadvantaged=no",
    ("free school meal eligibility", "fsm eligible"): "disadvantaged=yes",
    ("free school meal eligibility", "not fsm eligible"): "disadvantaged=no",
    ("sen provision", "no identified sen"): "sen=none",
    ("sen provision", "no sen"): "sen=none",
    ("sen provision", "sen support"): "sen=support",
    ("sen provision", "ehc plan"): "sen=ehcp",
    ("term of birth", "autumn-born"): "term_of_birth=autumn",
    ("term of birth", "spring-born"): "term_of_birth=spring",
    ("term of birth", "summer-born"): "term_of_birth=summer",
    ("term of birth", "autumn"): "term_of_birth=autumn",
    ("term of birth", "spring"): "term_of_birth=spring",
    ("term of birth", "summer"): "term_of_birth=summer",
}  # fmt: skip
DFE_SEXES = {"total": None, "girls": "sex=F", "female": "sex=F", "boys": "sex=M", "male": "sex=M"}
NOT_REPORTED = "of a breakdown this service does not report"

# The DfE's symbols: z not applicable, x not available, c suppressed, u low reliability, b a
# break in the series, k below 0.5 (and blanks): no figure.
NO_FIGURE = frozenset({"", "z", "x", "c", "u", "b", "k", "low", ":", ".."})

MEASURE_NAMES = frozenset(spec.name for specs in SPECS.values() for spec in specs)


def layout_of(columns: set[str]) -> DfeLayout | None:
    """The layout the columns are; None for the simple layout. Raises ComparisonImportError
    naming the columns each layout lacks when they are none of them."""
    for layout in (DFE_2022, DFE_2025):
        if set(layout.columns) <= columns and columns & DFE_MEASURES.keys():
            return layout
    if set(SIMPLE) <= columns:
        return None
    measures = [] if columns & DFE_MEASURES.keys() else ["one of " + ", ".join(DFE_MEASURES)]
    missing = {
        layout.name: [c for c in layout.columns if c not in columns] + measures
        for layout in (DFE_2022, DFE_2025)
    } | {SIMPLE_NAME: [c for c in SIMPLE if c not in columns]}
    said = "; ".join(f"for the {name}, {', '.join(cols)}" for name, cols in missing.items())
    raise ComparisonImportError(
        "This file is not laid out like a DfE statistics table or the simple layout. "
        f"Columns missing: {said}."
    )


# -- Values ---------------------------------------------------------------------------------------


def norm(text: str) -> str:
    """Case and spacing as the DfE's files vary them: "Mixed / multiple" is "mixed/multiple"."""
    return re.sub(r"\s*/\s*", "/", " ".join(text.split())).casefold()


def academic_year(period: str) -> str:
    """202122, 2021/22, 2021-22 -> "2021-22"."""
    digits = re.sub(r"\D", "", period)
    if len(digits) != 6 or (int(digits[2:4]) + 1) % 100 != int(digits[4:]):
        raise ValueError(f"{period!r} is not an academic year like 202122 or 2021-22")
    return f"{digits[:4]}-{digits[4:]}"


# The largest count a PositiveIntegerField holds on every database (PostgreSQL's integer).
LARGEST_COUNT = 2_147_483_647


def number(text: str | None) -> float | None:
    cleaned = (text or "").strip().replace(",", "")
    if cleaned.casefold() in NO_FIGURE:
        return None
    found = float(cleaned)
    if not math.isfinite(found):  # "inf" and "nan" are floats to Python, not figures
        raise ValueError(f"{text!r} is not a figure")
    return found


def count(text: str | None) -> int | None:
    """A count of children: a whole number the database can hold (never negative)."""
    found = number(text)
    if found is None:
        return None
    if not 0 <= found <= LARGEST_COUNT:
        raise ValueError(f"{text!r} is not a count of children")
    return round(found)


def area_problem(area: str, column: str) -> str:
    """Why a row's area cannot be kept ("" when it can): none, or longer than its column."""
    if not area:
        return f"with no {column}"
    longest = width(ComparisonFigure, "area")
    return f"with {column} longer than {longest} characters" if len(area) > longest else ""


# -- Rows ---------------------------------------------------------------------------------------

Key = tuple[str, str, str, str, str]  # measure, group, level, area, academic year
Publisher = ComparisonFigure.Publisher
Status = ComparisonFigure.Status


@dataclass(frozen=True)
class Origin:
    """Where the figures of an import come from: the publication (free text), and who
    published them and how final they are where the person importing said (None: from the
    file, its `version` or `status` column, or the DfE for a DfE statistics file)."""

    source: str
    publisher: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class Figure:
    key: Key
    value: float | None
    numerator: int | None
    denominator: int | None
    source: str
    publisher: str
    status: str

    @property
    def held_as(self) -> tuple[str, str, str, str, str, str, str]:
        """The unique key of the figure held: one a publisher and stage."""
        return (*self.key, self.publisher, self.status)


# The DfE's `version` column (and the simple layout's `status`) -> our status.
STATUSES = {"emerging": Status.EMERGING, "provisional": Status.PROVISIONAL,
            "revised": Status.REVISED, "final": Status.FINAL}  # fmt: skip


def origin_of(row: Mapping[str, str], origin: Origin, *, dfe: bool) -> tuple[str, str] | str:
    """(publisher, status) of a row, or why it is skipped. The publisher: what the person
    importing said, else the row's column; a DfE statistics file is the DfE's. The status: the
    row's own version (or status) column where it has one, since a DfE file may hold one year's
    provisional and revised rows side by side (overriding it would file both as one stage and
    skip one as a repeat); what the person said is for rows that do not say."""
    publisher = origin.publisher or norm(row.get("publisher", "")) or (Publisher.DFE if dfe else "")
    if publisher not in Publisher.values:
        return "with no publisher or one not known (say who published the figures)"
    said = norm(row.get("version", "") or row.get("status", "")) or origin.status or ""
    status = STATUSES.get(said)
    if status is None:
        return (
            "with no status (say whether the figures are emerging, provisional, revised or final)"
        )
    return publisher, status


def dfe_figures(
    row: Mapping[str, str], layout: DfeLayout, columns: set[str], origin: Origin
) -> list[Figure] | str:
    """The figures of one DfE row, or why the row is skipped."""
    place = _dfe_place(row)
    if isinstance(place, str):
        return place
    group, skipped = _dfe_group(row, layout)
    if skipped:
        return skipped
    who = origin_of(row, origin, dfe=True)
    if isinstance(who, str):
        return who
    try:
        key = (group, *place, academic_year(row["time_period"]))
        children = count(next((row[c] for c in CHILDREN if row.get(c)), ""))
        return [
            Figure((measure, *key), number(row[column]),
                   count(row.get(numerator, "")) if numerator else None, children,
                   origin.source, *who)
            for column, (measure, numerator) in DFE_MEASURES.items()
            if column in columns
        ]  # fmt: skip
    except ValueError:
        return "with a figure that is not a number"


def _dfe_place(row: Mapping[str, str]) -> tuple[str, str] | str:
    """The row's (level, area), or why it is skipped."""
    level = DFE_LEVELS.get(norm(row["geographic_level"]))
    if level is None:
        return f"at a level not compared ({row['geographic_level'] or 'blank'})"
    area = row.get(AREA_COLUMN[level], "")
    return area_problem(area, AREA_COLUMN[level]) or (level, area)


def _dfe_group(row: Mapping[str, str], layout: DfeLayout) -> tuple[str, str]:
    """(the row's group, "") or ("", why the row is skipped): a breakdown's group or a sex (the
    DfE crosses the two; we never do)."""
    group = DFE_GROUPS.get((norm(row[layout.topic]), norm(row[layout.value])))
    sex = DFE_SEXES.get(norm(row[layout.sex]), "unknown")
    if group is None or (group == "all" and sex == "unknown"):
        return "", NOT_REPORTED
    if sex is None:
        return group, ""
    if group != "all":
        return "", "crossing a breakdown with sex"
    return sex, ""


def simple_figure(row: Mapping[str, str], origin: Origin) -> list[Figure] | str:
    """The figure of one row of the simple layout, or why the row is skipped."""
    if row["measure"] not in MEASURE_NAMES:
        return "naming a measure this service does not have"
    if row["level"] not in Level.values:
        return f"with a level not one of {', '.join(Level.values)}"
    if row["group"] not in _groups():
        return "naming a group this service does not have"
    if problem := area_problem(row["area"], "area"):
        return problem
    who = origin_of(row, origin, dfe=False)
    if isinstance(who, str):
        return who
    try:
        figure = Figure(
            (row["measure"], row["group"], row["level"], row["area"],
             academic_year(row["academic_year"])),
            number(row["value"]),
            count(row["numerator"]),
            count(row["denominator"]),
            row.get("source") or origin.source,  # a file that says where each row is from: it wins
            *who,
        )  # fmt: skip
    except ValueError:
        return "with a year or figure that is not right"
    return [figure]


def _groups() -> set[str]:
    known = {"all"} | {f"sex={s}" for s in ("F", "M")}
    for dim, values in dimensions(codeset_for("")):
        known |= {f"{dim}={v}" for v in (*values, "unknown")}
    return known
