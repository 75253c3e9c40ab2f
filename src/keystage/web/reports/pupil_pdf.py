"""The pupil-level report, laid out in parts and joined in one tagged PDF.

Laid out at once, one table of every pupil holds every row's boxes, and then every cell's PDF
objects, in memory together: a 4,000-pupil school's report took 1.4 GB and over a minute in
one worker, and the time a page grew with the table. So a long report's pupils are laid out
PUPILS_A_PART at a time, and each part's PDF objects go into one joined PDF (common.pdf.join) before
the next part is laid out: the memory is about that of one part, and the time a page that of a
part's, however many pupils the school has. The first part carries the report's opening, the
last its closing note.

Each part but the last gives up its last page, whose pupils begin the next part, so that every
page but the report's last is full, as in a report laid out at once. The first part is laid out
once on its own first, to learn its columns' widths, which every part is then given (so that
the columns stand in the same place on every page), and the rows its pages hold, from which the
report's pages are foreseen: the footers count the pages of the whole report, each part told
its first page's number and the report's pages. If a row taller than those (a long name on two
lines) makes the count come out otherwise, the parts are laid out again with the true count,
at most LAYOUTS_AT_MOST times in all.
"""

from __future__ import annotations

import gc
import logging
import math
from collections.abc import Iterator
from functools import partial
from typing import Any

from django.template.loader import render_to_string

from keystage.web.common.pdf import laid_out, written
from keystage.web.common.pdf.join import JoinedPDF
from keystage.web.models import Collection, School
from keystage.web.reports.pupil_report import pupil_context

TEMPLATE = "reports/pupils.html"
PUPILS_A_PART = 250  # some seven pages of rows: a part's layout stays small and quick
# Each layout is told the page total the one before came to; one more corrects a first guess
# that a tall row upset, a third one more. A count that still moves would move for ever.
LAYOUTS_AT_MOST = 3

log = logging.getLogger(__name__)


def render_pupil_report(school: School, collection: Collection) -> bytes:
    return pupil_report_pdf(school, collection)[0]


def pupil_report_pdf(
    school: School, collection: Collection, per_part: int | None = None
) -> tuple[bytes, int]:
    """The tagged PDF of a school's pupil-level report, and its number of pages."""
    per_part = per_part or PUPILS_A_PART
    context = pupil_context(school, collection)
    if len(context["pupils"]) <= per_part:  # one part: laid out at once
        document = laid_out(render_to_string(TEMPLATE, context))
        return written(document), len(document.pages)
    widths, total = _first_part_measured(context, per_part)
    context = {**context, "column_widths": widths}
    for _ in range(LAYOUTS_AT_MOST):
        pdf, pages = _in_parts(context, per_part, total)
        if pages == total:
            return pdf, pages
        foreseen, total = total, pages
    log.warning(
        "A pupil report's page count did not settle in %d layouts (%s, %s: told %d pages, "
        "laid out %d): the last layout stands, its footers' page total may be wrong",
        LAYOUTS_AT_MOST, school.number, collection, foreseen, pages,
    )  # fmt: skip
    return pdf, pages


def _in_parts(context: dict[str, Any], per_part: int, total: int) -> tuple[bytes, int]:
    joined = JoinedPDF()
    start = 0
    while start < len(context["pupils"]):
        # The last part's boxes refer to one another: only the cyclic collector frees them,
        # and left to itself it lets several parts' pile up before it runs.
        gc.collect()
        start = _add_part(joined, context, start, start + per_part, total)
    return joined.written(), joined.pages


def _add_part(joined: JoinedPDF, context: dict[str, Any], start: int, end: int, total: int) -> int:
    """Lays out the pupils from `start` to `end` and adds their pages to the joined PDF;
    returns where the next part begins."""
    end = min(end, len(context["pupils"]))
    document = _part(context, start, end, first_page=joined.pages + 1, total_pages=total)
    resume = _rows(document.pages[-1])[:1] if end < len(context["pupils"]) else []
    if resume and resume[0] > 0:  # the last page's pupils begin the next part
        document = document.copy(document.pages[:-1])
        end = start + resume[0]
    # Otherwise the last part, or one whose last page holds no pupil or is its only one.
    joined.add(partial(written, document))
    return end


def _part(context: dict[str, Any], start: int, end: int, **numbering: int) -> Any:
    """The laid-out document of the pupils from `start` to `end` (`numbering`: its first
    page's number and the report's pages, for its footers)."""
    part = {**context, "pupils": context["pupils"][start:end], "first": start == 0,
            "last": end == len(context["pupils"]), **numbering}  # fmt: skip
    return laid_out(render_to_string(TEMPLATE, part))


def _first_part_measured(context: dict[str, Any], per_part: int) -> tuple[list[str], int]:
    """The first part's columns' widths (for CSS), and the report's pages foreseen from it:
    its first page's rows, then as many on every later page as the most another holds."""
    first = _part(context, 0, per_part)
    table = next(b for b in _boxes(first.pages[0]._page_box) if hasattr(b, "column_widths"))
    widths = [f"{width:.3f}px" for width in table.column_widths]
    full = [len(_rows(page)) for page in first.pages[:-1]] or [len(_rows(first.pages[0]))]
    left = len(context["pupils"]) - full[0]
    return widths, 1 + math.ceil(left / max(max(full[1:], default=full[0]), 1))


def _rows(page: Any) -> list[int]:
    """The places, among a part's pupils, of those whose rows are on the page. Read from the
    page's laid-out boxes (as WeasyPrint's own tagging reads them); a row is never split
    between pages (`tr { break-inside: avoid }`)."""
    for box in _boxes(page._page_box):
        if box.element_tag == "tbody":
            places = list(box.element)
            return [places.index(row.element) for row in box.children if row.element_tag == "tr"]
    return []


def _boxes(box: Any) -> Iterator[Any]:
    """A page's boxes, depth first in document order."""
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)
