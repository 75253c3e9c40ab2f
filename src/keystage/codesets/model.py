"""The shapes of a year's code table: which assessments exist, which results each accepts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from keystage.ctf.model import Assessment, AssessmentKey

COLLECTIONS = ("EYFSP", "PHON", "KS1", "KS2")


class CodesetError(ValueError):
    """A code table is malformed or missing: a developer's or LA administrator's mistake.

    `at` says where in the data a problem is (("assessment", 3), ("results", "elg")), so that
    `line` can be found in the file's text (codesets.text); either may be unknown."""

    def __init__(self, message: str, *, at: tuple[str | int, ...] = (), line: int | None = None):
        super().__init__(message)
        self.at = at
        self.line = line


def as_mark(result: str | None) -> int | None:
    """A whole-number mark or score, or None for a code or anything else."""
    # isdecimal, not isdigit: "²" is a digit to Python but not a number int() reads
    if result is None or not result.isascii() or not result.isdecimal():
        return None
    return int(result)


@dataclass(frozen=True, slots=True)
class ResultSet:
    """The results one assessment accepts: codes, and optionally a whole-number range."""

    codes: frozenset[str] = frozenset()
    marks: tuple[int, int] | None = None

    def accepts(self, result: str | None) -> bool:
        if result is None:
            return False
        if result in self.codes:
            return True
        mark = as_mark(result)
        return (
            mark is not None and self.marks is not None and self.marks[0] <= mark <= self.marks[1]
        )

    def describe(self) -> str:
        parts = []
        if self.marks:
            parts.append(f"a whole number from {self.marks[0]} to {self.marks[1]}")
        if self.codes:
            parts.append(", ".join(sorted(self.codes)))
        return " or ".join(parts)


@dataclass(frozen=True, slots=True)
class AssessmentType:
    role: str  # stable name the checks and measures use: "ks1_reading", "elg01", ...
    collection: str
    key: AssessmentKey
    label: str
    results: ResultSet
    result_set: str  # the name of the result set in the data file
    required: bool = False
    required_one_of: str | None = None  # a group name: one of the group's roles is required
    area: str | None = None


@dataclass(frozen=True)
class Codeset:
    academic_year: str  # "2025-26"
    start_year: int  # 2025
    assessment_year: str  # "2026"
    ctf_versions: tuple[str, ...]
    phonics_threshold: int
    gld: tuple[str, ...]  # roles whose expected level makes a good level of development
    assessments: tuple[AssessmentType, ...]
    codes: Mapping[str, frozenset[str]]
    aliases: Mapping[str, Mapping[str, str]]  # field -> alias -> canonical
    # result set name -> code -> what it means ("A" -> "Absent"), every code of every set
    meanings: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: MappingProxyType({}))
    _by_key: Mapping[AssessmentKey, AssessmentType] = field(init=False, repr=False, compare=False)
    _by_role: Mapping[str, AssessmentType] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_key", MappingProxyType({a.key: a for a in self.assessments}))
        object.__setattr__(
            self, "_by_role", MappingProxyType({a.role: a for a in self.assessments})
        )

    def canonical(self, key: AssessmentKey) -> AssessmentKey:
        """The key with any LA or MIS alias replaced by the code table's own spelling."""
        if not self.aliases:
            return key
        return AssessmentKey(
            *(
                self.aliases.get(name, {}).get(value, value)
                for name, value in zip(AssessmentKey._fields, key, strict=True)
            )
        )

    def lookup(self, item: AssessmentKey | Assessment) -> AssessmentType | None:
        """The assessment type of a key or result; None for a tuple not in the table."""
        key = item.key if isinstance(item, Assessment) else item
        found = self._by_key.get(key)
        return found if found is not None else self._by_key.get(self.canonical(key))

    def role(self, role: str) -> AssessmentType:
        return self._by_role[role]

    def for_collection(self, collection: str) -> tuple[AssessmentType, ...]:
        return tuple(a for a in self.assessments if a.collection == collection)

    def meanings_of(self, assessment: AssessmentType) -> tuple[tuple[str, str], ...]:
        """Each code the assessment accepts and what it means, in the data file's order."""
        return tuple(self.meanings.get(assessment.result_set, {}).items())

    def code_set(self, name: str) -> frozenset[str]:
        return self.codes[name]

    def with_aliases(self, extra: Mapping[str, Mapping[str, str]]) -> Codeset:
        """A copy that also knows the LA's own aliases (field -> alias -> canonical)."""
        merged = {name: dict(values) for name, values in self.aliases.items()}
        for name, values in extra.items():
            if name not in AssessmentKey._fields:
                raise CodesetError(f"aliases: unknown field {name!r}")
            merged.setdefault(name, {}).update(values)
        frozen = {k: MappingProxyType(v) for k, v in merged.items()}
        return replace(self, aliases=MappingProxyType(frozen))
