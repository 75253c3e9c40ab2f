"""A version's findings as CSV, and its stored file: as the school and the LA download them.

Callers check who may have the version and record the download; these only build the answer.
"""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from keystage.exports import write_csv
from keystage.web.models import Collection, Submission
from keystage.web.submissions import template_upload


def findings_csv(version: Submission) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{version.school.number}-{version.collection.kind}-v{version.version}-findings.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # cell: where a filled spreadsheet template's finding is ("Pupils!D9"); empty for a CTF
    head = ["severity", "code", "upn", "pupil", "field", "line", "cell", "message"]
    rows = (
        [r.severity, r.code, r.upn, r.pupil, r.field, r.line, r.location, r.message]
        for r in version.finding_set.order_by("severity", "pupil", "upn", "id")  # errors first
    )
    write_csv(response, [head, *rows])  # every cell: a name or UPN may be a formula
    return response


def stored_file(version: Submission) -> FileResponse:
    """The file exactly as it was sent."""
    return FileResponse(
        version.file.open("rb"),
        as_attachment=True,
        filename=version.original_name,
        content_type=template_upload.stored_media_type(version),  # a CTF, or a spreadsheet
    )


def unavailable(
    request: HttpRequest, stored: FieldFile, collection: Collection | None, what: str
) -> HttpResponse | None:
    """Why a stored file cannot be downloaded, as a page (None when it can): deleted under
    the retention policy (410), or missing from the file store (404). Never a server error."""
    if stored.name and stored.storage.exists(stored.name):
        return None
    if collection is not None and collection.purged_at is not None:
        heading = "This file has been deleted"
        message = (
            f"{what[:1].upper()}{what[1:]} was deleted under the retention policy on "
            f"{collection.purged_at:%-d %B %Y}, with the other files of {collection.short_name}."
        )
        status = 410
    else:
        heading = "This file is missing"
        message = (
            f"We cannot find {what} in the file store. Contact the data team, who can look into it."
        )
        status = 404
    return render(
        request,
        "portal/privacy_file_removed.html",
        {"heading": heading, "message": message},
        status=status,
    )
