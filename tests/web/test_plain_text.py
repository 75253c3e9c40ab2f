"""Text the LA types, on a page: paragraphs, line breaks and https:// links, and nothing typed
ever reaching the page as markup."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from keystage.web.common.plain_text import paragraphs

GUIDANCE = (
    "https://www.gov.uk/government/publications/early-years-foundation-stage-profile-handbook"
)


def parsed(text: str) -> lxml_html.HtmlElement:
    return lxml_html.fragment_fromstring(str(paragraphs(text)), create_parent="div")


def links(text: str) -> list[tuple[str, str]]:
    return [(a.get("href"), a.text_content()) for a in parsed(text).iter("a")]


def test_a_blank_line_starts_a_paragraph_and_a_line_break_stays_one() -> None:
    html = str(paragraphs("What to send\r\nby Friday\r\n\r\n\r\n  Then sign.  \n"))
    assert html == (
        '<p class="govuk-body">What to send<br>by Friday</p><p class="govuk-body">Then sign.</p>'
    )
    assert str(paragraphs("")) == "" and str(paragraphs(" \n\n ")) == ""


def test_an_https_address_becomes_a_link_and_the_text_around_it_stays() -> None:
    text = f"The handbook: {GUIDANCE}, and the rest."
    assert links(text) == [(GUIDANCE, GUIDANCE)]
    assert parsed(text).text_content() == text
    (link,) = parsed(text).iter("a")
    assert link.get("rel") == "noreferrer" and "govuk-link" in link.get("class")


@pytest.mark.parametrize(
    ("typed", "address"),
    [
        ("See https://www.gov.uk/x.", "https://www.gov.uk/x"),
        ("(see https://www.gov.uk/x)", "https://www.gov.uk/x"),
        ("https://en.wikipedia.org/wiki/Phonics_(disambiguation)", None),
        ("Is it https://www.gov.uk/x?", "https://www.gov.uk/x"),
        ("https://www.gov.uk/search?q=phonics&order=new", None),
    ],
)
def test_a_sentences_punctuation_is_not_part_of_the_address(
    typed: str, address: str | None
) -> None:
    expected = address or typed
    assert links(typed) == [(expected, expected)]


@pytest.mark.parametrize(
    "typed",
    [
        "http://www.gov.uk/not-over-https",
        "javascript:alert(1)",
        "https:// nothing after it",
        "data:text/html,<script>alert(1)</script>",
        "www.gov.uk without a scheme",
    ],
)
def test_only_https_addresses_become_links(typed: str) -> None:
    assert links(typed) == []
    assert parsed(typed).text_content() == typed


@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert(1)</script>",
        '<a href="https://evil.example">a link written as HTML</a>',
        "<b>bold</b> & <i>italic</i>",
        'https://example.org/"onmouseover="alert(1)',
        "https://example.org/'><script>alert(1)</script>",
        "https://example.org/<img src=x onerror=alert(1)>",
    ],
)
def test_markup_typed_is_shown_as_text_never_as_markup(typed: str) -> None:
    page = parsed(typed)
    assert page.text_content() == typed  # every character shown as typed
    assert {e.tag for e in page.iter()} <= {"div", "p", "a"}
    for link in page.iter("a"):
        assert set(link.attrib) == {"class", "href", "rel"}
        href = link.get("href")
        assert link.text_content() == href and href.startswith("https://") and href in typed
        assert not set(href) & set("<>\"'")
