"""Comparison figures (England, a region, an LA) imported from CSVs laid out like the DfE's tables.

Three layouts are read, told apart by their columns:

- the DfE's EYFSP headline file as published for 2021/22 (`characteristic`,
  `characteristic_type`, `gender`: the breakdown's topic, its value and the children's sex);
- the same file from 2024/25 on, where those three are `breakdown_topic`, `breakdown`, `sex`;
- a simple layout, one figure a row: measure, group, level, area, academic_year, value,
  numerator, denominator (and optionally source), for figures typed in from a publication
  (KS1, phonics, KS2 headlines).

Figures are upserted on (measure, group, level, area, academic_year): importing a file again
updates the figures it holds, never duplicates them. Rows that are not one of our groups
(a breakdown crossed with sex, SEN primary need, minor ethnic groups other than Chinese and
"any other", "All SEN") or not one of our levels (local authority districts) are skipped and
counted by reason.

Two readings of the DfE's groups, to be aware of:
- DfE's "Free school meal eligibility" is eligibility at the census; our `disadvantaged` is
  any FSM in the last six years. For reception children the two differ little; the figure is
  imported under `disadvantaged=` as the nearest comparison.
- DfE's major group "Other ethnic group" includes Chinese pupils, ours does not (CHNE is its own
  group). So that major row is skipped and `ethnicity=chinese` and `ethnicity=other` come from
  the minor rows "Chinese" and "Any other ethnic group", which match our groups exactly.
  (The DfE publishes minor groups for England and the regions only: an LA has no figure for
  those two groups.)
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.db import transaction

from keystage.codesets import codeset_for
from keystage.measures import SPECS
from keystage.measures.groups import dimensions
from keystage.web.common import clock
from keystage.web.common.columns import width
from keystage.web.models import ComparisonFigure, User

Level = ComparisonFigure.Level


class ComparisonImportError(ValueError):
    """The file cannot be imported at all; the message says what to change."""


@dataclass
class ImportSummary:
    layout: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    @property
    def figures(self) -> int:
        return self.created + self.updated

    def lines(self) -> list[str]:
        """The summary for people: what was read, what changed, what was left and why."""
        out = [
            f"Read {self.rows} row{'s' if self.rows != 1 else ''} ({self.layout}).",
            f"{self.created} figure{'s' if self.created != 1 else ''} added, "
            f"{self.updated} updated.",
        ]
        if self.skipped:
            out.append(f"{sum(self.skipped.values())} row(s) skipped:")
            out += [f"  {count} {reason}" for reason, count in self.skipped.most_common()]
        return out


# -- The layouts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DfeLayout:
    name: str
    topic: str  # the breakdown: "Ethnic group: major", "Total"
    value: str  # its value: "White", "Total"
    sex: str  # "Total", "Girls", "Boys"


DFE_2022 = DfeLayout("DfE layout, 2021/22", "characteristic", "characteristic_type", "gender")
DFE_2025 = DfeLayout("DfE layout, 2024/25", "breakdown_topic", "breakdown", "sex")
DFE_COMMON = ("time_period", "geographic_level", "children_number")
SIMPLE = ("measure", "group", "level", "area", "academic_year", "value", "numerator",
          "denominator")  # fmt: skip
SIMPLE_NAME = "simple layout"

# DfE measure column -> (our measure, its numerator column or None for an average).
DFE_MEASURES = {
    "gld_percentage": ("eyfsp_gld", "gld_number"),
    # elg_number: children at the expected level in all 17 ELGs (63.4% of 622,583 in 2021/22).
    "elg_percentage": ("eyfsp_all_elgs_expected", "elg_number"),
    "average_elgs": ("eyfsp_avg_elgs_expected", None),
}

DFE_LEVELS = {"national": Level.NATIONAL, "regional": Level.REGIONAL, "local authority": Level.LA}
# The column naming the area at each level.
AREA_COLUMN = {Level.NATIONAL: "country_name", Level.REGIONAL: "region_name",
               Level.LA: "la_name"}  # fmt: skip

# (topic, value) as the DfE writes them, normalised by _norm -> our group.
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

# The DfE's symbols: z not applicable, x not available, c suppressed (and blanks).
NO_FIGURE = frozenset({"", "z", "x", "c", "u", "low", ":", ".."})

MEASURE_NAMES = frozenset(spec.name for specs in SPECS.values() for spec in specs)


def _norm(text: str) -> str:
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


def _area_problem(area: str, column: str) -> str:
    """Why a row's area cannot be kept ("" when it can): none, or longer than its column."""
    if not area:
        return f"with no {column}"
    longest = width(ComparisonFigure, "area")
    return f"with {column} longer than {longest} characters" if len(area) > longest else ""


