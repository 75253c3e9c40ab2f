"""What every page and every email says about who runs the service and whom to ask."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def names() -> dict[str, str]:
    """The council's and the service's names; the data team's enquiries address and phone
    (KEYSTAGE_ENQUIRIES_EMAIL, KEYSTAGE_ENQUIRIES_PHONE), for the footer of every page and
    every email, and for the pages that say who to ask."""
    return {
        "la_name": settings.LA_NAME,
        "service_name": settings.SERVICE_NAME,
        "enquiries_email": settings.ENQUIRIES_EMAIL,
        "enquiries_phone": settings.ENQUIRIES_PHONE,
    }


def service(request: HttpRequest) -> dict[str, Any]:
    """The context processor: the same names on every page."""
    return names()
