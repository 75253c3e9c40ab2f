"""Reading back the PDF reports: their structure tree (PDF/UA-1)."""

from __future__ import annotations

import io
import re
from collections import Counter

from pypdf import PdfReader


def assert_tagged(pdf: bytes) -> None:
    """Tagged as PDF/UA-1 asks, with a structure tree that holds together: every element's
    parent and page are the document's, each page's marked content is mapped in the parent
    tree, every header cell's ID is unique and every data cell's headers are found."""
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"]) and catalog["/Lang"] == "en"
    assert "pdfuaid" in catalog["/Metadata"].get_object().get_data().decode()
    tree = catalog["/StructTreeRoot"].get_object()
    pages = {page.indirect_reference.idnum: page for page in reader.pages}
    (document,) = tree["/K"]
    ids: Counter[str] = Counter()
    headers: list[str] = []
    marked: dict[int, set[int]] = {number: set() for number in pages}
    stack = [(document, tree.indirect_reference.idnum)]
    while stack:
        reference, parent = stack.pop()
        element = reference.get_object()
        assert element.raw_get("/P").idnum == parent
        if "/Pg" in element:
            assert element.raw_get("/Pg").idnum in pages
        if "/ID" in element:
            ids[str(element["/ID"])] += 1
        if "/A" in element and "/Headers" in element["/A"]:
            headers += [str(h) for h in element["/A"]["/Headers"]]
        for kid in element.raw_get("/K") if "/K" in element else []:
            if hasattr(kid, "idnum"):
                stack.append((kid, reference.idnum))
            else:  # marked content on the element's page
                marked[element.raw_get("/Pg").idnum].add(int(kid))
    assert ids and max(ids.values()) == 1
    assert headers and set(headers) <= set(ids)
    parent_tree = tree["/ParentTree"]["/Nums"]
    mapped = dict(zip(parent_tree[::2], parent_tree[1::2], strict=True))
    for number, page in pages.items():
        in_stream = {int(m) for m in re.findall(rb"/MCID (\d+)", page.get_contents().get_data())}
        on_page = mapped[page["/StructParents"]]
        assert len(on_page) == len(in_stream) and marked[number] <= in_stream
        assert {e.get_object().raw_get("/Pg").idnum for e in on_page} == {number}
