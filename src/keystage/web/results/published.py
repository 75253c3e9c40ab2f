"""The DfE's published files with one area a row and a column a measure, read as published.

Explore Education Statistics (EES) publishes each release's data as CSV files with the same
first columns: `time_period` (202425 for 2024/25), `time_identifier` ("Academic year"),
`geographic_level` (National, Regional, Local authority), `country_code`, `country_name`, and
below the national level `region_code`, `region_name`, `old_la_code` (the 3-digit LA number),
`new_la_code` (E08000025) and `la_name`; then filters (`sex` or earlier `gender`; `version`:
Provisional, Revised or Final in the key stage files) and the measures, one column each.
Two such files are read here, told apart by their columns:

- the England headline file: national rows only, a row a year (the EYFSP's "Headline measures
  timeseries (national only)", `gld_children_percent`...; the KS2 national headlines,
  `pt_rwm_exp`...);
- the LA-level file: national, regional and LA rows (`la_name`, `region_name`, the LA codes;
  the KS2 "regional and local authority" file, `pt_rwm_met_expected_standard` with its counts
  `t_rwm_met_expected_standard` of `t_rwm_eligible_pupils`; the phonics and EYFSP equivalents).

Figures are kept as the file gives them, to the last decimal: the EYFSP's are unrounded from
2024/25 (68.296998), the KS2 headline file's whole numbers. The DfE's symbols (z, x, c, u, b)
are no figure. A row with a breakdown this service does not read (a sex other than the total,
girls and boys) is skipped and counted; so is a second row for the same area, year, sex and
stage, which is what a filter column this reader does not know would make (an establishment
type, say): the first is kept and the summary says how many were left.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from keystage.web.results.layouts import (
    AREA_COLUMN,
    DFE_LEVELS,
    DFE_SEXES,
    Figure,
    Level,
    Origin,
    academic_year,
    area_problem,
    count,
    norm,
    number,
    origin_of,
)

# EES column -> (our measure, its numerator column, its denominator column): None where the
# file has no count (an average; the headline files give percentages alone).
MEASURE_COLUMNS: dict[str, tuple[str, str | None, str | None]] = {
    # EYFSP, from 2024/25 (file 5, national time series; file 1 and the LA files)
    "gld_children_percent": ("eyfsp_gld", "gld_children_count", "children_count"),
    "all_elgs_expected_children_percent": (
        "eyfsp_all_elgs_expected", "all_elgs_expected_children_count", "children_count"),
    "elgs_expected_average": ("eyfsp_avg_elgs_expected", None, "children_count"),
    # EYFSP, to 2023/24
    "gld_percentage": ("eyfsp_gld", "gld_number", "children_number"),
    "elg_percentage": ("eyfsp_all_elgs_expected", "elg_number", "children_number"),
    "average_elgs": ("eyfsp_avg_elgs_expected", None, "children_number"),
    # Phonics (the region and LA file, and the national characteristics files)
    "pt_phonics_y1_met_expected_standard": (
        "phon_y1_met", "t_phonics_y1_met_expected_standard", "t_phonics_y1_eligible_pupils"),
    "pt_phonics_by_end_y2_met_expected_standard": (
        "phon_y2_met_by_end", "t_phonics_by_end_y2_met_expected_standard",
        "t_phonics_by_end_y2_eligible_pupils"),
    # KS2, the regional and local authority file
    "pt_rwm_met_expected_standard": (
        "ks2_rwm_exs_plus", "t_rwm_met_expected_standard", "t_rwm_eligible_pupils"),
    "pt_rwm_met_higher_standard": (
        "ks2_rwm_high", "t_rwm_met_higher_standard", "t_rwm_eligible_pupils"),
    "pt_read_met_expected_standard": (
        "ks2_reading_exs_plus", "t_read_met_expected_standard", "t_read_eligible_pupils"),
    "pt_writta_met_expected_standard": (
        "ks2_writing_exs_plus", "t_writta_met_expected_standard", "t_writta_eligible_pupils"),
    "pt_mat_met_expected_standard": (
        "ks2_maths_exs_plus", "t_mat_met_expected_standard", "t_mat_eligible_pupils"),
    "pt_gps_met_expected_standard": (
        "ks2_gps_exs_plus", "t_gps_met_expected_standard", "t_gps_eligible_pupils"),
    # KS2, the national headlines file (percentages and averages alone)
    "pt_rwm_exp": ("ks2_rwm_exs_plus", None, None),
    "pt_read_exp": ("ks2_reading_exs_plus", None, None),
    "pt_writta_exp": ("ks2_writing_exs_plus", None, None),
    "pt_mat_exp": ("ks2_maths_exs_plus", None, None),
    "pt_gps_exp": ("ks2_gps_exs_plus", None, None),
    "avg_readscore": ("ks2_reading_avg_score", None, None),
    "avg_matscore": ("ks2_maths_avg_score", None, None),
    "avg_gpsscore": ("ks2_gps_avg_score", None, None),
}  # fmt: skip

# A file with any of these is a breakdown table (results.layouts' DfE layouts), not these.
BREAKDOWN_COLUMNS = frozenset({"characteristic", "characteristic_type", "breakdown_topic",
                               "breakdown", "characteristic_group"})  # fmt: skip


@dataclass(frozen=True)
class PublishedLayout:
    name: str
    columns: tuple[str, ...]  # besides one measure column at least


ENGLAND_FILE = PublishedLayout(
    "DfE England headline file", ("time_period", "geographic_level", "country_name")
)
LA_FILE = PublishedLayout(
    "DfE local authority file",
    ("time_period", "geographic_level", "country_name", "region_name", "new_la_code", "la_name"),
)
PUBLISHED = (LA_FILE, ENGLAND_FILE)  # the first whose columns are all there


def published_layout_of(columns: set[str]) -> PublishedLayout | None:
    """The published layout the columns are, or None."""
    if columns & BREAKDOWN_COLUMNS or not columns & MEASURE_COLUMNS.keys():
        return None
    return next((p for p in PUBLISHED if set(p.columns) <= columns), None)


def missing(columns: set[str]) -> dict[str, list[str]]:
    """For the message naming what a file lacks: each published layout's missing columns."""
    measures = (
        []
        if columns & MEASURE_COLUMNS.keys()
        else ["a measure column such as gld_children_percent"]
    )
    return {p.name: [c for c in p.columns if c not in columns] + measures for p in PUBLISHED}


