"""Comparison figures (England, a region, an LA) imported from CSVs as their publishers lay
them out. The layouts are told apart by their columns:

- the DfE's EYFSP headline file by characteristics as published for 2021/22 (`characteristic`,
  `characteristic_type`, `gender`: the breakdown's topic, its value and the children's sex),
  and from 2024/25, where those three are `breakdown_topic`, `breakdown`, `sex`
  (keystage.web.results.layouts);
- the DfE's files with one area a row and a measure a column, to the decimal as published: the
  England headline file and the LA-level file (keystage.web.results.published);
- a simple layout, one figure a row: measure, group, level, area, academic_year, value,
  numerator, denominator (and optionally source, publisher, status), for figures typed in from
  a publication or sent as a table by NCER, a consortium or statistical neighbours.

Every figure carries who published it (the DfE, NCER, a consortium, statistical neighbours)
and how final it is (emerging, provisional, revised, final): what the person importing chose,
else the file's own `version` (DfE) or `publisher`/`status` (simple layout) columns; a DfE
file is the DfE's. Figures are upserted on (measure, group, level, area, academic_year,
publisher, status): importing NCER's emerging figures never touches the DfE's provisional ones
for the same year, and importing a file again updates the figures it holds, never duplicating
them. Which one a page uses is keystage.web.results.comparators' choice. Rows that are not one
of our groups (a breakdown crossed with sex, SEN primary need, minor ethnic groups other than
Chinese and "any other", "All SEN") or not one of our levels (local authority districts) are
skipped and counted by reason.

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
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.db import transaction

from keystage.web.common import clock
from keystage.web.models import ComparisonFigure, User
from keystage.web.results.layouts import (
    SIMPLE_NAME,
    ComparisonImportError,
    DfeLayout,
    Figure,
    Origin,
    dfe_figures,
    layout_of,
    simple_figure,
)
from keystage.web.results.published import (
    PublishedLayout,
    missing,
    published_figures,
    published_layout_of,
)

__all__ = [
    "ComparisonImportError",
    "ImportSummary",
    "Origin",
    "import_figures",
    "load_england_headlines",
]


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


# -- Reading ------------------------------------------------------------------------------------


def import_figures(
    path_or_file: str | Path | IO[bytes] | IO[str],
    *,
    source: str,
    publisher: str | None = None,
    status: str | None = None,
    user: User | None = None,
) -> ImportSummary:
    """Reads the CSV and stores its figures; raises ComparisonImportError when the file is not
    one of the layouts (naming the columns it lacks), holds no figure at all, or does not say
    who published it or how final it is and the person importing did not either."""
    if not source.strip():
        raise ComparisonImportError("Say where the figures come from (the publication and file)")
    origin = Origin(source, publisher or None, status or None)
    reader = csv.DictReader(_text(path_or_file))
    columns = {(name or "").strip() for name in reader.fieldnames or ()}
    layout = _layout_of(columns)
    _check_origin(layout, columns, origin)
    summary = ImportSummary(layout.name if layout else SIMPLE_NAME)
    figures: dict[tuple[str, ...], Figure] = {}
    for raw in reader:
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        summary.rows += 1
        found = _figures(row, layout, columns, origin)
        if isinstance(layout, PublishedLayout) and _repeats(found, figures):
            found = "repeating an area, year and sex already read (the first is kept)"
        if isinstance(found, str):
            summary.skipped[found] += 1
            continue
        for figure in found:
            figures[figure.held_as] = figure  # a repeated row: the last one wins
    if not figures:
        raise ComparisonImportError(
            "The file holds no figure this service uses: "
            + ("; ".join(f"{n} {why}" for why, n in summary.skipped.items()) or "no rows")
        )
    _store(figures.values(), user, summary)
    return summary


def _repeats(found: list[Figure] | str, figures: dict[tuple[str, ...], Figure]) -> bool:
    """A row of a published file whose figures were all read from an earlier row."""
    return isinstance(found, list) and bool(found) and all(f.held_as in figures for f in found)


Layout = DfeLayout | PublishedLayout | None  # None: the simple layout


def _layout_of(columns: set[str]) -> Layout:
    """The file's layout; the error names what each layout lacks."""
    if published := published_layout_of(columns):
        return published
    try:
        return layout_of(columns)
    except ComparisonImportError as problem:
        said = "; ".join(f"for the {n}, {', '.join(c)}" for n, c in missing(columns).items())
        raise ComparisonImportError(f"{str(problem).removesuffix('.')}; {said}.") from None


def _check_origin(layout: Layout, columns: set[str], origin: Origin) -> None:
    """Refuses a file whose publisher or status nobody gave, before reading a row of it."""
    if not (origin.publisher or layout or "publisher" in columns):
        raise ComparisonImportError(
            "Say who published these figures (the DfE, NCER, a consortium, statistical "
            "neighbours): the file has no publisher column."
        )
    if not (origin.status or columns & {"version", "status"}):
        raise ComparisonImportError(
            "Say how final these figures are (emerging, provisional, revised or final): the "
            "file has no version or status column to tell."
        )


def _figures(
    row: dict[str, str], layout: Layout, columns: set[str], origin: Origin
) -> list[Figure] | str:
    if isinstance(layout, DfeLayout):
        return dfe_figures(row, layout, columns, origin)
    if isinstance(layout, PublishedLayout):
        return published_figures(row, layout, columns, origin)
    return simple_figure(row, origin)


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


# -- Storing ------------------------------------------------------------------------------------


@transaction.atomic
def _store(figures: Iterable[Figure], user: User | None, summary: ImportSummary) -> None:
    """Upserts on the unique key: one query to find what is there, then bulk writes."""
    wanted = list(figures)
    now = clock.now()
    held = {
        (f.measure, f.group, f.level, f.area, f.academic_year, f.publisher, f.status): f
        for f in ComparisonFigure.objects.filter(
            measure__in={f.key[0] for f in wanted},
            academic_year__in={f.key[4] for f in wanted},
            area__in={f.key[3] for f in wanted},
        )
    }
    new: list[ComparisonFigure] = []
    changed: list[ComparisonFigure] = []
    for figure in wanted:
        row = held.get(figure.held_as) or ComparisonFigure(
            measure=figure.key[0], group=figure.key[1], level=figure.key[2],
            area=figure.key[3], academic_year=figure.key[4], publisher=figure.publisher,
            status=figure.status,
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
    demo and a new LA: each row names its publication and status; the LA imports the DfE's
    own tables."""
    return import_figures(ENGLAND_HEADLINES, source="DfE published statistics", user=user)
