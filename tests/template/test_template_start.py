"""What a filled template's hidden details tell at upload (keystage.template.start): the same
refusals, in the same words, as the whole check of the workbook."""

from __future__ import annotations

import pytest

from keystage import codesets
from keystage.checks import REFUSING, Context, Finding
from keystage.ctf.model import SchoolRef
from keystage.template.build import build_template
from keystage.template.check import check_template
from keystage.template.start import refusal_at_start

CODESET = codesets.load("2025-26")
OURS = SchoolRef(la="330", estab="2001", urn="103210", name="Oak Lane Primary")
THEIRS = SchoolRef(la="330", estab="2999", urn="999999", name="Elm Road Primary")


def whole_check(data: bytes, context: Context) -> Finding | None:
    outcome = check_template(data, context)
    return outcome.refused or next((f for f in outcome.findings if f.code in REFUSING), None)


@pytest.mark.parametrize(
    ("made_for", "sent_for", "code"),
    [
        (OURS, "KS1", None),
        (None, "KS1", None),  # a blank template names no school: the sender's
        (OURS, "PHON", "TEMPLATE-COLLECTION"),
        (THEIRS, "KS1", "HDR-SCHOOL"),
    ],
)
def test_the_details_refuse_as_the_whole_check_does(
    made_for: SchoolRef | None, sent_for: str, code: str | None
) -> None:
    data = build_template("KS1", CODESET, made_for)
    context = Context(CODESET, collection=sent_for, school=OURS)
    found = refusal_at_start(data, context)
    assert (found.code if found else None) == code
    assert found == whole_check(data, context)


def test_last_years_template_is_refused() -> None:
    older = codesets.load("2024-25")
    data = build_template("KS1", older, OURS)
    found = refusal_at_start(data, Context(CODESET, collection="KS1", school=OURS))
    assert found is not None and found.code == "TEMPLATE-COLLECTION"
    assert "2024-25" in found.message


def test_a_damaged_workbook_is_refused() -> None:
    damaged = build_template("KS1", CODESET, OURS)[:200]
    context = Context(CODESET, collection="KS1", school=OURS)
    found = refusal_at_start(damaged, context)
    assert found is not None and found.code == "TEMPLATE-NOT-XLSX"
    assert found == whole_check(damaged, context)