# -- Reading ------------------------------------------------------------------------------------

Key = tuple[str, str, str, str, str]  # measure, group, level, area, academic year


@dataclass(frozen=True)
class Figure:
    key: Key
    value: float | None
    numerator: int | None
    denominator: int | None
    source: str


def import_figures(
    path_or_file: str | Path | IO[bytes] | IO[str], *, source: str, user: User | None = None
) -> ImportSummary:
    """Reads the CSV and stores its figures; raises ComparisonImportError when the file is not
    one of the layouts (naming the columns it lacks) or holds no figure at all."""
    if not source.strip():
        raise ComparisonImportError("Say where the figures come from (the publication and file)")
    reader = csv.DictReader(_text(path_or_file))
    columns = {(name or "").strip() for name in reader.fieldnames or ()}
    layout = _layout(columns)
    summary = ImportSummary(layout.name if isinstance(layout, DfeLayout) else SIMPLE_NAME)
    figures: dict[Key, Figure] = {}
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        summary.rows += 1
        found = (
            _dfe_figures(row, layout, columns, source)
            if isinstance(layout, DfeLayout)
            else _simple_figure(row, line, source)
        )
        if isinstance(found, str):
            summary.skipped[found] += 1
            continue
        for figure in found:
            figures[figure.key] = figure  # a repeated row: the last one wins
    if not figures:
        raise ComparisonImportError(
            "The file holds no figure this service uses: "
            + ("; ".join(f"{n} {why}" for why, n in summary.skipped.items()) or "no rows")
        )
    _store(figures.values(), user, summary)
    return summary


def _text(path_or_file: str | Path | IO[bytes] | IO[str]) -> io.StringIO:
    if isinstance(path_or_file, str | Path):
        raw: bytes | str = Path(path_or_file).read_bytes()
    else:
        raw = path_or_file.read()
    if isinstance(raw, str):
        return io.StringIO(raw.removeprefix("\ufeff"), newline="")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")  # saved from Excel on Windows
    return io.StringIO(text, newline="")


def _layout(columns: set[str]) -> DfeLayout | None:
    """The layout the columns are; None for the simple layout."""
    for layout in (DFE_2022, DFE_2025):
        wanted = {*DFE_COMMON, layout.topic, layout.value, layout.sex}
        if wanted <= columns and columns & DFE_MEASURES.keys():
            return layout
    if set(SIMPLE) <= columns:
        return None
    missing = {
        layout.name: [
            c for c in (*DFE_COMMON, layout.topic, layout.value, layout.sex) if c not in columns
        ]
        + ([] if columns & DFE_MEASURES.keys() else ["one of " + ", ".join(DFE_MEASURES)])
        for layout in (DFE_2022, DFE_2025)
    } | {SIMPLE_NAME: [c for c in SIMPLE if c not in columns]}
    said = "; ".join(f"for the {name}, {', '.join(cols)}" for name, cols in missing.items())
    raise ComparisonImportError(
        "This file is not laid out like a DfE statistics table or the simple layout. "
        f"Columns missing: {said}."
    )


