"""Reading and writing Common Transfer Files (CTF). Pure Python: never imports Django."""

from keystage.ctf.model import (
    Assessment,
    AssessmentKey,
    FSMInstance,
    Header,
    Language,
    Pupil,
    SchoolHistoryEntry,
    SchoolRef,
    SENInstance,
)

__all__ = [
    "Assessment",
    "AssessmentKey",
    "FSMInstance",
    "Header",
    "Language",
    "Pupil",
    "SENInstance",
    "SchoolHistoryEntry",
    "SchoolRef",
]
