"""Filled spreadsheet templates in the portal: the upload sniff lets an Excel workbook through,
processing reads it with keystage.template and the same rules, and keeps the CTF made from it.

The workbook is stored as received, like a CTF; whether a stored version is a template is told
from its bytes, never from its name. openpyxl is imported only when a workbook is read.
"""

from __future__ import annotations

import zipfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpResponse

from keystage.checks import Context, Finding, finding
from keystage.codesets import codeset_for
from keystage.ctf.model import Pupil, SchoolRef
from keystage.template import MEDIA_TYPE
from keystage.template.safety import TemplateRefusedError, looks_like_zip, workbook_parts
from keystage.web.models import Collection, School, Submission
from keystage.web.models.submissions import converted_name

SUFFIX = ".xlsx"
_TEMPLATE_TOO = "Upload the CTF your MIS exports, or this collection's spreadsheet template"


def is_spreadsheet_name(name: str) -> bool:
    return name.lower().endswith(SUFFIX)


def upload_refusal(upload: UploadedFile[bytes]) -> str | None:
    """Why an upload named .xlsx is not an Excel workbook (None when it is one). Only its
    parts are looked at here; what is inside is checked once it is stored, as for a CTF."""
    upload.seek(0)
    if not looks_like_zip(upload.read(4)):
        return (
            f"This file is not an Excel workbook, though its name ends in .xlsx. {_TEMPLATE_TOO}."
        )
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            workbook_parts(archive.infolist())
    except TemplateRefusedError as refused:
        return refused.message
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return f"This spreadsheet is damaged: it cannot be opened. {_TEMPLATE_TOO}."
    finally:
        upload.seek(0)
    return None


def is_template(submission: Submission) -> bool:
    """Whether a stored version is a spreadsheet (a zip), not a CTF."""
    with submission.file.open("rb") as raw:
        return looks_like_zip(raw.read(4))


def read_and_check(
    submission: Submission, context: Context, refusing: frozenset[str]
) -> tuple[list[Pupil], list[Finding], Finding | None]:
    """(pupils, findings, the refusal if any) of a stored template, as processing stores a
    CTF's; a template that is read keeps the CTF made from it beside it."""
    from keystage.template.check import check_template, to_ctf  # openpyxl: only here

    with submission.file.open("rb") as raw:
        data = raw.read(settings.MAX_UPLOAD_BYTES + 1)
    if len(data) > settings.MAX_UPLOAD_BYTES:
        item = finding("FILE-HOSTILE", "The file is larger than the largest Keystage accepts.")
        return [], [item], item
    outcome = check_template(data, context)
    refusal = outcome.refused or next((f for f in outcome.findings if f.code in refusing), None)
    if refusal is not None:
        return [], [refusal], refusal
    _keep_converted(submission, to_ctf(outcome.header, outcome.pupils))
    return outcome.pupils, outcome.findings, None


def _keep_converted(submission: Submission, ctf: bytes) -> None:
    """Stores the CTF beside the workbook, under its one name: a version checked again (or
    one whose earlier check died after writing it) replaces what is there."""
    storage = submission.converted.storage
    current = Submission.objects.values_list("converted", flat=True).get(pk=submission.pk)
    for name in {current, converted_name(submission, "")} - {""}:
        if storage.exists(name):
            storage.delete(name)
    submission.converted.save("converted.xml", ContentFile(ctf), save=False)
    Submission.objects.filter(pk=submission.pk).update(converted=submission.converted.name)


def school_ref(school: School) -> SchoolRef:
    """A setting has no establishment number: its EY URN names it (HDR-SCHOOL)."""
    estab = None if school.is_setting else school.estab
    return SchoolRef(la=school.la, estab=estab, urn=school.urn, name=school.name)


def template_download(collection: Collection, school: School | None) -> HttpResponse:
    """The collection's blank template, with the school's name and LAESTAB (a setting's EY
    URN) filled in."""
    from keystage.template.build import build_template  # openpyxl: only here

    codeset = codeset_for(collection.academic_year)
    data = build_template(collection.kind, codeset, school_ref(school) if school else None)
    who = f"{school.number}-" if school else ""
    name = f"{who}{collection.kind}-{codeset.academic_year}-template{SUFFIX}"
    response = HttpResponse(data, content_type=MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def converted_download(version: Submission) -> FileResponse:
    """The CTF made from a version's template (callers check who may have it, and audit)."""
    school, kind = version.school.number, version.collection.kind
    return FileResponse(
        version.converted.open("rb"),
        as_attachment=True,
        filename=f"{school}-{kind}-v{version.version}-from-template.xml",
        content_type="application/xml",
    )


def stored_media_type(version: Submission) -> str:
    """What a stored file is, for its download: a workbook or a CTF."""
    return MEDIA_TYPE if is_spreadsheet_name(version.original_name) else "application/xml"
