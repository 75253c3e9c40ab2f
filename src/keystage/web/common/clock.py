"""One clock for everything a person reads or a deadline is compared with: the real time, or
the demo's.

The demo (`keystage serve`) sets KEYSTAGE_TODAY: on the day serve starts it is that date, at
the real time of day, and from then on it moves with real time, so a head who signs a week
before the deadline is told so, and a timestamp never falls on a day the deadlines have not
reached. serve records the real day it started (KEYSTAGE_CLOCK_STARTED) for its worker, so
both processes agree across midnight. Without KEYSTAGE_TODAY the clock is the real one.

What only machines compare (task scheduling, retries, workers' heartbeats, the health check)
keeps Django's real clock: `test_one_clock` lists those modules.
"""

from __future__ import annotations

import datetime as dt
import os

from django.utils import timezone

STARTED = "KEYSTAGE_CLOCK_STARTED"


def now() -> dt.datetime:
    return timezone.now() + offset()


def today() -> dt.date:
    return timezone.localtime(now()).date()


def offset() -> dt.timedelta:
    """How far the demo's clock is ahead of (or behind) the real one: whole days."""
    fixed = os.environ.get("KEYSTAGE_TODAY")
    if not fixed:
        return dt.timedelta(0)
    started = os.environ.get(STARTED)
    real_start = dt.date.fromisoformat(started) if started else timezone.localdate()
    return dt.date.fromisoformat(fixed) - real_start


def start() -> None:
    """Marks the real day the demo's clock starts, for this process and those it starts."""
    os.environ.setdefault(STARTED, timezone.localdate().isoformat())
