"""A head signs the confirmation form, as the page takes it (tests of what signing sets off)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from portal_support import PASSWORD, signed_in

from keystage.web.models import Collection, Confirmation, School, User


def sign(school: School, collection: Collection, capture: Any = None) -> Confirmation:
    """The school's head signs its current version through the confirmation page; with
    `capture` (pytest-django's django_capture_on_commit_callbacks) what signing queues runs."""
    head = signed_in(User.objects.get(username=school.urn))
    if capture is None:
        _post(head, collection)
    else:
        with capture(execute=True):
            _post(head, collection)
    return Confirmation.objects.get(
        submission__school=school, submission__collection=collection, voided_at__isnull=True
    )


def _post(head: Client, collection: Collection) -> None:
    response = head.post(
        f"/collections/{collection.pk}/confirm/",
        {"signer_name": "Ada Head", "signer_role": "Head teacher", "responsible": "Y2 team",
         "moderation_done": "on", "outcomes_agreed": "on", "password": PASSWORD},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
