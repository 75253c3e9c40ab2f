"""What the data team records of KS2 moderation: the summer's round and its appeal window, the
schools moderated, each school's visit, sample and changed judgements, and telling the school.

Every step is audited (AuditEvent MODERATE). A change to the judgements that stand remakes the
school's published reports (judgements.changed). Appeals are keystage.web.moderation.appeals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.http import HttpRequest

from keystage.codesets import codeset_for
from keystage.codesets.model import AssessmentType
from keystage.web.common import audit, clock
from keystage.web.models import (
    Collection,
    JudgementChange,
    ModeratedSchool,
    ModerationRound,
    School,
    User,
)
from keystage.web.moderation import judgements
from keystage.web.moderation.errors import ModerationError
from keystage.web.moderation.letters import send_letter
from keystage.web.moderation.pupils import pupil_in_school, school_judgement
from keystage.web.moderation.roles import KIND, moderated_roles

# -- The summer's round ------------------------------------------------------------------------


def round_for(collection: Collection) -> ModerationRound:
    if collection.kind != KIND:
        raise ModerationError(f"Moderation is recorded for KS2 only, not {collection.kind}")
    found, _ = ModerationRound.objects.get_or_create(
        collection=collection, defaults={"updated_at": clock.now()}
    )
    return found


def set_window(
    round_: ModerationRound, opens: dt.date, closes: dt.date, *, by: User,
    request: HttpRequest | None = None,
) -> None:  # fmt: skip
    if closes < opens:
        raise ModerationError("The appeal window must close on or after the day it opens")
    with transaction.atomic():
        round_.appeal_opens, round_.appeal_closes = opens, closes
        round_.updated_by, round_.updated_at = by, clock.now()
        round_.save()
        audit.record(
            audit.Action.MODERATE,
            f"set the appeal window: {opens:%d/%m/%Y} to {closes:%d/%m/%Y}",
            request=request, actor=by, collection=round_.collection,
            appeal_opens=opens.isoformat(), appeal_closes=closes.isoformat(),
        )  # fmt: skip


def choose_schools(
    round_: ModerationRound, chosen: Iterable[School], *, by: User,
    request: HttpRequest | None = None,
) -> tuple[list[School], list[School]]:  # fmt: skip
    """Makes the moderated schools exactly `chosen`; returns (added, removed). A school already
    told its outcome, or with changed judgements, cannot be taken off."""
    wanted = {s.pk: s for s in chosen}
    with transaction.atomic():
        held = {m.school_id: m for m in round_.schools.select_related("school")}
        removed = [m for pk, m in held.items() if pk not in wanted]
        for m in removed:
            _may_take_off(m)
        added = [s for pk, s in wanted.items() if pk not in held]
        now = clock.now()
        ModeratedSchool.objects.bulk_create(
            ModeratedSchool(round=round_, school=s, chosen_by=by, chosen_at=now) for s in added
        )
        ModeratedSchool.objects.filter(pk__in=[m.pk for m in removed]).delete()
        said = [(s, f"chose {s.name} for KS2 moderation") for s in added]
        said += [(m.school, f"took {m.school.name} off KS2 moderation") for m in removed]
        for school, what in said:
            audit.record(audit.Action.MODERATE, what, request=request, actor=by, school=school,
                         collection=round_.collection)  # fmt: skip
    return added, [m.school for m in removed]


def _may_take_off(m: ModeratedSchool) -> None:
    if m.notified_at or m.changes.exists():
        raise ModerationError(
            f"{m.school.name} cannot be taken off: it has changed judgements or has been "
            "told its outcome"
        )


# -- One school's record -----------------------------------------------------------------------


def _not_yet_told(moderated: ModeratedSchool) -> None:
    if moderated.notified_at is not None:
        raise ModerationError(
            f"{moderated.school.name} has been told its outcome: the record cannot change now. "
            "The head can appeal; the appeal's decision gives the final judgements."
        )


def record_visit(
    moderated: ModeratedSchool, *, moderator: str, visit_date: dt.date, sample: Iterable[str],
    outcome: str, notes: str, by: User, request: HttpRequest | None = None,
) -> None:  # fmt: skip
    """The moderator, the visit, the pupils sampled (UPNs in the school's data) and the outcome."""
    _not_yet_told(moderated)
    collection = moderated.round.collection
    upns = sorted(
        {pupil_in_school(collection, moderated.school, u).upn for u in sample}
        | set(moderated.changes.values_list("upn", flat=True))  # a changed pupil stays sampled
    )
    with transaction.atomic():
        moderated.moderator, moderated.visit_date = moderator.strip(), visit_date
        moderated.outcome, moderated.notes = outcome, notes.strip()
        moderated.recorded_by, moderated.recorded_at = by, clock.now()
        moderated.save()
        moderated.sample.exclude(upn__in=upns).delete()
        _sample(moderated, upns)
        audit.record(
            audit.Action.MODERATE,
            f"recorded the KS2 moderation visit of {moderated.school.name}: "
            f"{moderated.get_outcome_display().lower() or 'no outcome yet'}",
            request=request, actor=by, school=moderated.school, collection=collection,
            moderator=moderated.moderator, visit_date=visit_date.isoformat(), sample=upns,
            outcome=outcome,
        )  # fmt: skip


def _sample(moderated: ModeratedSchool, upns: Iterable[str]) -> None:
    held = set(moderated.sample.values_list("upn", flat=True))
    moderated.sample.bulk_create(
        moderated.sample.model(moderated=moderated, upn=u) for u in upns if u not in held
    )


def add_change(
    moderated: ModeratedSchool, *, upn: str, role: str, judgement: str, by: User,
    request: HttpRequest | None = None,
) -> JudgementChange:  # fmt: skip
    """A judgement the moderators changed: the pupil must be in the school's current data, the
    judgement a code the year's table allows for that assessment. The pupil joins the sample."""
    _not_yet_told(moderated)
    collection = moderated.round.collection
    codeset = codeset_for(collection.academic_year)
    kind = moderated_roles(codeset).get(role)
    if kind is None:
        raise ModerationError("Choose the assessment the moderators changed")
    record = pupil_in_school(collection, moderated.school, upn)
    judgement = _allowed(kind, judgement)
    theirs = school_judgement(record, role, codeset)
    if judgement == theirs:
        raise ModerationError(f"The school's judgement is already {theirs}: nothing changed")
    with transaction.atomic():
        change, _ = JudgementChange.objects.update_or_create(
            moderated=moderated, upn=record.upn, role=role,
            defaults={"school_judgement": theirs, "moderated_judgement": judgement,
                      "recorded_by": by, "recorded_at": clock.now()},
        )  # fmt: skip
        _sample(moderated, [record.upn])
        audit.record(
            audit.Action.MODERATE,
            f"changed {kind.label.lower()} for UPN {record.upn} from {theirs or 'none'} to "
            f"{judgement}",
            request=request, actor=by, school=moderated.school, collection=collection,
            upn=record.upn, role=role, school_judgement=theirs, moderated_judgement=judgement,
        )  # fmt: skip
        judgements.changed(moderated)
    return change


def _allowed(kind: AssessmentType, judgement: str) -> str:
    """The judgement as a code of the year's table for the assessment, or why it is not one."""
    judgement = judgement.strip().upper()
    if not judgement or judgement not in kind.results.codes:
        raise ModerationError(
            f"“{judgement}” is not a {kind.label.lower()} judgement. Use one of: "
            + ", ".join(sorted(kind.results.codes))
        )
    return judgement


def remove_change(change: JudgementChange, *, by: User, request: HttpRequest | None = None) -> None:
    moderated = change.moderated
    _not_yet_told(moderated)
    with transaction.atomic():
        audit.record(
            audit.Action.MODERATE,
            f"took back the change of {change.role} for UPN {change.upn} "
            f"({change.school_judgement or 'none'} to {change.moderated_judgement})",
            request=request, actor=by, school=moderated.school,
            collection=moderated.round.collection, upn=change.upn, role=change.role,
        )  # fmt: skip
        change.delete()
        judgements.changed(moderated)


# -- Telling the school ------------------------------------------------------------------------


def notify(moderated: ModeratedSchool, *, by: User, request: HttpRequest | None = None) -> None:
    """Releases the outcome to the school; a task makes the letter and emails the head."""
    if not moderated.ready_to_notify:
        raise ModerationError(
            f"Record the moderator, the visit date and the outcome for {moderated.school.name} "
            "before telling the school"
        )
    _not_yet_told(moderated)
    with transaction.atomic():
        moderated.notified_at, moderated.notified_by = clock.now(), by
        moderated.save(update_fields=["notified_at", "notified_by"])
        send_letter.enqueue(moderated.pk)
        audit.record(
            audit.Action.MODERATE,
            f"told {moderated.school.name} its KS2 moderation outcome: "
            f"{moderated.get_outcome_display().lower()}",
            request=request, actor=by, school=moderated.school,
            collection=moderated.round.collection, outcome=moderated.outcome,
            changes=moderated.changes.count(),
        )  # fmt: skip


def notify_ready(round_: ModerationRound, *, by: User, request: HttpRequest | None = None) -> int:
    """Tells every school of the round that is ready and not yet told; returns how many."""
    told = 0
    for m in round_.schools.select_related("school", "round__collection"):
        if m.notified_at is None and m.ready_to_notify:
            notify(m, by=by, request=request)
            told += 1
    return told
