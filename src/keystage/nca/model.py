"""What an NCA Portal download holds once read: each school's pupils, by LAESTAB."""

from __future__ import annotations

from dataclasses import dataclass, field

from keystage.ctf.model import Pupil


@dataclass(frozen=True)
class RowError:
    """One row (or, line None, the whole file) that cannot be read: said for a data officer."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return self.message if self.line is None else f"Line {self.line}: {self.message}"


class DownloadError(ValueError):
    """The download cannot be imported at all; `errors` says where and why, row by row."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        shown = "; ".join(str(e) for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__(f"{shown}{more}")


@dataclass
class Download:
    """The pupils of a download by their school's LAESTAB, in the order the file gives them."""

    kind: str  # "CTF" or "CSV"
    academic_year: str | None = None  # as the file says it, when it says it (CTF: "2025")
    schools: dict[str, list[Pupil]] = field(default_factory=dict)

    def add(self, laestab: str, pupil: Pupil) -> None:
        self.schools.setdefault(laestab, []).append(pupil)

    @property
    def pupils(self) -> int:
        return sum(len(found) for found in self.schools.values())
