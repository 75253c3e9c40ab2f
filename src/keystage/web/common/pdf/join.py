"""One tagged PDF (PDF/UA-1) joined from the PDFs of a report's parts, taken part by part, so
that the memory it takes is about that of one part however long the report.

WeasyPrint builds all of a PDF's objects in memory before it writes any (every page's content,
and a structure element for every table cell, each a Python object), and for a long table that,
more than the layout, is what fills memory. So each part's objects are taken as WeasyPrint has
made them (a `write_pdf` finisher), turned into bytes at once under their numbers in the joined
PDF, and the part is let go. The parts' pages go into one page tree and their structure trees
under one Document element, each page's entry in the parent tree (its marked content) under its
page's new number: WeasyPrint tags page by page, so that is the tree one PDF of all the pages
would have. The first part's catalogue entries (language, XMP metadata, title shown, outline)
and document information are the joined PDF's.

Made for the PDFs of WeasyPrint 70 and pydyf 0.13: references are bytes `b"N 0 R"`, a table's
header cells have IDs `"<the table element's number>-<row>-<column>"`, and every part has the
same font subset tags (they are made from the font alone), which are made different here.
Links are not supported: their annotations' numbers in the parent tree would need moving too.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from typing import Any

import pydyf  # type: ignore[import-untyped]

REFERENCE = re.compile(rb"(\d+) 0 R")
HEADER_ID = re.compile(r"(\d+)(-\d+-\d+)")
SUBSET_TAG = re.compile(rb"/([A-Z]{6})\+")
PDF_VERSION = b"1.7"  # PDF/UA-1's

Finisher = Callable[[Any, Any], None]


class _PartTaken(Exception):  # noqa: N818 (not an error: it stops WeasyPrint writing the part)
    """Raised by the finisher once a part's objects are taken: WeasyPrint then writes nothing."""


class _Written(pydyf.Object):
    """An object of the joined PDF, already in bytes."""

    def __init__(self, data: bytes, *, stream: bool) -> None:
        super().__init__()
        self._data = data
        self._stream = stream

    @property
    def data(self) -> bytes:
        return self._data

    @property
    def compressible(self) -> bool:
        return not self._stream  # a stream cannot go in an object stream


