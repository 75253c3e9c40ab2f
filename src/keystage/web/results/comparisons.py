"""Comparison figures (England, a region, an LA) imported from CSVs laid out like the DfE's tables.

Three layouts are read, told apart by their columns (keystage.web.results.layouts):

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
    Key,
    dfe_figures,
    layout_of,
    simple_figure,
)

__all__ = ["ComparisonImportError", "ImportSummary", "import_figures", "load_england_headlines"]


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
    path_or_file: str | Path | IO[bytes] | IO[str], *, source: str, user: User | None = None
) -> ImportSummary:
    """Reads the CSV and stores its figures; raises ComparisonImportError when the file is not
    one of the layouts (naming the columns it lacks) or holds no figure at all."""
    if not source.strip():
        raise ComparisonImportError("Say where the figures come from (the publication and file)")
    reader = csv.DictReader(_text(path_or_file))
    columns = {(name or "").strip() for name in reader.fieldnames or ()}
    layout = layout_of(columns)
    summary = ImportSummary(layout.name if isinstance(layout, DfeLayout) else SIMPLE_NAME)
    figures: dict[Key, Figure] = {}
    for raw in reader:
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        summary.rows += 1
        found = (
            dfe_figures(row, layout, columns, source)
            if isinstance(layout, DfeLayout)
            else simple_figure(row, source)
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
