"""The template's columns for one collection, from the year's code table.

The writer and the reader share this one layout: the reader never trusts the workbook's own
account of its columns, it works them out again from the code table and compares headings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from keystage.checks.rules.claims import PHONICS_MARK
from keystage.checks.text import kind_field, label
from keystage.codesets import AssessmentType, Codeset
from keystage.codesets.model import ResultSet
from keystage.ctf.model import Assessment
from keystage.ctf.model import AssessmentKey as Key

TEMPLATE_VERSION = "1"
PUPILS = "Pupils"
CODES = "Codes"
ABOUT = "About"
META = "Keystage"  # very hidden: what the workbook is, and the drop-down lists
HEADER_ROW = 1
FIRST_ROW = 2
MAX_PUPILS = 2000  # rows 2 to 2001: a primary year group is rarely over 150
LAST_ROW = FIRST_ROW + MAX_PUPILS - 1
# Roles the template leaves out: worked out from another result, never entered.
DERIVED_ROLES = frozenset({"phonics_outcome"})
# Roles with a second column for last year's result: the Year 2 re-check pupils' Year 1 mark.
PRIOR_YEAR_ROLES = frozenset({PHONICS_MARK})
# As a MIS writes them in a CTF (reference/ctf.md).
LOCALE = "ENG"
RESULT_STATUS = "R"


@dataclass(frozen=True, slots=True)
class Column:
    number: int  # 1 for column A
    heading: str
    field: str  # the finding field it answers to: "UPN", "DOB", "KS1 ENG TA READ", ...
    width: float
    kind: AssessmentType | None = None  # result columns only
    year: str | None = None  # the StageAssessment Year of the column's results

    @property
    def letter(self) -> str:
        return get_column_letter(self.number)

    def letter_in(self, found: Mapping[int, int]) -> str:
        """The column's letter in a sheet where the reader found it (`found`: template
        column number -> the sheet's), or the template's own letter."""
        return get_column_letter(found.get(self.number, self.number))

    @property
    def results(self) -> ResultSet | None:
        return self.kind.results if self.kind else None

    def assessment(self, result: str) -> Assessment:
        assert self.kind is not None
        key: Key = self.kind.key
        return Assessment(
            stage=key.stage, subject=key.subject, method=key.method, component=key.component,
            qualifier=key.qualifier, result=result, locale=LOCALE, year=self.year,
            result_status=RESULT_STATUS,
        )  # fmt: skip


# (heading, finding field, width): the fields are those the pupil rules name.
IDENTITY = (
    ("UPN", "UPN", 17.0),
    ("Surname", "Surname", 20.0),
    ("Forename", "Forename", 18.0),
    ("Date of birth", "DOB", 14.0),
    ("Sex", "Sex", 7.0),
    ("NC year", "NCyearActual", 9.0),
)
UPN, SURNAME, FORENAME, DOB, SEX, NC_YEAR = range(len(IDENTITY))
NC_YEARS = ("R", "1", "2", "3", "4", "5", "6")


def result_kinds(collection: str, codeset: Codeset) -> tuple[AssessmentType, ...]:
    return tuple(k for k in codeset.for_collection(collection) if k.role not in DERIVED_ROLES)


def columns(collection: str, codeset: Codeset) -> tuple[Column, ...]:
    """Identity columns, then one column per result of the collection (two for a role that
    also carries last year's result)."""
    found = [
        Column(number, heading, field, width)
        for number, (heading, field, width) in enumerate(IDENTITY, start=1)
    ]
    this_year = codeset.assessment_year
    for kind in result_kinds(collection, codeset):
        found.append(_result(len(found) + 1, kind, label(kind), this_year))
        if kind.role in PRIOR_YEAR_ROLES:
            last_year = str(int(this_year) - 1)
            heading = f"{label(kind)} in Year 1 ({last_year}): Year 2 re-check pupils only"
            found.append(_result(len(found) + 1, kind, heading, last_year))
    return tuple(found)


def _result(number: int, kind: AssessmentType, heading: str, year: str) -> Column:
    width = 14.0 if kind.results.marks is None else 16.0
    return Column(number, heading, kind_field(kind), width, kind, year)


def normalised(heading: object) -> str:
    """A heading as compared: case and spacing are not a change to the template."""
    return " ".join(str(heading or "").split()).casefold()