def published_figures(
    row: Mapping[str, str], layout: PublishedLayout, columns: set[str], origin: Origin
) -> list[Figure] | str:
    """The figures of one row of a published file, or why the row is skipped."""
    level = DFE_LEVELS.get(norm(row["geographic_level"]))
    if level is None or (layout is ENGLAND_FILE and level != Level.NATIONAL):
        return f"at a level not compared ({row['geographic_level'] or 'blank'})"
    area = row.get(AREA_COLUMN[level], "")
    if problem := area_problem(area, AREA_COLUMN[level]):
        return problem
    sex = DFE_SEXES.get(norm(row.get("sex") or row.get("gender") or "Total"), "unknown")
    if sex == "unknown":
        return "of a breakdown this service does not report"
    who = origin_of(row, origin, dfe=True)
    if isinstance(who, str):
        return who
    try:
        key = (sex or "all", level, area, academic_year(row["time_period"]))
        return [
            Figure((measure, *key), number(row[column]), _count(row, numerator),
                   _count(row, denominator), origin.source, *who)
            for column, (measure, numerator, denominator) in MEASURE_COLUMNS.items()
            if column in columns
        ]  # fmt: skip
    except ValueError:
        return "with a figure that is not a number"


def _count(row: Mapping[str, str], column: str | None) -> int | None:
    return count(row.get(column, "")) if column else None
