"""What every report opens with: the school, the collection, the version of the school's data
it is made from, who made it and when."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from keystage.web.models import Collection, School
from keystage.web.submissions.sources import figures_source


def front(school: School, collection: Collection, title: str) -> dict[str, Any]:
    version = (
        figures_source(collection)
        .filter(school=school)
        .only("version", "checked_at", "uploaded_at")
        .first()
    )
    return {
        "title": f"{title}: {school.name}, {collection}",
        "heading": title,
        "school": school,
        "collection": collection,
        "version": version,
        "la_name": settings.LA_NAME,
        "made_at": timezone.localtime(),
    }
