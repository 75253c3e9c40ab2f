"""Every table on a page scrolls inside its own region, never the page (issue 14, item 20).

A static check of the templates, so that a new table cannot make a phone's page scroll
sideways before a browser test meets it with wide data (tests/e2e/test_page_widths.py walks the
pages). A table wider than the screen scrolls in a region that is labelled and focusable, so
keyboard users can scroll it too; a table only for screen readers (a chart's figures) is hidden
by a div around it, since a table takes the width its cells need whatever its class says.
"""

from __future__ import annotations

import re
from pathlib import Path

import keystage.web

TEMPLATES = Path(keystage.web.__file__).parent / "templates"
NOT_PAGES = {"reports"}  # rendered to PDF, at the width of a sheet of paper
UNUSED = {"allauth/elements/table.html"}  # allauth's tables: passkeys and sessions, both off
REGION = re.compile(
    r'<div class="keystage-table-scroll[^"]*" role="region" aria-label="[^"]+" tabindex="0">'
)
HIDDEN = '<div class="govuk-visually-hidden">'


def unwrapped_tables() -> list[str]:
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name.split("/")[0] in NOT_PAGES or name in UNUSED:
            continue
        text = path.read_text(encoding="utf-8")
        for table in re.finditer(r"<table\b[^>]*>", text):
            line = text.count("\n", 0, table.start()) + 1
            before = text[: table.start()].rstrip().rsplit("\n", 1)[-1].strip()
            if "govuk-visually-hidden" in table.group(0):
                found.append(f"{name}:{line}: hide a div around the table, not the table")
            elif not (REGION.fullmatch(before) or before == HIDDEN):
                found.append(f"{name}:{line}: put the table in a keystage-table-scroll region")
    return found


def test_every_table_on_a_page_scrolls_in_its_own_labelled_focusable_region() -> None:
    assert unwrapped_tables() == []


def test_the_check_finds_the_templates_tables() -> None:
    pages = [p for p in TEMPLATES.rglob("*.html") if p.relative_to(TEMPLATES).parts[0] == "la"]
    assert sum(p.read_text(encoding="utf-8").count("<table") for p in pages) >= 20
