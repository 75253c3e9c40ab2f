"""The data-sharing statement: the one in force (or a default until the LA writes one), and its
text as blocks for a page to show.

The LA writes plain text, never HTML: a blank line between paragraphs, "- " before each item of
a list, "## " before a heading. The blocks carry text only and the template escapes it, so
nothing the LA types can become markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest

from keystage.web.common import clock
from keystage.web.common.audit import Action, record
from keystage.web.models import Collection, DataSharingStatement, User

MAX_CHARACTERS = 20_000
_ITEM = re.compile(r"^\s*[-*\u2022]\s+")
_HEADING = re.compile(r"^\s*#{1,3}\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Block:
    kind: Literal["heading", "paragraph", "list"]
    text: str = ""
    items: tuple[str, ...] = field(default=())


def blocks(text: str) -> list[Block]:
    """Paragraphs, lists and headings of the LA's plain text, in order."""
    reading = _Reading()
    for raw in clean(text).split("\n"):
        reading.line(raw)
    reading.close()
    return reading.found


class _Reading:
    """The blocks read so far, and the paragraph or the list being read."""

    def __init__(self) -> None:
        self.found: list[Block] = []
        self.paragraph: list[str] = []
        self.items: list[str] = []

    def line(self, raw: str) -> None:
        line = raw.strip()
        if not line:
            self.close()
            return
        if _HEADING.match(raw):
            self.close()
            self.found.append(Block("heading", _HEADING.sub("", raw).strip()))
            return
        if _ITEM.match(raw):
            if self.paragraph:
                self.close()
            self.items.append(_ITEM.sub("", raw).strip())
            return
        if self.items and raw[:1].isspace():
            self.items[-1] = f"{self.items[-1]} {line}"  # an indented line carries on the item
            return
        if self.items:
            self.close()
        self.paragraph.append(line)

    def close(self) -> None:
        if self.paragraph:
            self.found.append(Block("paragraph", " ".join(self.paragraph)))
            self.paragraph.clear()
        if self.items:
            self.found.append(Block("list", items=tuple(self.items)))
            self.items.clear()


def clean(text: str) -> str:
    """One kind of line ending, no control characters."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def current() -> DataSharingStatement | None:
    """The version in force: the latest published, or None (the default is shown)."""
    return every_version().first()


def current_text() -> str:
    found = current()
    return found.text if found is not None else default_text()


def every_version() -> QuerySet[DataSharingStatement]:
    """Newest first: what schools were told, and when."""
    return DataSharingStatement.objects.order_by("-published_at", "-id")


def collections_listed() -> QuerySet[Collection]:
    """The collections the public page lists, with how long each is kept."""
    return Collection.objects.order_by("-academic_year", "kind")


def publish(text: str, by: User, request: HttpRequest | None = None) -> DataSharingStatement:
    """A new version, in force from now; the earlier ones are kept."""
    made = DataSharingStatement.objects.create(
        text=clean(text),
        published_at=clock.now(),
        published_by=by,
        published_by_name=by.get_full_name() or by.username,
    )
    record(
        Action.STATEMENT, "published a new version of the data-sharing statement",
        request=request, actor=by, statement=made.pk, characters=len(made.text),
    )  # fmt: skip
    return made


def default_text() -> str:
    """The statement shown until the LA publishes its own: the usual purposes and basis of an
    English LA's assessment collection, written to be checked and changed, not relied on."""
    return _DEFAULT.format(la=settings.LA_NAME).strip()


_DEFAULT = """
{la} runs this service to collect schools' statutory assessment results: the Early Years \
Foundation Stage Profile, the phonics screening check, Key Stage 1 teacher assessment (where \
schools send it) and Key Stage 2. This page says what we do with the pupils' data schools send \
us, why we may do it, who sees it and how long we keep it.

## What we collect
For each collection, each school's Common Transfer File (CTF), as the school's management \
information system makes it. For each pupil it holds their name, date of birth, unique pupil \
number (UPN), sex, year group, ethnicity, first language, free school meals and special \
educational needs records, and their assessment results.

We also keep a record of who signed in, uploaded, downloaded and confirmed what, and when.

## What we use it for
- to check each school's results and make the statutory assessment returns to the Department \
for Education (DfE)
- for our school improvement work: to understand how pupils in our schools are doing and where \
schools need support
- to give each school reports of its own results, set against the local authority's and \
England's figures

We do not use the data to make decisions about individual pupils, and we never sell it.

## Our lawful basis
We use the data to carry out a public task (UK GDPR Article 6(1)(e)): the local authority's \
duties for statutory assessment, as the DfE and the Standards and Testing Agency set them out \
each year in the assessment and reporting arrangements. Ethnicity and special educational needs \
are special category data: we use them for reasons of substantial public interest (UK GDPR \
Article 9(2)(g) and the Data Protection Act 2018, Schedule 1, paragraph 6, statutory and \
government purposes).

## Who we share it with
- the Department for Education, as the law requires
- the school the data came from, which sees only its own pupils
- nobody else, unless the law requires it

Only our assessment data team, and the company that hosts the service under contract to us, \
can see pupils' data. The figures we publish about groups of pupils never show a group of 5 \
pupils or fewer.

## How long we keep it
Pupils' names and dates of birth, and the files schools sent, are kept until the date set for \
each collection (listed on this page), then removed. The results are kept with the UPN, without \
names or dates of birth, so that we can follow how pupils progress through school.

## Your rights, and who to contact
Parents and pupils can ask to see the data we hold about them and ask us to correct it. \
Contact the {la} assessment data team, or the council's data protection officer. If you are \
unhappy with how we have used your data, you can complain to the Information Commissioner's \
Office (ico.org.uk).
"""
