"""Every pupil-level report carries every column of its collection, on the page: each label the
year's code table gives, every pupil's name and each of their results, read back from the PDF's
text (pypdf); and, read again by poppler's pdftotext (another reader of the same PDF, which
gives each word's box and leaves out what lies off the page), nothing off the page and no word
past the page's margin, with long names, laid out at once or in parts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import io
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from pdf_support import assert_tagged
from portal_support import ctf_path, run_tasks, upload
from pypdf import PdfReader

from keystage.checks.run import Lookup
from keystage.codesets import codeset_for
from keystage.codesets.model import COLLECTIONS
from keystage.ctf.model import Pupil
from keystage.ctf.reader import read_all
from keystage.ctf.writer import to_bytes
from keystage.measures.results import by_role, latest
from keystage.web.models import Collection, School
from keystage.web.ops.demo_nca import import_combined
from keystage.web.reports.pupil_pdf import pupil_report_pdf
from keystage.web.reports.pupil_report import LONGEST_WORD
from keystage.web.submissions.sources import from_nca

# Long names of the kinds schools have: a double-barrelled surname with two forenames, and one
# word with nowhere to wrap (a surname may be up to 100 letters); and the longest word the
# report never breaks, in the widest capital.
LONG_SURNAME, LONG_FORENAME = "Featherstonehaugh-Cholmondeley", "Maximiliana Josephine"
ONE_WORD = "Wolfeschlegelsteinhausenbergerdorffvoralt"
WIDEST = "W" * LONGEST_WORD
PER_PART = 12  # laid out in parts too: several parts of a synthetic school's pupils
PDFTOTEXT = shutil.which("pdftotext")
WORD = re.compile(
    r'<word xMin="(?P<left>[\d.]+)" yMin="(?P<top>[\d.]+)" xMax="(?P<right>[\d.]+)" '
    r'yMax="(?P<bottom>[\d.]+)">(?P<text>[^<]*)</word>'
)


@dataclass(frozen=True)
class Word:
    left: float
    top: float
    right: float
    bottom: float
    text: str


@dataclass
class Sent:
    collection: Collection
    pupils: list[Pupil]


def long_named(pupils: list[Pupil]) -> list[Pupil]:
    first = dataclasses.replace(pupils[0], surname=LONG_SURNAME, forename=LONG_FORENAME)
    second = dataclasses.replace(pupils[1], surname=ONE_WORD)
    third = dataclasses.replace(pupils[2], surname=WIDEST)
    return [first, second, third, *pupils[3:]]


@pytest.fixture(params=COLLECTIONS)
def sent(request: pytest.FixtureRequest, head_a: Client, school_a: School, la_folder: Path) -> Sent:
    """School A's synthetic file of the collection, three of its pupils given long names,
    uploaded and checked."""
    kind = request.param
    today = timezone.localdate()
    collection = Collection.objects.create(
        kind=kind, academic_year="2025-26", opens=today - dt.timedelta(days=20),
        deadline=today + dt.timedelta(days=7), closes=today + dt.timedelta(days=21),
    )  # fmt: skip
    header, pupils = read_all(ctf_path(la_folder, school_a, kind))
    pupils = long_named(pupils)
    upload(head_a, collection, to_bytes(header, pupils), name=f"{kind}.xml")
    run_tasks()
    if from_nca(collection):  # KS2's reports are made from the NCA Portal's results
        import_combined(collection)
    return Sent(collection, pupils)


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text as pypdf reads it, a line broken after a hyphen joined again."""
    return [page.extract_text().replace("-\n", "-") for page in PdfReader(io.BytesIO(pdf)).pages]


def spaced(text: str) -> str:
    return " ".join(text.split())


def squashed(text: str) -> str:
    return "".join(text.split())


def row_of(pupil: Pupil, sent: Sent) -> str:
    """A pupil's row as a reader checks it against the MIS: name, UPN, date of birth, sex, then
    the result of each of the collection's assessments, in the code table's order."""
    kind = sent.collection.kind
    codeset = codeset_for(sent.collection.academic_year)
    results = by_role(pupil, Lookup(codeset), kind)
    born = pupil.dob_date
    assert born is not None and pupil.upn is not None
    cells = [pupil.display_name, pupil.upn, born.strftime("%d/%m/%Y"), pupil.sex or ""]
    cells += [latest(results, a.role) or "" for a in codeset.for_collection(kind)]
    return squashed("".join(cells))  # a long name wraps: its cell's lines run on


def assert_every_column(pdf: bytes, sent: Sent) -> None:
    texts = pages_text(pdf)
    text = spaced(" ".join(texts))
    codeset = codeset_for(sent.collection.academic_year)
    labels = [a.label for a in codeset.for_collection(sent.collection.kind)]
    assert labels and [label for label in labels if spaced(label) not in text] == []
    rows = squashed(text)
    missing = [p.display_name for p in sent.pupils if row_of(p, sent) not in rows]
    assert missing == [], "pupils whose row is not whole"
    assert_on_the_page(pdf, texts)


def word_boxes(pdf: bytes) -> list[tuple[float, list[Word]]]:
    """Each page's width and its words' boxes, as pdftotext finds them."""
    assert PDFTOTEXT, "pdftotext is missing: run scripts/install-browser as root (poppler-utils)"
    found = subprocess.run(
        [PDFTOTEXT, "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    pages = []
    for page in found.split("<page ")[1:]:
        width = re.match(r'width="([\d.]+)"', page)
        assert width is not None
        words = [
            Word(*(float(w[edge]) for edge in ("left", "top", "right", "bottom")),
                 html.unescape(w["text"]))
            for w in WORD.finditer(page)
        ]  # fmt: skip
        pages.append((float(width[1]), words))
    return pages


def assert_on_the_page(pdf: bytes, texts: list[str]) -> None:
    """Every character pypdf reads is on its page (pdftotext leaves out what lies off it), no
    word runs into the right margin (the report's margins are the same on either side: no word
    ends further right than the page's leftmost word begins from the left edge), and no word
    overlaps another (a name too long for its cell running over the next)."""
    pages = word_boxes(pdf)
    assert len(pages) == len(texts)
    for number, ((width, words), text) in enumerate(zip(pages, texts, strict=True), start=1):
        on_page = Counter("".join(word.text for word in words))
        off_page = Counter(squashed(text)) - on_page
        assert not off_page, f"page {number}: text off the page: {''.join(off_page.elements())}"
        left = min(word.left for word in words)
        past = [word.text for word in words if word.right > width - left]
        assert past == [], f"page {number}: words past the right margin"
        assert overlapping(words) == [], f"page {number}: words over one another"


def overlapping(words: list[Word]) -> list[tuple[str, str]]:
    found = []
    by_left = sorted(words, key=lambda word: word.left)
    for place, word in enumerate(by_left):
        for other in by_left[place + 1 :]:
            if other.left >= word.right:
                break
            if other.top < word.bottom and word.top < other.bottom:
                found.append((word.text, other.text))
    return found


def test_every_pupil_report_carries_every_column_of_its_collection(
    sent: Sent, school_a: School
) -> None:
    pdf, pages = pupil_report_pdf(school_a, sent.collection)
    assert pages == len(PdfReader(io.BytesIO(pdf)).pages)
    assert_every_column(pdf, sent)


def test_every_column_when_the_report_is_laid_out_in_parts(sent: Sent, school_a: School) -> None:
    assert len(sent.pupils) > 2 * PER_PART
    pdf, _ = pupil_report_pdf(school_a, sent.collection, per_part=PER_PART)
    assert_every_column(pdf, sent)
    assert_tagged(pdf)
