"""The rule catalogue page, rendered from the registry (a test keeps docs/checks.md in step).

python -m keystage.checks.catalogue > docs/checks.md
"""

from __future__ import annotations

from keystage.checks import REFUSING, REGISTRY, rules_for
from keystage.checks.registry import ALL, Rule, pack_years

COMMAND = "python -m keystage.checks.catalogue > docs/checks.md"

_INTRO = f"""\
# Checks

<!-- Generated from the rule registry (src/keystage/checks): do not edit by hand.
     Regenerate with: {COMMAND} -->

Every check Keystage runs on a submitted CTF, with its code, severity and what it looks at.
An **error** blocks sign-off until a corrected file is uploaded; a **query** must be answered
(the school confirms the data is right, with a short explanation) or fixed. Codes are stable:
schools quote them on the phone.

Where a check runs: `reader` when the file is read (the file is refused as a whole);
`header` once per file; `pupil` for each pupil; `file` over all the file's pupils;
`store` in the portal's processing, against what the LA already holds; `template` when a
filled spreadsheet template is read (a cell Keystage cannot read; the rest is still checked,
and every finding names its sheet, row and column). Fields name CTF
elements, or (in lower case) the code table's roles for results. Collections `all` means the
check runs on every file, even one whose collection cannot be told.

In the portal, a file with any of these errors is not the school's return for the collection:
{", ".join(f"`{code}`" for code in sorted(REFUSING))}. It never becomes a
version and none of its pupils is used. When the start of the file shows it (the header,
and the first pupils' results), it is refused at upload and kept apart as a refused upload;
otherwise the version is refused when it is checked.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _collections(item: Rule) -> str:
    return "all" if item.collections == ALL else ", ".join(item.collections)


def _row(item: Rule) -> str:
    fields = ", ".join(f"`{f}`" for f in item.fields) or "-"
    summary = item.summary
    if item.supersedes:
        summary += f" When it fires, {', '.join(item.supersedes)} are not reported."
    cells = [f"`{item.code}`", item.severity.value, item.scope, _collections(item), fields, summary]
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _packs() -> list[str]:
    lines = ["", "## Rule packs by year", "", "| academic year | rules |", "|---|---|"]
    lines += [f"| {year} | {len(rules_for(year))} |" for year in pack_years()]
    return lines


def render_catalogue() -> str:
    """The catalogue page as Markdown."""
    lines = [
        _INTRO,
        "| code | severity | runs | collections | fields | check |",
        "|---|---|---|---|---|---|",
    ]
    lines += [_row(item) for item in REGISTRY.values()]
    lines += _packs()
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render_catalogue(), end="")
