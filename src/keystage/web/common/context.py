from typing import Any

from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict[str, Any]:
    """The council's name and the service name, for the header and page titles; the data
    team's address, for the pages that say who to ask."""
    return {
        "la_name": settings.LA_NAME,
        "service_name": settings.SERVICE_NAME,
        "data_team_email": settings.DEFAULT_FROM_EMAIL,
    }
