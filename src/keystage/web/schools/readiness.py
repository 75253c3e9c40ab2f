"""Whether the heads of the schools a collection expects are ready for its window: each has an
account, it is on, and they have signed in at least once. The LA looks before a window opens
and sends the invitations again to those who have not signed in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from keystage.web.common.clock import today
from keystage.web.models import Collection, Role, School, User
from keystage.web.schools.expected import expected_school_ids


@dataclass(frozen=True)
class HeadAccount:
    """One expected school's head teacher's account, as it stands."""

    school: School
    account: User | None

    @property
    def ready(self) -> bool:
        return self.account is not None and self.account.is_active and self.signed_in

    @property
    def signed_in(self) -> bool:
        return self.account is not None and self.account.last_login is not None

    @property
    def invited_at(self) -> dt.datetime | None:
        return self.account.invited_at if self.account else None


def coming() -> Collection | None:
    """The window the LA gets ready for: the one open now, else the next to open."""
    return Collection.objects.filter(closes__gte=today()).order_by("opens", "kind").first()


def heads_for(collection: Collection) -> list[HeadAccount]:
    """The head of each school the collection expects, by school name."""
    wanted = expected_school_ids(collection)
    schools = School.objects.filter(pk__in=wanted).order_by("name", "urn")
    accounts = {a.username: a for a in User.objects.filter(role=Role.HEAD, school__in=wanted)}
    return [HeadAccount(s, accounts.get(s.urn)) for s in schools]


def not_signed_in(heads: list[HeadAccount]) -> list[User]:
    """The accounts an invitation can go to again: on, and never signed in."""
    return [h.account for h in heads if h.account and h.account.is_active and not h.signed_in]
