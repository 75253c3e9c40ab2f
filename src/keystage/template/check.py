"""A filled template checked exactly as a CTF is: read, the same rule registry, and each
finding located; and the CTF the template stands for."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from keystage.checks import Context, Finding, finding, run_checks
from keystage.ctf.model import Header, Pupil, SchoolRef
from keystage.ctf.writer import to_bytes
from keystage.template.read import TemplateRead, read_template
from keystage.template.safety import TemplateRefusedError


@dataclass
class TemplateOutcome:
    header: Header
    collection: str | None
    pupils: list[Pupil] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    refused: Finding | None = None  # the workbook refused as a whole (then the only finding)
    read: TemplateRead | None = None


def check_template(
    data: bytes, context: Context, school: SchoolRef | None = None
) -> TemplateOutcome:
    """Reads and checks a filled template. `context.collection`, when given, is the collection
    the template must be for; `school` (default: `context.school`) stands in the header when
    the template does not name its school."""
    try:
        read = read_template(
            data, context.codeset, school or context.school, collection=context.collection
        )
    except TemplateRefusedError as refused:
        item = finding(refused.code, refused.message)
        return TemplateOutcome(Header(), context.collection, findings=[item], refused=item)
    checking = dataclasses.replace(context, collection=read.info.collection)
    outcome = run_checks(read.header, read.pupils, checking)
    return TemplateOutcome(
        header=read.header,
        collection=outcome.collection,
        pupils=read.pupils,
        findings=read.merge(outcome.findings),
        read=read,
    )


def to_ctf(header: Header, pupils: list[Pupil], made: dt.datetime | None = None) -> bytes:
    """The CTF a read template stands for, as a MIS would have written it."""
    stamp = (made or dt.datetime.now()).replace(microsecond=0).isoformat()
    return to_bytes(dataclasses.replace(header, date_time=stamp), pupils)
