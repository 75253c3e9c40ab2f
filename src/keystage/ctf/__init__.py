"""Reading and writing Common Transfer Files (CTF). Pure Python: never imports Django."""

from keystage.ctf.errors import CTFError
from keystage.ctf.filename import expected_name, parse_name
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
from keystage.ctf.reader import CTFReader, read_all, read_ctf
from keystage.ctf.writer import canonical, group_by_stage, to_bytes, write_ctf

__all__ = [
    "Assessment",
    "AssessmentKey",
    "CTFError",
    "CTFReader",
    "FSMInstance",
    "Header",
    "Language",
    "Pupil",
    "SENInstance",
    "SchoolHistoryEntry",
    "SchoolRef",
    "canonical",
    "expected_name",
    "group_by_stage",
    "parse_name",
    "read_all",
    "read_ctf",
    "to_bytes",
    "write_ctf",
]
