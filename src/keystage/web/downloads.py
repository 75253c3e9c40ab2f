"""A version's findings as CSV, and its stored file: as the school and the LA download them.

Callers check who may have the version and record the download; these only build the answer.
"""

from __future__ import annotations

import csv

from django.http import FileResponse, HttpResponse

from keystage.web.models import Submission
from keystage.web.xlsx import spreadsheet_safe


def findings_csv(version: Submission) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{version.school.laestab}-{version.collection.kind}-v{version.version}-findings.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    out = csv.writer(response)
    out.writerow(["severity", "code", "upn", "pupil", "field", "line", "message"])
    for row in version.finding_set.order_by("severity", "pupil", "upn", "id"):  # errors first
        out.writerow([row.severity, row.code, row.upn, spreadsheet_safe(row.pupil), row.field,
                      row.line or "", row.message])  # fmt: skip
    return response


def stored_file(version: Submission) -> FileResponse:
    """The file exactly as it was sent."""
    return FileResponse(
        version.file.open("rb"),
        as_attachment=True,
        filename=version.original_name,
        content_type="application/xml",
    )
