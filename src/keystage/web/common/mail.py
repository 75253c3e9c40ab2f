"""Email to people: plain text from templates, links made absolute with KEYSTAGE_BASE_URL, and
every one ending with the same footer (email/footer.txt): who it is from, and the data team's
enquiries address and phone."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from keystage.web.common.context import names
from keystage.web.models import Role, School, User

FOOTER = "email/footer.txt"


def link(path: str) -> str:
    return settings.KEYSTAGE_BASE_URL + path


def school_addresses(school: School) -> list[str]:
    """The school's main address and its head's account address, once each."""
    found = [school.main_email]
    found += User.objects.filter(school=school, role=Role.HEAD, is_active=True).values_list(
        "email", flat=True
    )
    return sorted({a.strip().lower() for a in found if a and a.strip()})


def send(template: str, to: list[str], context: dict[str, Any]) -> int:
    """Sends one email from `email/<template>.txt`, whose first line is the subject."""
    if not to:
        return 0
    context = {**names(), **context}
    subject, _, body = render_to_string(f"email/{template}.txt", context).partition("\n")
    footer = render_to_string(FOOTER, context).strip()
    return send_mail(subject.strip(), f"{body.strip()}\n\n{footer}\n", None, to)
