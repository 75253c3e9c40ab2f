"""The LA's guidance for schools on a collection (models.Guidance): read and saved with who
changed it last and when, which the data team's page shows."""

from __future__ import annotations

from keystage.web.common import clock
from keystage.web.models import Collection, Guidance, User


def guidance_of(collection: Collection) -> Guidance:
    """The collection's guidance; a blank one, not yet saved, if the LA has written none."""
    found = Guidance.objects.filter(collection=collection).select_related("updated_by").first()
    return found or Guidance(collection=collection)


def save(guidance: Guidance, *, by: User) -> None:
    guidance.updated_by, guidance.updated_at = by, clock.now()
    guidance.save()
