"""PDF from HTML for every document the service makes (reports, moderation letters): tagged
(PDF/UA-1), laid out by WeasyPrint with the house stylesheet and fonts in this folder, and
nothing else loaded (fetcher.py). Imports no feature.

WeasyPrint takes seconds to import, and web processes render only the one-page signed
confirmation form (submissions.signed_forms), when someone asks for it: it is imported on the
first render, inside the functions below, and never when this module is imported.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any
from xml.etree import ElementTree

from keystage.web.common.pdf.assets import ASSETS, BASE_URL

# A render makes some hundred thousand short-lived objects: the cyclic collector's default
# (a young collection every 2,000 allocations) spends about a sixth of the time on them.
RENDER_GC_THRESHOLD = 50_000


@contextmanager
def _fewer_collections() -> Iterator[None]:
    old = gc.get_threshold()
    gc.set_threshold(RENDER_GC_THRESHOLD, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


@cache
def _weasy() -> tuple[Any, Any, Any]:
    """WeasyPrint's fonts and stylesheet, loaded once a process (the fonts take the time).
    What is loaded by then (Django, WeasyPrint, the fonts) lives as long as the process, so it
    is moved out of the collector's sight (gc.freeze): each collection then looks only at the
    objects of the report being made."""
    from weasyprint import CSS  # type: ignore[import-untyped]
    from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]

    from keystage.web.common.pdf.fetcher import AssetFetcher  # imports WeasyPrint

    fetcher = AssetFetcher()
    fonts = FontConfiguration()
    css = CSS(
        filename=str(ASSETS / "report.css"),
        base_url=BASE_URL,
        url_fetcher=fetcher,
        font_config=fonts,
    )
    gc.freeze()
    return fetcher, fonts, css


def pdf_of(html: str) -> tuple[bytes, int]:
    """The tagged PDF (PDF/UA-1) of a report's HTML, and its number of pages."""
    document = laid_out(html)
    return written(document), len(document.pages)


def laid_out(html: str) -> Any:
    """WeasyPrint's document of a report's HTML, its pages laid out, nothing written yet."""
    fetcher, fonts, css = _weasy()
    with _fewer_collections():
        return _document(html, fetcher).render(
            font_config=fonts, stylesheets=[css], pdf_variant="pdf/ua-1"
        )


def written(document: Any, finisher: Callable[[Any, Any], None] | None = None) -> bytes:
    """The tagged PDF (PDF/UA-1) of a laid-out document (`finisher`: WeasyPrint's, given the
    PDF's objects before they are written)."""
    with _fewer_collections():
        pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1", finisher=finisher)
    return pdf


def _document(html: str, fetcher: Any) -> Any:
    """WeasyPrint's document of a report's HTML. Markup that is well-formed XML (the school
    report's template writes it so) is read by Python's C XML parser, some ten times faster
    than WeasyPrint's own HTML5 parser, which is pure Python and reads everything else."""
    from weasyprint import HTML

    if "<!ENTITY" in html:  # never in our templates' output (every value is escaped)
        return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    try:
        # Our own template's output, every value escaped by Django: no markup from outside, no
        # entity declared (above), and expat expands no external entity.
        root = ElementTree.fromstring(html)  # noqa: S314  # nosec B314
    except ElementTree.ParseError:
        return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    return _parsed_html()(root, fetcher)


@cache
def _parsed_html() -> Any:
    import cssselect2  # type: ignore[import-untyped]
    from weasyprint import HTML

    class ParsedHTML(HTML):
        """An HTML document from a parsed tree: what HTML.__init__ sets after parsing."""

        def __init__(self, root: ElementTree.Element, fetcher: Any) -> None:
            self.base_url = BASE_URL
            self.url_fetcher = fetcher
            self.media_type = "print"
            self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root)
            self.etree_element = self.wrapper_element.etree_element

    return ParsedHTML
