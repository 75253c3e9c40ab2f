"""Text people type, shown as HTML: paragraphs, line breaks, and bare https:// addresses as
links; everything else escaped, so no markup anyone types ever reaches a page as markup.

Only https:// addresses become links: never http:// (a page that could be altered on the way),
javascript: or any other scheme. A sentence's closing punctuation after an address is not
part of it ("see https://www.gov.uk/x." links https://www.gov.uk/x).
"""

from __future__ import annotations

import re

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# No space, quote or angle bracket: where an address ends in running text.
ADDRESS = re.compile(r"https://[^\s<>\"']+", re.IGNORECASE)
TRAILING = ".,;:!?"
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def paragraphs(text: str) -> SafeString:
    """`text` as GOV.UK paragraphs: a blank line starts a paragraph, a line break stays one."""
    blocks = PARAGRAPH_BREAK.split(text.replace("\r\n", "\n").strip())
    html = "".join(
        f'<p class="govuk-body">{_lines(block)}</p>' for block in blocks if block.strip()
    )
    # Safe: _lines escapes everything it is given; the tags around it are our own.
    return mark_safe(html)  # noqa: S308  # nosec B308 B703


def _lines(block: str) -> str:
    return "<br>".join(with_links(line) for line in block.strip().split("\n"))


def with_links(line: str) -> str:
    """One line, escaped, with each https:// address in it made a link."""
    parts, start = [], 0
    for found in ADDRESS.finditer(line):
        address = _without_trailing(found.group())
        if address.lower() == "https://":
            continue
        parts += [escape(line[start : found.start()]), _link(address)]
        start = found.start() + len(address)
    parts.append(escape(line[start:]))
    return "".join(parts)


def _without_trailing(address: str) -> str:
    """The address without punctuation that ends the sentence around it, or a closing bracket
    that closes the text's own bracket, not one in the address."""
    while address and (
        address[-1] in TRAILING or (address[-1] == ")" and address.count("(") < address.count(")"))
    ):
        address = address[:-1]
    return address


def _link(address: str) -> str:
    # rel="noreferrer": the page leaving the portal does not learn the portal's address.
    return format_html(
        '<a class="govuk-link keystage-break-anywhere" href="{}" rel="noreferrer">{}</a>',
        address,
        address,
    )
