"""How long each collection is kept: the date the LA sets, after which the purge removes its
pupils' names, dates of birth and files (keystage.web.privacy.retention)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest

from keystage.web.common.audit import Action, record
from keystage.web.models import Collection


def state(collection: Collection, today: dt.date) -> str:
    """Where the collection is, in the words of the LA's retention page."""
    if collection.purged_at is not None:
        return f"Removed on {collection.purged_at:%-d %B %Y}"
    if collection.retain_until is None:
        return "Kept: no date set"
    if collection.retain_until < today:
        return "Due: removed at the next purge"
    return "Kept"


def keep_until(
    collection: Collection, chosen: dt.date | None, request: HttpRequest | None = None
) -> str:
    """Sets the date (None: kept with no date), audited; returns the date in words."""
    before = collection.retain_until
    collection.retain_until = chosen
    collection.save(update_fields=["retain_until"])
    said = f"{chosen:%-d %B %Y}" if chosen else "no date (kept)"
    record(
        Action.RETENTION, f"set {collection.short_name} to be kept until {said}",
        request=request, collection=collection,
        retain_until=chosen.isoformat() if chosen else None,
        before=before.isoformat() if before else None,
    )  # fmt: skip
    return said
