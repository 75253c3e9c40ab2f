"""What differs between two code tables, in the words the LA administrator checks them by:
settings (CTF versions, phonics threshold, the goals of a good level of development),
assessments added or removed, and each assessment's valid results and their meanings."""

from __future__ import annotations

from dataclasses import dataclass, field

from keystage.codesets import AssessmentType, Codeset
from keystage.ctf.model import AssessmentKey


@dataclass(frozen=True)
class ResultChange:
    assessment: AssessmentType
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    marks: str = ""  # "0 to 40, now 0 to 45"
    meanings: tuple[str, ...] = ()  # 'A: "Absent", now "Absent on the day"'

    @property
    def summary(self) -> str:
        """'codes added X; codes removed Y; marks 0 to 40, now 0 to 45; meanings ...'"""
        parts = [f"{said} {', '.join(codes)}"
                 for said, codes in (("codes added", self.added), ("codes removed", self.removed))
                 if codes]  # fmt: skip
        if self.marks:
            parts.append(f"marks {self.marks}")
        parts += [f"meaning of {line}" for line in self.meanings]
        return "; ".join(parts)


@dataclass(frozen=True)
class Differences:
    settings: list[str] = field(default_factory=list)
    added: list[AssessmentType] = field(default_factory=list)
    removed: list[AssessmentType] = field(default_factory=list)
    results: list[ResultChange] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)

    @property
    def none(self) -> bool:
        return not (self.settings or self.added or self.removed or self.results or self.groups)


def differences(before: Codeset, after: Codeset) -> Differences:
    old = {a.key: a for a in before.assessments}
    new = {a.key: a for a in after.assessments}
    return Differences(
        settings=_settings(before, after),
        added=[a for key, a in new.items() if key not in old],
        removed=[a for key, a in old.items() if key not in new],
        results=_results(before, after, [k for k in new if k in old]),
        groups=_groups(before, after),
    )


def _settings(before: Codeset, after: Codeset) -> list[str]:
    changes = []
    if before.ctf_versions != after.ctf_versions:
        changes.append(
            f"CTF versions accepted: {', '.join(before.ctf_versions)}, now "
            f"{', '.join(after.ctf_versions)}"
        )
    if before.phonics_threshold != after.phonics_threshold:
        changes.append(
            f"Phonics threshold mark: {before.phonics_threshold}, now {after.phonics_threshold}"
        )
    if before.gld != after.gld:
        changes.append(
            f"Goals of a good level of development: {_goals(before.gld)}, now {_goals(after.gld)}"
        )
    return changes


def _goals(roles: tuple[str, ...]) -> str:
    return ", ".join(role.upper() for role in roles)


def _results(before: Codeset, after: Codeset, kept: list[AssessmentKey]) -> list[ResultChange]:
    changes = []
    for key in kept:
        was, now = before.lookup(key), after.lookup(key)
        assert was is not None and now is not None
        change = ResultChange(
            assessment=now,
            added=tuple(sorted(now.results.codes - was.results.codes)),
            removed=tuple(sorted(was.results.codes - now.results.codes)),
            marks=_marks(was, now),
            meanings=_meanings(before, was, after, now),
        )
        if change.added or change.removed or change.marks or change.meanings:
            changes.append(change)
    return changes


def _marks(was: AssessmentType, now: AssessmentType) -> str:
    if was.results.marks == now.results.marks:
        return ""
    return f"{_range(was.results.marks)}, now {_range(now.results.marks)}"


def _range(marks: tuple[int, int] | None) -> str:
    return f"{marks[0]} to {marks[1]}" if marks else "none"


def _meanings(
    before: Codeset, was: AssessmentType, after: Codeset, now: AssessmentType
) -> tuple[str, ...]:
    old, new = dict(before.meanings_of(was)), dict(after.meanings_of(now))
    return tuple(
        f"{code}: “{old[code]}”, now “{text}”"
        for code, text in new.items()
        if code in old and old[code] != text
    )


def _groups(before: Codeset, after: Codeset) -> list[str]:
    """The named groups of codes the checks and measures read ("expected_or_above")."""
    changes = []
    for name in sorted(set(before.codes) | set(after.codes)):
        was, now = before.codes.get(name, frozenset()), after.codes.get(name, frozenset())
        if was != now:
            changes.append(f"{name}: {_listed(was)}, now {_listed(now)}")
    return changes


def _listed(codes: frozenset[str]) -> str:
    return ", ".join(sorted(codes)) or "none"