class JoinedPDF:
    """The joined PDF: parts are added in order (`add`), then it is written (`written`)."""

    def __init__(self) -> None:
        self.pdf = pydyf.PDF()
        self.root = pydyf.Dictionary({"Type": "/StructTreeRoot"})
        self.document = pydyf.Dictionary({"Type": "/StructElem", "S": "/Document"})
        self.parent_tree = pydyf.Dictionary({"Nums": pydyf.Array()})
        for made in (self.root, self.document, self.parent_tree):
            self.pdf.add_object(made)
        self.root["K"] = pydyf.Array([self.document.reference])
        self.root["ParentTree"] = self.parent_tree.reference
        self.document["K"] = pydyf.Array()
        self.document["P"] = self.root.reference
        self.parts = 0
        self.pages = 0

    def add(self, write_part: Callable[[Finisher], object]) -> None:
        """`write_part(finisher)` has WeasyPrint write a part's PDF (PDF/UA-1) with this
        finisher, where its objects are taken; nothing of the part is written on its own."""
        try:
            write_part(self._take)
        except _PartTaken:
            return
        raise RuntimeError("WeasyPrint wrote a part without calling the finisher")

    def written(self) -> bytes:
        output = io.BytesIO()
        self.pdf.write(output, PDF_VERSION, compress=True)
        return output.getvalue()

    def _take(self, _document: Any, part: Any) -> None:
        """The finisher: a part's objects, but for its catalogue, page tree and the top of its
        structure tree (the joined PDF's own), in bytes under their numbers here."""
        tree = _indirect(part, part.catalog["StructTreeRoot"])
        parent_tree = _indirect(part, tree["ParentTree"])
        top = _indirect(part, tree["K"][0])
        pages = part.pages["Kids"][::3]  # pydyf's page tree lists `number, 0, "R"`
        skipped = {part.pages.number, part.catalog.number, tree.number, parent_tree.number,
                   top.number}  # fmt: skip
        if self.parts and "Metadata" in part.catalog:  # the first part's is the joined PDF's
            skipped.add(_number(part.catalog["Metadata"]))
        kept = [o for o in part.objects if o.free != "f" and o.number not in skipped]
        first = len(self.pdf.objects)
        numbers = {o.number: first + i for i, o in enumerate(kept)}
        numbers |= {part.pages.number: self.pdf.pages.number, top.number: self.document.number,
                    tree.number: self.root.number}  # fmt: skip
        for index, number in enumerate(pages):
            part.objects[number]["StructParents"] = self.pages + index
        for made in kept:
            self._prepare(made, numbers)
            self.pdf.add_object(_written(made, numbers))
        for number in pages:
            self.pdf.pages["Kids"].extend([numbers[number], 0, "R"])
            self.pdf.pages["Count"] += 1
        self.document["K"].extend(_moved(top["K"], numbers))
        self._parent_tree(parent_tree["Nums"], len(pages), numbers)
        if not self.parts:
            self._front(part, numbers)
        self.parts += 1
        self.pages += len(pages)
        raise _PartTaken

    def _prepare(self, made: Any, numbers: dict[int, int]) -> None:
        """What must change in a part's object besides its references: header cell IDs name
        their table by its object number, and each part's fonts need their own subset tags."""
        if not isinstance(made, dict):
            return
        if made.get("Type") == "/StructElem":
            if "ID" in made:
                made["ID"] = pydyf.String(_header_id(made["ID"].string, numbers))
            headers = made.get("A", {}).get("Headers")
            if headers:
                made["A"]["Headers"] = pydyf.Array(
                    pydyf.String(_header_id(h.string, numbers)) for h in headers
                )
        for key in ("BaseFont", "FontName"):
            if isinstance(made.get(key), bytes) and self.parts:
                made[key] = SUBSET_TAG.sub(self._subset_tag, made[key], count=1)

    def _subset_tag(self, found: re.Match[bytes]) -> bytes:
        digest = hashlib.sha256(found[1] + str(self.parts).encode()).digest()
        return b"/" + bytes(65 + b % 26 for b in digest[:6]) + b"+"

    def _parent_tree(self, nums: Any, pages: int, numbers: dict[int, int]) -> None:
        for key, marked in zip(nums[::2], nums[1::2], strict=True):
            if key >= pages:
                raise ValueError("a report joined from parts cannot have links")
            self.parent_tree["Nums"].extend([self.pages + key, _moved(marked, numbers)])

    def _front(self, part: Any, numbers: dict[int, int]) -> None:
        for key, value in part.catalog.items():
            if key not in ("Type", "Pages", "StructTreeRoot"):
                self.pdf.catalog[key] = _moved(value, numbers)
        self.pdf.catalog["StructTreeRoot"] = self.root.reference
        self.pdf.info = part.info


def _header_id(text: str, numbers: dict[int, int]) -> str:
    found = HEADER_ID.fullmatch(text)
    assert found, text  # made by WeasyPrint's tagging, always this shape
    return f"{numbers[int(found[1])]}{found[2]}"


def _number(reference: bytes) -> int:
    found = REFERENCE.fullmatch(reference)
    assert found, reference
    return int(found[1])


def _indirect(part: Any, reference: bytes) -> Any:
    return part.objects[_number(reference)]


def _moved(value: Any, numbers: dict[int, int]) -> Any:
    """`value` with every reference to a part's object made to the joined PDF's."""
    if isinstance(value, bytes):
        found = REFERENCE.fullmatch(value)
        return f"{numbers[int(found[1])]} 0 R".encode() if found else value
    if isinstance(value, dict):
        moved = pydyf.Dictionary({k: _moved(v, numbers) for k, v in value.items()})
        return moved if isinstance(value, pydyf.Dictionary) else dict(moved)
    if isinstance(value, list | tuple):
        return pydyf.Array([_moved(v, numbers) for v in value])
    return value


def _written(made: Any, numbers: dict[int, int]) -> _Written:
    if isinstance(made, pydyf.Stream):
        made.extra = _moved(made.extra, numbers)
        return _Written(made.data, stream=True)  # its content compressed now
    return _Written(_moved(made, numbers).data, stream=False)
