"""Today's date for deadlines: the real one, or a fixed demo date (KEYSTAGE_TODAY)."""

from __future__ import annotations

import datetime as dt
import os

from django.utils import timezone


def today() -> dt.date:
    fixed = os.environ.get("KEYSTAGE_TODAY")
    return dt.date.fromisoformat(fixed) if fixed else timezone.localdate()
