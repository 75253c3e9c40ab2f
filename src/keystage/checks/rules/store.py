"""Against what the LA already holds: run when the caller passes the store's records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from keystage.checks.model import NOTE, QUERY, Finding
from keystage.checks.registry import Accumulator, declare, finding, rule
from keystage.checks.run import Run
from keystage.checks.text import count, join, who
from keystage.ctf import upn as upns
from keystage.ctf.model import Pupil

declare(
    code="PUPIL-OTHER-SCHOOL",
    severity=QUERY,
    scope="store",
    fields=("UPN",),
    summary="The UPN and date of birth are also in another school's current return for this "
    "collection, received before this file: the LA decides (the school where the pupil was "
    "registered for more days in May submits; for EYFSP with a PVI setting, the provider where "
    "the child spends most time). The school is never told which school or setting.",
)


Identity = tuple[str, str, dt.date]


def _identity(pupil: Pupil) -> Identity | None:
    """Who the pupil is, whatever UPN the file gives: names (as a MIS may case and space them)
    and date of birth."""
    born = pupil.dob_date
    if born is None or not pupil.surname or not pupil.forename:
        return None
    return (_fold(pupil.surname), _fold(pupil.forename), born)


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def _to_correct(previous: Mapping[str, Pupil]) -> dict[Identity, str]:
    """The previous version's pupils whose UPN the school was asked to correct (invalid, or
    temporary), by who they are: bounded by the previous version."""
    found: dict[Identity, str] = {}
    for upn, pupil in previous.items():
        asked = upns.status(upn) in (upns.UPNStatus.INVALID, upns.UPNStatus.TEMPORARY)
        if asked and (identity := _identity(pupil)) is not None:
            found[identity] = upn
    return found


def corrected_upn(pupil: Pupil, to_correct: Mapping[Identity, str]) -> str | None:
    """The previous version's UPN of this pupil, when this file corrects it: the same names and
    date of birth, now with a permanent UPN of the right check letter."""
    if upns.status(pupil.upn) != upns.UPNStatus.VALID:
        return None
    identity = _identity(pupil)
    return to_correct.get(identity) if identity is not None else None


@rule(
    code="VERSION-PUPILS-DROPPED",
    severity=QUERY,
    scope="file",
    fields=("UPN",),
    summary="The new version leaves out pupils the school's previous version for this "
    "collection held (needs the previous version). A pupil whose invalid or temporary UPN this "
    "version corrects (same names and date of birth) is not left out.",
)
class DroppedPupils(Accumulator):
    LISTED = 20  # named in the message; the rest are counted

    def __init__(self, run: Run) -> None:
        super().__init__(run)
        self.previous = run.previous or {}
        self.to_correct = _to_correct(self.previous)
        self.kept: set[str] = set()  # only UPNs of the previous version: bounded by it

    def pupil(self, pupil: Pupil) -> Iterable[Finding]:
        if pupil.upn and pupil.upn in self.previous:
            self.kept.add(pupil.upn)
        elif (before := corrected_upn(pupil, self.to_correct)) is not None:
            self.kept.add(before)  # the same pupil, under the UPN the school was asked to fix
        return ()

    def finish(self) -> Iterable[Finding]:
        dropped = [(u, p) for u, p in self.previous.items() if u not in self.kept]
        if not dropped:
            return ()
        names = [f"{p.display_name} ({u})" for u, p in dropped[: self.LISTED]]
        if len(dropped) > self.LISTED:
            names.append(f"{len(dropped) - self.LISTED} more")
        pupils = count(len(dropped), "pupil")
        verb = "is" if len(dropped) == 1 else "are"
        message = (
            f"{pupils} in your previous file for this collection {verb} not in this one: "
            f"{join(names)}. This file replaces the previous one, so they would be left out. "
            "Confirm that they should be, or send one file with every pupil."
        )
        return (finding("VERSION-PUPILS-DROPPED", message, field="UPN"),)


@rule(
    code="VERSION-UPN-CORRECTED",
    severity=NOTE,
    scope="file",
    fields=("UPN",),
    summary="A note for the LA: this version gives a pupil (same names and date of birth) a "
    "valid permanent UPN where the previous version's was invalid or temporary.",
)
class CorrectedUPNs(Accumulator):
    def __init__(self, run: Run) -> None:
        super().__init__(run)
        self.to_correct = _to_correct(run.previous or {})

    def pupil(self, pupil: Pupil) -> Iterable[Finding]:
        before = corrected_upn(pupil, self.to_correct) if self.to_correct else None
        if before is None:
            return ()
        message = (
            f"{who(pupil)}: the UPN is corrected from {before} in the previous version. "
            "Nothing to do: recorded for the LA."
        )
        return (finding("VERSION-UPN-CORRECTED", message, pupil, "UPN"),)


def _same_name(before: str | None, now: str | None) -> bool:
    # case and spacing are how a MIS writes a name, not a different name
    if not before or not now:
        return True
    return " ".join(before.split()).casefold() == " ".join(now.split()).casefold()


def _changes(before: Pupil, now: Pupil) -> list[tuple[str, str, str]]:
    """(field, what the LA holds, what the file says) for each detail that differs."""
    found = []
    if before.sex and now.sex and before.sex != now.sex:
        found.append(("Sex", before.sex, now.sex))
    then, born = before.dob_date, now.dob_date
    if then and born and then != born:
        found.append(("DOB", then.isoformat(), born.isoformat()))
    for field, old, new in (
        ("Surname", before.surname, now.surname),
        ("Forename", before.forename, now.forename),
    ):
        if not _same_name(old, new):
            found.append((field, old or "", new or ""))
    return found


_SAID = {"Sex": "sex", "DOB": "date of birth", "Surname": "surname", "Forename": "forename"}


@rule(
    code="PUPIL-IDENTITY-CHANGED",
    severity=QUERY,
    scope="pupil",
    fields=("Sex", "DOB", "Surname", "Forename"),
    summary="Sex, date of birth or name differs from the LA's earlier record of the UPN "
    "(needs the LA's records).",
)
def identity_changed(pupil: Pupil, run: Run) -> Iterable[Finding]:
    known = run.known
    before = known.get(pupil.upn) if known and pupil.upn else None
    if before is None:
        return ()
    changes = _changes(before, pupil)
    if not changes:
        return ()
    said = join([f"{_SAID[f]} {old} (this file: {new})" for f, old, new in changes])
    message = (
        f"{who(pupil)}: the LA's earlier record of this UPN has {said}. If the details have "
        "changed, confirm; otherwise check the UPN and the pupil's record in your MIS."
    )
    fields = ", ".join(f for f, _, _ in changes)
    return (finding("PUPIL-IDENTITY-CHANGED", message, pupil, fields),)
