"""Files held for the LA: too many of their pupils are in other schools' returns (see
cross_school). The data team looks at one and lets it through, to be checked in the usual way
(queries and all), or refuses it; the school hears which by email. Until then it is nobody's
current version, so no page, figure, report or export sees its pupils.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from keystage.web.common import audit, clock, mail
from keystage.web.models import Collection, PupilRecord, Submission, User
from keystage.web.submissions.tasks import check_upload


@dataclass(frozen=True)
class Match:
    """One pupil of a held file and the other schools' current records of the same UPN, for
    the data team to compare (the school is never shown this)."""

    record: PupilRecord
    elsewhere: list[PupilRecord]  # record.submission.school is loaded

    @property
    def same_dob(self) -> bool:
        return all(r.dob == self.record.dob for r in self.elsewhere) and bool(self.record.dob)


def matches(version: Submission) -> list[Match]:
    """The held version's pupils that other schools' current files also have. Two queries."""
    own = {r.upn: r for r in version.pupil_set.exclude(upn="")}
    others = (
        PupilRecord.objects.filter(
            upn__in=list(own),
            submission__collection_id=version.collection_id,
            submission__is_current=True,
        )
        .exclude(submission__school_id=version.school_id)
        .select_related("submission__school")
        .order_by("submission__school__name")
    )
    elsewhere: dict[str, list[PupilRecord]] = {}
    for record in others:
        elsewhere.setdefault(record.upn, []).append(record)
    return [Match(own[upn], found) for upn, found in sorted(elsewhere.items())]


@dataclass(frozen=True)
class Held:
    version: Submission
    matches: list[Match]  # its pupils in other schools' current files now

    @property
    def same_child(self) -> int:
        """Of them, how many with the same date of birth too."""
        return sum(1 for m in self.matches if m.same_dob)


def held_in(collection: Collection) -> list[Held]:
    """The collection's versions waiting for the LA, oldest first."""
    waiting = Submission.objects.filter(
        collection=collection, status=Submission.Status.HELD
    ).select_related("school", "uploaded_by")
    return [Held(v, matches(v)) for v in waiting.order_by("uploaded_at", "pk")]


def release(version: Submission, *, by: User, request: HttpRequest | None = None) -> bool:
    """Checked again, not held a second time: it may then become current and raise its queries
    as any version does. False when the version is not held (already dealt with)."""
    with transaction.atomic():
        changed = Submission.objects.filter(pk=version.pk, status=Submission.Status.HELD).update(
            status=Submission.Status.RECEIVED,
            hold_released=True,
            attempts=0,
            checked_at=None,
            released_at=clock.now(),  # received now: it takes no earlier place (cross_school)
        )
        if not changed:
            return False
        check_upload.enqueue(version.pk)  # in the transaction: queued only if released
        _record(version, "let through", by, request)
    transaction.on_commit(lambda: _tell(version, released=True, reason=""))
    return True


def refuse(
    version: Submission, reason: str, *, by: User, request: HttpRequest | None = None
) -> bool:
    """Refused for good: kept for the record, never current. False when not held."""
    said = reason.strip()  # the data team's own words, if any: the school is told no more
    with transaction.atomic():
        changed = Submission.objects.filter(pk=version.pk, status=Submission.Status.HELD).update(
            status=Submission.Status.REFUSED,
            refusal_code="",
            refusal_message=" ".join(("The data team did not accept this file.", said)).strip(),
            checked_at=clock.now(),
        )
        if not changed:
            return False
        _record(version, "refused", by, request)
    transaction.on_commit(lambda: _tell(version, released=False, reason=said))
    return True


def _record(version: Submission, done: str, by: User, request: HttpRequest | None) -> None:
    audit.record(
        audit.Action.HOLD,
        f"{done} version {version.version} of {version.school.name}'s file, held because "
        "many of its pupils are in other schools' returns",
        request=request, actor=by, school=version.school, collection=version.collection,
        submission=version.pk, outcome=done,
    )  # fmt: skip


def _tell(version: Submission, *, released: bool, reason: str) -> None:
    url = mail.link(reverse("portal:submission", args=[version.pk]))
    context = {"version": version, "released": released, "reason": reason, "url": url}
    mail.send("file_held", mail.school_addresses(version.school), context)
