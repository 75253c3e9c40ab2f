"""Email to people: plain text from templates, links made absolute with KEYSTAGE_BASE_URL."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from keystage.web.models import Role, School, User


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
    context = {"la_name": settings.LA_NAME, "service_name": settings.SERVICE_NAME, **context}
    subject, _, body = render_to_string(f"email/{template}.txt", context).partition("\n")
    return send_mail(subject.strip(), body.strip() + "\n", None, to)
