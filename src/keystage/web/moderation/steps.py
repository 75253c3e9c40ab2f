"""Where each moderated school is, as the data team's pages say it."""

from __future__ import annotations

from typing import NamedTuple

from keystage.web.models import ModeratedSchool, ModerationRound

READY = "Ready to tell"


def step(m: ModeratedSchool) -> tuple[str, str]:
    """Where a moderated school is: (words, tag colour)."""
    appeal = getattr(m, "appeal", None)
    if appeal is not None:
        return ("Appeal decided", "green") if appeal.decided else ("Appealed", "red")
    if m.notified_at:
        return ("Told", "green") if m.letter_sent_at else ("Letter being made", "blue")
    if m.ready_to_notify:
        return READY, "yellow"
    return "To record", "grey"


class Row(NamedTuple):
    """A line of the summer's list: the school, its step and how many judgements changed."""

    moderated: ModeratedSchool
    step: tuple[str, str]
    changes: int


def rows(found: ModerationRound | None) -> list[Row]:
    if found is None:
        return []
    held = found.schools.select_related("school", "appeal").prefetch_related("changes")
    return [Row(m, step(m), len(m.changes.all())) for m in held]


def ready(listed: list[Row]) -> int:
    """How many schools are ready to be told."""
    return sum(1 for r in listed if r.step[0] == READY)
