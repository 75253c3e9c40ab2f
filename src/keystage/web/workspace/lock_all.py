"""Locking a collection for every school, with the data team's eyes open.

A lock stops a school uploading. Locking a school that is still fixing its file would leave the
LA with data nobody stood behind, so locking "every school" is asked in two steps: the data team
first sees every school not Submitted, each left out unless the officer chooses to lock it too
(a school locked so is "locked by decision": keystage.web.reports.publishable). The server keeps
to the same default: a school is locked without being Submitted only when the officer was shown
it and unticked "leave out" (a school that stopped being Submitted after the page was shown is
left out too). With nobody left out, one lock covers the whole collection (and schools added
later); otherwise each chosen school gets its own lock, each in the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from keystage.web.common.clock import today
from keystage.web.models import Collection, School, User
from keystage.web.submissions.locks import LockError, lock, locked_school_ids
from keystage.web.submissions.state import Standing, State, standings_for


@dataclass(frozen=True)
class Choice:
    """The schools a lock of the whole collection would touch, as the officer is shown them."""

    submitted: list[School]  # not locked yet, Submitted: locked
    not_submitted: list[tuple[School, Standing]]  # not locked yet: left out unless chosen
    already: int  # schools locked one by one before

    @property
    def ids_shown(self) -> list[int]:
        return [school.pk for school, _ in self.not_submitted]


def choice(collection: Collection) -> Choice:
    whole, one_by_one = locked_school_ids(collection)
    if whole:
        raise LockError("It is already locked.")
    schools = sorted(School.objects.all(), key=lambda s: (s.name.casefold(), s.laestab))
    standings = standings_for(collection, schools, today())
    open_ = [s for s in schools if s.pk not in one_by_one]
    return Choice(
        submitted=[s for s in open_ if standings[s.pk].step == State.SUBMITTED],
        not_submitted=[
            (s, standings[s.pk]) for s in open_ if standings[s.pk].step != State.SUBMITTED
        ],
        already=len(one_by_one),
    )


@dataclass(frozen=True)
class Locked:
    """What lock_all did."""

    submitted: list[School]
    by_decision: list[School]  # locked although not Submitted: the officer chose them
    left_out: list[School]
    whole: bool  # one lock for the whole collection

    @property
    def count(self) -> int:
        return len(self.submitted) + len(self.by_decision)


def lock_all(
    collection: Collection, by: User, *, shown: Iterable[int], left_out: Iterable[int]
) -> Locked:
    """Locks every Submitted school and each school not Submitted that the officer was shown
    and did not leave out; all of it or none of it."""
    chosen = set(shown) - set(left_out)
    with transaction.atomic():
        now = choice(collection)
        decided = [s for s, _ in now.not_submitted if s.pk in chosen]
        out = [s for s, _ in now.not_submitted if s.pk not in chosen]
        if not out:
            lock(collection, None, by)
        else:
            for school in [*now.submitted, *decided]:
                lock(collection, school, by)
    return Locked(now.submitted, decided, out, whole=not out)
