"""One chart code (keystage.web.common.charts) for the reports and the LA's pages: every text
escaped, a web page's charts without a style attribute (the content security policy refuses
them), and no chart drawn by hand anywhere else."""

from __future__ import annotations

import re
from pathlib import Path

from keystage.web.common import charts

WEB = Path(charts.__file__).parents[1]


def test_web_bars_are_text_over_rectangles_without_styles() -> None:
    html = charts.bars(
        ("Our <LA>", "England"),
        [charts.Row("<b>R&W</b>", [55.04, None]), charts.Row("Over", [130.0, -2.0])],
        web=True,
    )
    assert "&lt;b&gt;R&amp;W&lt;/b&gt;: Our &lt;LA&gt; 55.0%, England not available" in html
    assert "Our &lt;LA&gt;</p>" not in html and "<b>" not in html and "<LA>" not in html
    assert "style=" not in html  # the CSP allows none on a page
    assert re.findall(r'<rect y="\d+" width="([\d.]+%)"', html) == [
        "100%", "55.0%",  # a track, then the bar; no bar and no track for no figure
        "100%", "100.0%", "100%", "0.0%",  # kept within 0-100
    ]  # fmt: skip
    assert 'aria-hidden="true"' in html  # the text says it all


def test_pdf_bars_are_boxes_told_apart_by_the_same_colours() -> None:
    html = charts.bars(("School", "LA"), [charts.Row("GLD", [50.0, None])])
    assert '<p class="key"><span style="border-left-color:#1d70b8">School</span>' in html
    assert 'style="border-left:240.0pt solid #1d70b8"' in html  # 100% is 480pt
    assert 'style="border-left:0.0pt solid #505a5f"' in html
    assert "<svg" not in html  # WeasyPrint lays out text and boxes faster than SVG


def test_columns_are_an_image_with_a_title_and_escaped_labels() -> None:
    svg = charts.columns([("0<10", 2), ("10-19", 4), ("20-29", 0)], name="spread", title="A & B")
    assert svg.startswith('<svg role="img" aria-labelledby="spread-title" '
                          'aria-describedby="spread-summary"')  # fmt: skip
    assert '<title id="spread-title">A &amp; B</title>' in svg and ">0&lt;10</text>" in svg
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', svg)]
    assert heights == [98.0, 196.0, 0.0]  # the tallest fills the chart


def test_a_line_with_its_marker_labelled_inside_the_chart() -> None:
    def drawn(marker_at: int) -> str:
        line = charts.Line([(0, 0), (5, 2), (10, 3)], 20, 4, [(0, "opened <1 May>")], [0, 2, 4],
                           (marker_at, "Deadline & after"))  # fmt: skip
        return charts.line(line, name="chart", title="Schools")

    early, late = drawn(5), drawn(15)
    assert 'points="56.0,240.0 197.0,128.0 338.0,72.0"' in early
    assert ">opened &lt;1 May&gt;</text>" in early and ">Deadline &amp; after</text>" in early
    assert 'dx="6" text-anchor="start"' in early  # right of a line left of the middle
    assert 'dx="-6" text-anchor="end"' in late  # and left of one right of it


def test_no_chart_is_drawn_by_hand_elsewhere() -> None:
    """The templates and the other modules leave drawing to the chart module."""
    drawn = [
        str(path.relative_to(WEB))
        for path in [*WEB.rglob("*.html"), *WEB.rglob("*.py")]
        if path != Path(charts.__file__)
        and re.search(r"<(rect|line|polyline)\s|border-left:\{", path.read_text())
    ]
    assert drawn == []