def _dfe_figures(
    row: Mapping[str, str], layout: DfeLayout, columns: set[str], source: str
) -> list[Figure] | str:
    """The figures of one DfE row, or why the row is skipped."""
    level = DFE_LEVELS.get(_norm(row["geographic_level"]))
    if level is None:
        return f"at a level not compared ({row['geographic_level'] or 'blank'})"
    area = row.get(AREA_COLUMN[level], "")
    if problem := _area_problem(area, AREA_COLUMN[level]):
        return problem
    group = DFE_GROUPS.get((_norm(row[layout.topic]), _norm(row[layout.value])))
    sex = DFE_SEXES.get(_norm(row[layout.sex]), "unknown")
    if group is None:
        return "of a breakdown this service does not report"
    if sex is not None:
        if group != "all":
            return "crossing a breakdown with sex"
        if sex == "unknown":
            return "of a breakdown this service does not report"
        group = sex
    try:
        year = academic_year(row["time_period"])
        children = count(row["children_number"])
        found = []
        for column, (measure, numerator) in DFE_MEASURES.items():
            if column not in columns:
                continue
            found.append(Figure(
                (measure, group, level, area, year),
                number(row[column]),
                count(row.get(numerator, "")) if numerator else None,
                children,
                source,
            ))  # fmt: skip
    except ValueError:
        return "with a figure that is not a number"
    return found


def _simple_figure(row: Mapping[str, str], line: int, source: str) -> list[Figure] | str:
    if row["measure"] not in MEASURE_NAMES:
        return "naming a measure this service does not have"
    if row["level"] not in Level.values:
        return f"with a level not one of {', '.join(Level.values)}"
    if row["group"] not in _groups():
        return "naming a group this service does not have"
    if problem := _area_problem(row["area"], "area"):
        return problem
    try:
        figure = Figure(
            (row["measure"], row["group"], row["level"], row["area"],
             academic_year(row["academic_year"])),
            number(row["value"]),
            count(row["numerator"]),
            count(row["denominator"]),
            row.get("source") or source,  # a file that says where each row is from: it wins
        )  # fmt: skip
    except ValueError:
        return "with a year or figure that is not right"
    return [figure]


def _groups() -> set[str]:
    known = {"all"} | {f"sex={s}" for s in ("F", "M")}
    for dim, values in dimensions(codeset_for("")):
        known |= {f"{dim}={v}" for v in (*values, "unknown")}
    return known


# -- Storing ------------------------------------------------------------------------------------


@transaction.atomic
def _store(figures: Iterable[Figure], user: User | None, summary: ImportSummary) -> None:
    """Upserts on the unique key: one query to find what is there, then bulk writes."""
    wanted = list(figures)
    now = clock.now()
    held = {
        (f.measure, f.group, f.level, f.area, f.academic_year): f
        for f in ComparisonFigure.objects.filter(
            measure__in={f.key[0] for f in wanted},
            academic_year__in={f.key[4] for f in wanted},
            area__in={f.key[3] for f in wanted},
        )
    }
    new: list[ComparisonFigure] = []
    changed: list[ComparisonFigure] = []
    for figure in wanted:
        row = held.get(figure.key) or ComparisonFigure(
            measure=figure.key[0], group=figure.key[1], level=figure.key[2],
            area=figure.key[3], academic_year=figure.key[4],
        )  # fmt: skip
        row.value, row.numerator = figure.value, figure.numerator
        row.denominator, row.source = figure.denominator, figure.source[:300]
        row.imported_by, row.imported_at = user, now
        (changed if row.pk else new).append(row)
    ComparisonFigure.objects.bulk_create(new, batch_size=500)
    ComparisonFigure.objects.bulk_update(
        changed,
        ["value", "numerator", "denominator", "source", "imported_by", "imported_at"],
        batch_size=500,
    )
    summary.created, summary.updated = len(new), len(changed)


ENGLAND_HEADLINES = Path(__file__).parent / "data" / "england_headlines.csv"


def load_england_headlines(user: User | None = None) -> ImportSummary:
    """England's headline figures as the DfE published them (rounded as published), for the
    demo and a new LA: each row names its publication; the LA imports the DfE's own tables."""
    return import_figures(ENGLAND_HEADLINES, source="DfE published statistics", user=user)
