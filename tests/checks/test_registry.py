"""The registry: the codes and severities of reference/checks.md, packs per year, and the
catalogue page kept in step with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from keystage import codesets
from keystage.checks import ALL, ERROR, REGISTRY, declare, finding, rule, rules_for
from keystage.checks.catalogue import COMMAND, render_catalogue
from keystage.checks.registry import pack_years

# Copied from reference/checks.md: codes are published (schools quote them), so a change here
# is a deliberate one.
EXPECTED = {
    "FILE-NOT-XML": "error",
    "FILE-HOSTILE": "error",
    "FILE-NOT-CTF": "error",
    "HDR-DOCNAME": "error",
    "HDR-VERSION": "query",
    "HDR-SCHOOL": "error",
    "HDR-ACYEAR": "query",
    "FILE-NAME": "query",
    "FILE-EMPTY": "error",
    "FILE-WRONG-COLLECTION": "error",
    "UPN-MISSING": "error",
    "UPN-INVALID": "error",
    "UPN-TEMPORARY": "query",
    "UPN-DUPLICATE": "error",
    "NAME-MISSING": "error",
    # Keystage's own: a value longer than any real one (and than the portal keeps)
    "FIELD-TOO-LONG": "error",
    "DOB-INVALID": "error",
    "DOB-RANGE": "query",
    "SEX-INVALID": "error",
    "PUPIL-OTHER-SCHOOL": "query",
    "RESULT-MISSING": "error",
    "RESULT-INVALID": "error",
    "RESULT-UNKNOWN-ASSESSMENT": "query",
    "EYF-A-PARTIAL": "error",
    "PHON-MARK-AND-CODE": "error",
    "PHON-MARK-RANGE": "error",
    "PHON-Y2-ALREADY-MET": "query",
    "KS1-Q-CODE": "query",
    "KS1-SCIENCE-PK": "error",
    "KS2-SCORE-RANGE": "error",
    "KS2-TA-TEST-CLASH": "query",
    "VERSION-PUPILS-DROPPED": "query",
    "VERSION-UPN-CORRECTED": "note",
    "PUPIL-IDENTITY-CHANGED": "query",
    # the spreadsheet template's own (keystage.template)
    "TEMPLATE-NOT-XLSX": "error",
    "TEMPLATE-NOT-KEYSTAGE": "error",
    "TEMPLATE-COLLECTION": "error",
    "TEMPLATE-ROWS": "error",
    "TEMPLATE-COLUMNS": "error",
    "TEMPLATE-DATE": "error",
    "TEMPLATE-TEXT": "error",
}
TEMPLATE_CODES = {code for code in EXPECTED if code.startswith("TEMPLATE-")}
NOT_RUN_HERE = {
    "FILE-NOT-XML",
    "FILE-HOSTILE",
    "FILE-NOT-CTF",
    "PUPIL-OTHER-SCHOOL",
} | TEMPLATE_CODES
DOCS = Path(__file__).parents[2] / "docs" / "checks.md"


def test_the_registry_holds_the_reference_codes_and_severities():
    assert {code: r.severity.value for code, r in REGISTRY.items()} == EXPECTED


def test_only_the_reader_and_store_codes_have_no_check_here():
    assert {code for code, r in REGISTRY.items() if r.check is None} == NOT_RUN_HERE
    assert {r.scope for r in REGISTRY.values() if r.check is None} == {
        "reader",
        "store",
        "template",
    }


def test_every_rule_has_a_one_line_summary_and_known_collections():
    for item in REGISTRY.values():
        assert item.summary and "\n" not in item.summary and item.summary.endswith(".")
        assert set(item.collections) <= set(ALL)


@pytest.mark.parametrize("year", ["2024-25", "2025-26", "2026-27"])
def test_rule_packs_are_pinned(year):
    assert len(rules_for(year)) == 34 + len(TEMPLATE_CODES)


def test_every_code_table_year_has_a_rule_pack():
    assert set(codesets.available_years()) <= set(pack_years())
    with pytest.raises(KeyError):
        rules_for("1999-00")


def test_a_year_after_the_last_pack_keeps_the_last_packs_rules():
    """An LA can publish next year's code tables before a release adds next year's pack."""
    assert rules_for("2099-00") == rules_for(pack_years()[-1])


def test_a_finding_takes_its_severity_from_the_registry():
    made = finding("UPN-TEMPORARY", "A temporary UPN.")
    assert (made.severity, made.upn, made.pupil, made.line) == ("query", None, None, None)


def test_a_code_is_declared_once():
    with pytest.raises(ValueError, match="twice"):
        rule(code="UPN-MISSING", severity=ERROR, scope="pupil", summary="Again.")(lambda p, r: ())
    with pytest.raises(TypeError):
        rule(code="X-NEW", severity=ERROR, scope="pupil", summary="None.")(None)
    with pytest.raises(ValueError, match="no check"):
        declare(code="X-NEW", severity=ERROR, scope="pupil", summary="Nothing runs it.")
    assert "X-NEW" not in REGISTRY


def test_the_catalogue_page_is_up_to_date():
    assert DOCS.read_text(encoding="utf-8") == render_catalogue(), (
        f"docs/checks.md is out of date with the rule registry: run `.venv/bin/{COMMAND}`"
    )
    for code in REGISTRY:
        assert f"`{code}`" in DOCS.read_text(encoding="utf-8")
