"""The moderation letter and the appeal evidence as downloads: audited (they name pupils), as
attachments (never shown in the browser), and a page that says so once retention removed them.
Whose they are to download is the views' to check."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase

from keystage.web.common import audit
from keystage.web.models import AppealEvidence, ModeratedSchool
from keystage.web.submissions import downloads


def letter_response(request: HttpRequest, m: ModeratedSchool) -> HttpResponseBase:
    """The letter; 404 until it is made."""
    if not m.letter_sha256 or not m.letter.name:
        raise Http404("The letter is not made yet.")
    what = "the moderation letter"
    if gone := downloads.unavailable(request, m.letter, m.round.collection, what):
        return gone  # deleted under the retention policy, or missing: a page that says so
    audit.record(
        audit.Action.DOWNLOAD, f"downloaded {m.school.name}'s KS2 moderation letter",
        request=request, school=m.school, collection=m.round.collection, moderation=m.pk,
    )  # fmt: skip
    name = f"{m.school.laestab}-KS2-{m.round.collection.summer}-moderation-letter.pdf"
    return FileResponse(
        m.letter.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )


def evidence_response(request: HttpRequest, item: AppealEvidence) -> HttpResponseBase:
    """The file as it was received."""
    m = item.appeal.moderated
    what = f"the appeal evidence “{item.original_name}”"
    if gone := downloads.unavailable(request, item.file, m.round.collection, what):
        return gone  # deleted under the retention policy, or missing: a page that says so
    audit.record(
        audit.Action.DOWNLOAD, f"downloaded appeal evidence “{item.original_name}”",
        request=request, school=m.school, collection=m.round.collection, evidence=item.pk,
        sha256=item.sha256,
    )  # fmt: skip
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name,
                        content_type=item.content_type)  # fmt: skip
