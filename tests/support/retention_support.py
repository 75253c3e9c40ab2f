"""The retention tests' purge, run as cron runs it, and the day after a collection's date."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command

from keystage.web.models import Collection


def purge(*args: str) -> str:
    """`keystage manage purge` with these arguments; what it said."""
    out = io.StringIO()
    call_command("purge", *args, stdout=out)
    return out.getvalue()


def after(collection: Collection, days: int = 1) -> str:
    """The day `days` after the collection's retention date, as the purge's --today takes it."""
    assert collection.retain_until is not None
    return (collection.retain_until + dt.timedelta(days=days)).isoformat()
