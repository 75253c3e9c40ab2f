"""What is refused at upload: a file that is not the school's return for the collection.

Before a file takes a version number, its start is read with the core's own rules and words
(keystage.checks.start for a CTF: the header, and as few pupils as tell the collection;
keystage.template.start for a filled spreadsheet template: its hidden details). A file refused
there is kept for the record as a RefusedUpload, numbered apart from the versions
(uploads.receive), and the school is told why at once. Everything else is checked in the task
(processing), which refuses by the same codes a file its start could not decide.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from keystage import checks
from keystage.checks import Context, Finding
from keystage.codesets import codeset_for
from keystage.template import start as template_start
from keystage.web.models import Collection, RefusedUpload, School, Submission
from keystage.web.submissions import template_upload

# A workbook is read whole to open it: one larger than any filled template is left to the task.
TEMPLATE_READ_AT_UPLOAD = 5 * 1024 * 1024


def at_upload(
    upload: UploadedFile[bytes], school: School, collection: Collection
) -> Finding | None:
    """The finding that refuses the file, told from its start; None when its start shows none."""
    context = Context(
        codeset=codeset_for(collection.academic_year),
        collection=collection.kind,
        school=template_upload.school_ref(school),
        file_name=upload.name,
    )
    upload.seek(0)
    try:
        if template_upload.is_spreadsheet_name(upload.name or ""):
            if (upload.size or 0) > TEMPLATE_READ_AT_UPLOAD:
                return None
            return template_start.refusal_at_start(upload.read(), context)
        return checks.refusal_at_start(upload, context, max_bytes=settings.MAX_UPLOAD_BYTES)
    finally:
        upload.seek(0)


def current_version(school: School, collection: Collection) -> Submission | None:
    return Submission.objects.filter(school=school, collection=collection, is_current=True).first()


def kept_for(school: School, collection: Collection) -> list[RefusedUpload]:
    """The school's files refused at upload for the collection, oldest first."""
    rows = RefusedUpload.objects.filter(school=school, collection=collection)
    return list(rows.select_related("uploaded_by"))


def why(kept: RefusedUpload) -> str:
    """The reason, with the check code beside it for whoever phones the LA."""
    return f"{kept.message} (Check code {kept.code}.)"


def told_school(kept: RefusedUpload) -> str:
    """What the school is told at once, on its collection page."""
    current = current_version(kept.school, kept.collection)
    unchanged = (
        f"Version {current.version} is still your current version."
        if current
        else "You have no version yet: upload the right file."
    )
    return (
        f"We did not accept “{kept.original_name}”. {why(kept)} We have kept it as refused "
        f"upload {kept.number}, not as a version. {unchanged}"
    )


def told_la(kept: RefusedUpload) -> str:
    """What the data team is told when a file it sent for a school is refused."""
    current = current_version(kept.school, kept.collection)
    unchanged = (
        f"The school's current version is still version {current.version}."
        if current
        else "The school has no version yet."
    )
    return (
        f"We did not accept “{kept.original_name}” for {kept.school.name}. {why(kept)} It is "
        f"kept as the school's refused upload {kept.number}, not as a version. {unchanged}"
    )
