"""Locking a collection, or one school in it, once the data team has checked it."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from keystage.web.common import clock
from keystage.web.common.audit import Action, record
from keystage.web.models import Collection, Lock, School, User


class LockError(ValueError):
    """A lock or unlock that cannot be done: the message is for the data team."""


def active_lock(collection: Collection, school: School | None) -> Lock | None:
    """The lock that stops this school (or, with no school, the whole collection)."""
    scope = Q(school__isnull=True) | Q(school=school) if school else Q(school__isnull=True)
    return (
        Lock.objects.filter(scope, collection=collection, unlocked_at__isnull=True)
        .select_related("school")
        .first()
    )


def locked_school_ids(collection: Collection) -> tuple[bool, set[int]]:
    """(whole collection locked?, ids of schools locked one by one), in one query."""
    rows = list(
        Lock.objects.filter(collection=collection, unlocked_at__isnull=True).values_list(
            "school_id", flat=True
        )
    )
    return (None in rows, {r for r in rows if r is not None})


def lock(collection: Collection, school: School | None, by: User) -> Lock:
    with transaction.atomic():
        if Lock.objects.filter(
            collection=collection, school=school, unlocked_at__isnull=True
        ).exists():
            raise LockError("It is already locked.")
        made = Lock.objects.create(
            collection=collection, school=school, locked_by=by, locked_at=clock.now()
        )
        record(Action.LOCK, _what("locked", collection, school), actor=by, school=school,
               collection=collection)  # fmt: skip
    return made


def unlock(collection: Collection, school: School | None, by: User, reason: str) -> Lock:
    reason = reason.strip()
    if not reason:
        raise LockError("Enter why you are unlocking it")
    with transaction.atomic():
        held = (
            Lock.objects.select_for_update()
            .filter(collection=collection, school=school, unlocked_at__isnull=True)
            .first()
        )
        if held is None:
            raise LockError("It is not locked.")
        held.unlocked_by, held.unlocked_at, held.unlock_reason = by, clock.now(), reason
        held.save(update_fields=["unlocked_by", "unlocked_at", "unlock_reason"])
        record(Action.UNLOCK, _what("unlocked", collection, school) + f": {reason}", actor=by,
               school=school, collection=collection, reason=reason)  # fmt: skip
    return held


def _what(verb: str, collection: Collection, school: School | None) -> str:
    return f"{verb} {collection.short_name}" + (
        f" for {school.name}" if school else " for every school"
    )
