"""The NCA Portal CSV's columns, and what each fills: the ONE place to correct them.

The STA publishes that the NCA Portal gives "CSV (all results, results with TA, or per
subject)" (GOV.UK, "Key stage 2 tests: how to access results and test scripts"), but not the
CSV's column headings, and our sources hold no real download (dfe-returns.md §5). These names
are the NPD's KS2 vocabulary (READSCORE, READOUTCOME, WRITTAOUTCOME, ...), the closest
published names. When a real download shows other headings, change `name` here (and the
samples in tests/data/nca); nothing else names a column. Headings are matched without regard
to case or surrounding spaces; columns not listed are ignored.

A test has a score column and an outcome column. The score (80 to 120) is the result when
there is one; without a score the outcome is the result (A absent, B working below the
standard, and the other codes of the year's code table). "AS"/"NS" (met / not met the expected
standard) follow from the score and are not stored: an AS or NS with no score is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["school", "identity", "score", "outcome", "ta"]


@dataclass(frozen=True)
class Column:
    name: str  # the heading in the download
    kind: Kind
    fills: str  # a Pupil field (identity), "laestab", or a code-table role (results)
    meaning: str
    required: bool = True


CSV_COLUMNS: tuple[Column, ...] = (
    Column("LAESTAB", "school", "laestab", "The school's LA number and establishment number"),
    Column("UPN", "identity", "upn", "Unique pupil number"),
    Column("SURNAME", "identity", "surname", "Legal surname"),
    Column("FORENAME", "identity", "forename", "Legal forename"),
    Column("DOB", "identity", "dob", "Date of birth (DD/MM/YYYY or YYYY-MM-DD)"),
    Column("GENDER", "identity", "sex", "Sex: M or F"),
    Column("READSCORE", "score", "ks2_reading_test", "Reading test scaled score"),
    Column("READOUTCOME", "outcome", "ks2_reading_test", "Reading test outcome"),
    Column("GPSSCORE", "score", "ks2_gps_test", "Grammar, punctuation and spelling score"),
    Column("GPSOUTCOME", "outcome", "ks2_gps_test", "Grammar, punctuation and spelling outcome"),
    Column("MATSCORE", "score", "ks2_maths_test", "Mathematics test scaled score"),
    Column("MATOUTCOME", "outcome", "ks2_maths_test", "Mathematics test outcome"),
    Column("WRITTAOUTCOME", "ta", "ks2_writing_ta", "Writing teacher assessment"),
    Column("READTAOUTCOME", "ta", "ks2_reading_ta", "Reading teacher assessment"),
    Column("MATTAOUTCOME", "ta", "ks2_maths_ta", "Mathematics teacher assessment"),
    Column("SCITAOUTCOME", "ta", "ks2_science_ta", "Science teacher assessment"),
)

# Outcomes that only say whether a score met the expected standard: the score is the result.
MET_OR_NOT = frozenset({"AS", "NS"})


def column(name: str) -> Column:
    return next(c for c in CSV_COLUMNS if c.name == name)
