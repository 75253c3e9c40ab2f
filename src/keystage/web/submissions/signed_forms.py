"""The signed confirmation form as a PDF, for the school's people and the LA to download, and
the receipt the school gets when it is signed.

The PDF is made when asked for, not kept: it is one page drawn from the Confirmation, which
never changes once signed (a newer version voids it, and the PDF then says so). The web process
renders it: WeasyPrint's first render in a process loads its fonts (some seconds), each one after
takes tens of milliseconds, which for a download a school makes a few times a year is cheaper
than a task, a stored file and a page to wait on.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse

from keystage.web.accounts import receipts
from keystage.web.common import clock, mail
from keystage.web.common.pdf import pdf_of
from keystage.web.models import Confirmation


def latest_for(submission_id: int) -> Confirmation | None:
    """The version's newest sign-off (standing or voided), with what the form shows."""
    return (
        Confirmation.objects.filter(submission_id=submission_id)
        .select_related("submission__school", "submission__collection", "signed_by", "voided_by")
        .order_by("-signed_at")
        .first()
    )


def pdf_response(confirmation: Confirmation) -> HttpResponse:
    version = confirmation.submission
    school, collection = version.school, version.collection
    html = render_to_string("reports/confirmation.html", {
        "title": f"Confirmation form: {collection.short_name}, {school.name}",
        "confirmation": confirmation, "version": version, "school": school,
        "collection": collection, "la_name": settings.LA_NAME,
        "service_name": settings.SERVICE_NAME, "signer": confirmation.signed_by.username,
        "signed_at": receipts.when(confirmation.signed_at), "made_on": clock.today(),
        "uploaded_at": receipts.when(version.uploaded_at),
    })  # fmt: skip
    pdf, _ = pdf_of(html)
    name = f"{school.number}-{collection.kind}-{collection.summer}-confirmation-v{version.version}"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


def send_receipt(confirmation: Confirmation) -> None:
    """The school's receipt for a signature: who signed which version, and the PDF's link."""
    version = confirmation.submission
    link = mail.link(reverse("portal:confirmation_pdf", args=[version.pk]))
    receipts.send("receipt_signed", version.school, {
        "confirmation": confirmation, "version": version, "collection": version.collection,
        "signer": confirmation.signed_by.username, "at": receipts.when(confirmation.signed_at),
        "pdf_link": link,
    })  # fmt: skip
