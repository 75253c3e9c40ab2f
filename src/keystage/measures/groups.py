"""The breakdowns: which groups a pupil counts in ("all", "sex=F", "disadvantaged=yes", ...).

Each breakdown (dimension) splits every pupil into exactly one of its groups, so a dimension's
groups add up to "all" (small-number suppression relies on it). A pupil whose record does not
say lands in the dimension's "unknown" group, which is reported only when it has pupils
(ethnicity's "unknown" is a standard group and is always reported).
"""

from __future__ import annotations

from collections.abc import Iterable

from keystage.codesets import Codeset
from keystage.ctf.model import Pupil
from keystage.measures import tables

ALL = "all"
UNKNOWN = "unknown"

DISADVANTAGED = ("yes", "no")
SEN = ("none", "support", "ehcp")
EAL = ("yes", "no")
TERMS = ("autumn", "spring", "summer")
ETHNICITY = ("white", "mixed", "asian", "black", "chinese", "other", UNKNOWN)

# Term of birth by month: September-December autumn, January-April spring, May-August summer.
_TERM_OF_MONTH = {
    **dict.fromkeys((9, 10, 11, 12), "autumn"),
    **dict.fromkeys((1, 2, 3, 4), "spring"),
    **dict.fromkeys((5, 6, 7, 8), "summer"),
}


def dimensions(codeset: Codeset) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each breakdown and its standard groups, in the order reports show them."""
    return (
        ("sex", tuple(sorted(codeset.code_set("sex")))),
        ("disadvantaged", DISADVANTAGED),
        ("sen", SEN),
        ("eal", EAL),
        ("term_of_birth", TERMS),
        ("ethnicity", ETHNICITY),
    )


def dimension_of(group: str) -> str | None:
    """The breakdown a group belongs to: "sex" for "sex=F", None for "all"."""
    return group.split("=", 1)[0] if "=" in group else None


def ordered(seen: Iterable[str], codeset: Codeset) -> list[str]:
    """The standard groups, with any other group seen (an unknown) after its dimension's."""
    found = set(seen)
    out = [ALL]
    for dim, values in dimensions(codeset):
        out += [f"{dim}={value}" for value in values]
        out += sorted(g for g in found if dimension_of(g) == dim and g not in out)
    return out


def sex(pupil: Pupil, codeset: Codeset) -> str:
    return pupil.sex if pupil.sex in codeset.code_set("sex") else UNKNOWN


def disadvantaged(pupil: Pupil) -> str:
    """Any FSM instance the file holds (the CTF's FSM history covers the last six years)."""
    return "yes" if pupil.fsm else "no"


def sen(pupil: Pupil) -> str:
    return tables.SEN_GROUPS.get(pupil.sen_provision or "", "none")


def eal(pupil: Pupil) -> str:
    language = (pupil.first_language or "").upper()
    if not language or language in tables.UNCLASSIFIED_LANGUAGES:
        return UNKNOWN
    return "no" if language in tables.ENGLISH_LANGUAGES else "yes"


def term_of_birth(pupil: Pupil) -> str:
    born = pupil.dob_date
    return _TERM_OF_MONTH[born.month] if born else UNKNOWN


def ethnicity(pupil: Pupil) -> str:
    code = (pupil.ethnicity or "").strip().upper()
    return tables.ETHNIC_GROUPS.get(code[:1], UNKNOWN)


def groups_of(pupil: Pupil | None, codeset: Codeset) -> tuple[str, ...]:
    """Every group the pupil counts in; a pupil known only by UPN (no record) is unknown in
    every breakdown."""
    if pupil is None:
        return (ALL, *(f"{dim}={UNKNOWN}" for dim, _ in dimensions(codeset)))
    return (
        ALL,
        f"sex={sex(pupil, codeset)}",
        f"disadvantaged={disadvantaged(pupil)}",
        f"sen={sen(pupil)}",
        f"eal={eal(pupil)}",
        f"term_of_birth={term_of_birth(pupil)}",
        f"ethnicity={ethnicity(pupil)}",
    )
