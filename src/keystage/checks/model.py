"""What a check run takes and gives: the context it runs in, its findings and its outcome."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from keystage.codesets import Codeset
from keystage.ctf.model import Pupil, SchoolRef


class Severity(StrEnum):
    ERROR = "error"  # blocks sign-off until a corrected file is uploaded
    QUERY = "query"  # the school answers it (confirms, with a reason) or fixes it
    NOTE = "note"  # for the LA's record: nobody need do anything


ERROR = Severity.ERROR
QUERY = Severity.QUERY
NOTE = Severity.NOTE

# How collections are named to a school office (the codes stay in the data and the JSON).
COLLECTION_NAMES = {
    "EYFSP": "Early Years Foundation Stage Profile",
    "PHON": "phonics screening check",
    "KS1": "Key Stage 1",
    "KS2": "Key Stage 2",
}


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: str  # "error" | "query" | "note"
    message: str  # full plain-English sentence(s) for a school office
    upn: str | None = None
    pupil: str | None = None  # "SURNAME, Forename" (Pupil.display_name)
    field: str | None = None  # "UPN", "DOB", "KS1 ENG TA READ", "CTFversion", ...
    line: int | None = None  # where the pupil starts in the file, when known
    location: str | None = None  # in a spreadsheet template: "Pupils!D9", row "Pupils!5:5"


@dataclass(frozen=True)
class Context:
    """What the caller knows beyond the file itself. Every field but the code table is optional;
    a rule that needs an absent one does not run (offline validation knows no school)."""

    codeset: Codeset
    collection: str | None = None  # EYFSP | PHON | KS1 | KS2; None: inferred from the content
    school: SchoolRef | None = None  # the school uploading
    setting: bool = False  # the uploader is a PVI early years setting (known by its EY URN)
    file_name: str | None = None
    previous: Mapping[str, Pupil] | None = None  # UPN -> pupil in the school's previous version
    known: Mapping[str, Pupil] | None = None  # UPN -> the LA's earlier record of the pupil


@dataclass
class CheckOutcome:
    collection: str | None  # as given, or as inferred; None when it could not be
    pupils: int
    findings: list[Finding] = field(default_factory=list)
