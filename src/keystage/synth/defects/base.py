"""What a defect kind works on: one file's pupils, and which of them are already taken."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from keystage.codesets import Codeset
from keystage.ctf.model import Pupil


@dataclass(frozen=True)
class PlantedDefect:
    file: str  # relative to the LA folder, with forward slashes
    upn: str | None  # the UPN the check reports it under; None for a file-level defect
    code: str  # the check code of reference/checks.md that finds it
    detail: str

    def to_json(self) -> dict[str, str | None]:
        return {"file": self.file, "upn": self.upn, "code": self.code, "detail": self.detail}


@dataclass
class FileState:
    pupils: list[Pupil]
    codeset: Codeset
    collection: str
    rng: random.Random
    touched: set[int]  # pupils that carry a defect, or lend their UPN to one
    upns: set[str]

    def pupil(self, index: int) -> Pupil:
        return self.pupils[index]

    def upn(self, index: int) -> str:
        return self.pupils[index].upn or ""

    def set(self, index: int, **changes: Any) -> Pupil:
        pupil = replace(self.pupils[index], **changes)
        self.pupils[index] = pupil
        return pupil


# A kind changes pupil `index` and returns (the UPN the check reports, detail), or None
# when it does not fit that pupil (which is then left as it was).
Planted = tuple[str, str] | None
Kind = Callable[[FileState, int], Planted]
