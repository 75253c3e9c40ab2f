"""A school's pupil-level report: every current pupil with their result in each assessment and
the measures' flags (met or not, or left out), laid out by reports.pupil_pdf."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from keystage.checks.run import Lookup
from keystage.codesets import codeset_for
from keystage.codesets.model import AssessmentType
from keystage.ctf.model import pupil_from_dict
from keystage.measures.compute import scorer_for
from keystage.measures.results import by_role, latest
from keystage.web.models import Collection, PupilRecord, School
from keystage.web.reports.front import front
from keystage.web.results.pupils import current_records

# The pupil-level report's derived flags: (measure, column heading).
FLAGS = {
    "EYFSP": (("eyfsp_gld", "GLD"), ("eyfsp_all_elgs_expected", "All goals")),
    "PHON": (("phon_y1_met", "Met (Year 1)"), ("phon_recheck_met", "Met (re-check)")),
    "KS1": (("ks1_reading_exs_plus", "Reading EXS+"), ("ks1_writing_exs_plus", "Writing EXS+"),
            ("ks1_maths_exs_plus", "Maths EXS+"), ("ks1_science_exs", "Science EXS"),
            ("ks1_rwm_exs_plus", "RWM EXS+")),
    "KS2": (("ks2_reading_exs_plus", "Reading EXS"), ("ks2_writing_exs_plus", "Writing EXS"),
            ("ks2_maths_exs_plus", "Maths EXS"), ("ks2_gps_exs_plus", "GPS EXS"),
            ("ks2_rwm_exs_plus", "RWM EXS"), ("ks2_rwm_high", "RWM higher")),
}  # fmt: skip

# A collection of more assessments than this (the EYFSP's 17 goals) heads its columns with
# their codes in the code table (ELG01), named in a key on the report's first page: so many
# names as column heads make the table wider than a landscape page, and the last are cut off.
KEYED_AFTER = 10


# The longest word of a name that always fits the name column (report.css: its least width
# holds twelve of the widest capitals). A name with a longer word may break within it, where
# the table would otherwise grow past the page; only such names may, because letting every
# name break anywhere costs a tenth of the report's time.
LONGEST_WORD = 12
WORD_BREAKS = re.compile(r"[\s-]+")  # a name wraps at a space or after a hyphen


@dataclass(frozen=True)
class Column:
    head: str  # the column's heading: the assessment's label, or its code when keyed
    label: str  # the assessment's label in the code table


@dataclass
class PupilRow:
    name: str
    upn: str
    dob: str
    sex: str
    results: list[str]
    flags: list[str]

    @property
    def unbroken(self) -> bool:
        """Whether a word of the name is too long for its column (it may break within it)."""
        return any(len(word) > LONGEST_WORD for word in WORD_BREAKS.split(self.name))


def pupil_context(school: School, collection: Collection) -> dict[str, Any]:
    """The pupil-level report's content (reports/pupils.html), its pupils by name."""
    kinds = codeset_for(collection.academic_year).for_collection(collection.kind)
    flags = FLAGS.get(collection.kind, ())
    columns = _columns(kinds)
    rows = _rows(school, collection, kinds, [name for name, _ in flags])
    return {
        **front(school, collection, "Pupil-level results"),
        "columns": columns,
        "keyed": any(c.head != c.label for c in columns),
        "flag_names": [heading for _, heading in flags],
        "pupils": rows,
        "count": len(rows),
        # The report's opening and its closing note; a part of it has one or neither.
        "first": True,
        "last": True,
    }


def _rows(
    school: School, collection: Collection, kinds: Sequence[AssessmentType], flags: list[str]
) -> list[PupilRow]:
    """A row a current pupil, by surname, forename and UPN, with each assessment's result and
    each of the `flags` measures' outcome."""
    codeset = codeset_for(collection.academic_year)
    scorer, lookup = scorer_for(collection.kind, codeset), Lookup(codeset)
    rows = []
    for record in sorted(current_records(collection, school), key=_by_name):
        pupil = pupil_from_dict(record.data)
        results = by_role(pupil, lookup, collection.kind)
        # The measures' own per-pupil rules: a measure a pupil is left out of is not scored.
        scores = dict(scorer.score(pupil, results))
        rows.append(PupilRow(
            name=pupil.display_name,
            upn=record.upn,
            dob=record.dob.strftime("%d/%m/%Y") if record.dob else "",
            sex=record.sex,
            results=[latest(results, a.role) or "" for a in kinds],
            flags=[_flag(scores.get(name)) for name in flags],
        ))  # fmt: skip
    return rows


def _by_name(record: PupilRecord) -> tuple[str, str, str]:
    return record.surname.casefold(), record.forename.casefold(), record.upn


def _columns(kinds: Sequence[AssessmentType]) -> list[Column]:
    codes = [a.key.component for a in kinds]
    keyed = len(kinds) > KEYED_AFTER and len(set(codes)) == len(codes)
    return [Column(a.key.component if keyed else a.label, a.label) for a in kinds]


def _flag(score: int | None) -> str:
    return "left out" if score is None else ("Yes" if score else "No")
