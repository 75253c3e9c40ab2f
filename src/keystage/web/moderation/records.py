"""KS2 moderation and appeals: what the data team records, what the head appeals, and how the
judgements that stand reach the figures.

The judgement that stands for a changed pupil and subject is the moderated one; once an appeal
is decided, the appeal's final judgement. `judgements_for` gives them for a collection in one
query and `overlay` puts them into a current record's data, so every figure made from
`keystage.web.results.pupils.current_records` (measures, the LA's results page, the reports and
exports) counts them. `state` changes with them, for the reports' fingerprints.

Every step is audited (AuditEvent MODERATE and APPEAL). A change to the judgements that stand
remakes the school's published reports.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from keystage.codesets import Codeset, codeset_for
from keystage.ctf.model import AssessmentKey, pupil_from_dict
from keystage.ctf.upn import is_valid
from keystage.web.common import audit, clock, events, mail
from keystage.web.models import (
    Appeal,
    AppealEvidence,
    Collection,
    JudgementChange,
    ModeratedSchool,
    ModerationRound,
    PupilRecord,
    Role,
    School,
    User,
)
from keystage.web.moderation.evidence import Evidence
from keystage.web.moderation.letters import send_letter
from keystage.web.moderation.roles import KIND, moderated_roles

Judgements = dict[tuple[int, str], dict[str, str]]  # (school id, UPN) -> role -> judgement


class ModerationError(ValueError):
    """Something the data team or a head asked for that cannot be done: the message says why."""


# -- The judgements that stand, and the figures ----------------------------------------------


def judgements_for(collection: Collection, school: School | None = None) -> Judgements:
    """Each changed pupil's judgements that stand: the moderated one, or the appeal's final."""
    if collection.kind != KIND:
        return {}
    rows = JudgementChange.objects.filter(moderated__round__collection=collection)
    if school is not None:
        rows = rows.filter(moderated__school=school)
    found: Judgements = {}
    for school_id, upn, role, moderated, final, decision in rows.values_list(
        "moderated__school_id", "upn", "role", "moderated_judgement", "final_judgement",
        "moderated__appeal__decision",
    ).order_by("pk"):  # fmt: skip
        stands = final if decision else moderated
        if stands:
            found.setdefault((school_id, upn), {})[role] = stands
    return found


def state(collection: Collection, school: School | None = None) -> str:
    """A digest of the judgements that stand ("" when none): what the figures were made from."""
    found = judgements_for(collection, school)
    if not found:
        return ""
    digest = hashlib.sha256()
    for (school_id, upn), roles in sorted(found.items()):
        for role, judgement in sorted(roles.items()):
            digest.update(f"{school_id}:{upn}:{role}={judgement};".encode())
    return digest.hexdigest()


def overlay(row: PupilRecord, judgements: Judgements, codeset: Codeset) -> PupilRecord:
    """The record with the judgements that stand in place of the school's (in memory only:
    the stored record keeps what the school sent)."""
    roles = judgements.get((row.submission.school_id, row.upn))
    if not roles:
        return row
    kept = [a for a in row.data.get("assessments", ()) if _role_of(a, codeset) not in roles]
    for role, judgement in roles.items():
        key = codeset.role(role).key
        kept.append({**key._asdict(), "result": judgement})
    row.data = {**row.data, "assessments": kept}
    return row


def _role_of(assessment: Mapping[str, Any], codeset: Codeset) -> str | None:
    key = AssessmentKey(*(str(assessment.get(f) or "") for f in AssessmentKey._fields))
    found = codeset.lookup(key)
    return found.role if found else None


# -- What may be moderated --------------------------------------------------------------------


def school_record(collection: Collection, school: School, upn: str) -> PupilRecord | None:
    """The pupil as the school's current version gives them (never moderated)."""
    return (
        PupilRecord.objects.filter(
            submission__collection=collection,
            submission__school=school,
            submission__is_current=True,
            upn=upn,
        )
        .select_related("submission")
        .first()
    )


def school_judgement(record: PupilRecord, role: str, codeset: Codeset) -> str:
    """The school's own latest result for the role, "" when it gave none."""
    found = ""
    for a in pupil_from_dict(record.data).assessments:
        kind = codeset.lookup(a)
        if a.result and kind is not None and kind.role == role:
            found = a.result  # the last, as the measures take it
    return found


def clean_upn(upn: str) -> str:
    return "".join(upn.split()).upper()


def pupil_in_school(collection: Collection, school: School, upn: str) -> PupilRecord:
    """The school's current record of a UPN, or ModerationError saying what is wrong."""
    upn = clean_upn(upn)
    if not upn:
        raise ModerationError("Enter the pupil's UPN")
    record = school_record(collection, school, upn)
    if record is None and not is_valid(upn):
        raise ModerationError(
            f"{upn} is not a UPN: a UPN is a letter, 11 digits and a last digit or letter, "
            "with the right check letter. Check it against the school's data"
        )
    if record is None:
        raise ModerationError(
            f"No pupil with UPN {upn} is in {school.name}'s current {collection.short_name} data"
        )
    return record


# -- The data team's records ------------------------------------------------------------------


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
            if m.notified_at or m.changes.exists():
                raise ModerationError(
                    f"{m.school.name} cannot be taken off: it has changed judgements or has been "
                    "told its outcome"
                )
        now = clock.now()
        added = [s for pk, s in wanted.items() if pk not in held]
        ModeratedSchool.objects.bulk_create(
            ModeratedSchool(round=round_, school=s, chosen_by=by, chosen_at=now) for s in added
        )
        ModeratedSchool.objects.filter(pk__in=[m.pk for m in removed]).delete()
        for school in added:
            audit.record(
                audit.Action.MODERATE,
                f"chose {school.name} for KS2 moderation",
                request=request,
                actor=by,
                school=school,
                collection=round_.collection,
            )
        for m in removed:
            audit.record(
                audit.Action.MODERATE,
                f"took {m.school.name} off KS2 moderation",
                request=request,
                actor=by,
                school=m.school,
                collection=round_.collection,
            )
    return added, [m.school for m in removed]


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
    kinds = moderated_roles(codeset)
    if role not in kinds:
        raise ModerationError("Choose the assessment the moderators changed")
    record = pupil_in_school(collection, moderated.school, upn)
    judgement = judgement.strip().upper()
    kind = kinds[role]
    if not judgement or judgement not in kind.results.codes:
        raise ModerationError(
            f"“{judgement}” is not a {kind.label.lower()} judgement. Use one of: "
            + ", ".join(sorted(kind.results.codes))
        )
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
        _remake_reports(moderated)
    return change


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
        _remake_reports(moderated)


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


def _remake_reports(moderated: ModeratedSchool) -> None:
    collection, school_id = moderated.round.collection, moderated.school_id

    transaction.on_commit(lambda: events.data_changed(collection, [school_id]))


# -- Appeals -----------------------------------------------------------------------------------


def may_appeal(moderated: ModeratedSchool, today: dt.date) -> str | None:
    """None when the head may appeal today; otherwise why not, in the head's words."""
    window = moderated.round
    if moderated.notified_at is None:
        return "You can appeal once the data team has told you the outcome of moderation."
    if hasattr(moderated, "appeal"):
        return "You have already appealed. The data team will tell you its decision."
    if window.appeal_opens is None or window.appeal_closes is None:
        return "The data team has not set the dates for appeals yet."
    if today < window.appeal_opens:
        return f"Appeals open on {window.appeal_opens:%A %-d %B %Y}. Come back then to appeal."
    if today > window.appeal_closes:
        return (
            f"Appeals closed on {window.appeal_closes:%A %-d %B %Y}. Contact the data team if "
            "you think your appeal should still be heard."
        )
    return None


def submit_appeal(
    moderated: ModeratedSchool, *, by: User, name: str, reasons: str, files: list[Evidence],
    today: dt.date, request: HttpRequest | None = None,
) -> Appeal:  # fmt: skip
    """The head's appeal with its evidence, stored as received; all of it or none of it."""
    if by.school_id != moderated.school_id or by.role != Role.HEAD:
        raise ModerationError("Only the school's head teacher can appeal")
    refused = may_appeal(moderated, today)
    if refused:
        raise ModerationError(refused)
    if not files:
        raise ModerationError("Choose at least one file of evidence")
    stored: list[AppealEvidence] = []
    try:
        with transaction.atomic():
            ModeratedSchool.objects.select_for_update().filter(pk=moderated.pk).first()
            if Appeal.objects.filter(moderated=moderated).exists():
                raise ModerationError("You have already appealed.")
            now = clock.now()
            appeal = Appeal.objects.create(
                moderated=moderated, submitted_by=by, submitter_name=name.strip(),
                reasons=reasons.strip(), submitted_at=now,
            )  # fmt: skip
            for found in files:
                item = AppealEvidence(
                    appeal=appeal, original_name=found.name, content_type=found.content_type,
                    sha256=found.sha256, size=found.size, uploaded_at=now,
                )  # fmt: skip
                stored.append(item)
                item.file.save(found.name, found.upload, save=False)
                item.save()
            audit.record(
                audit.Action.APPEAL,
                f"appealed the KS2 moderation of {moderated.school.name} with "
                f"{len(files)} file{'s' if len(files) != 1 else ''} of evidence",
                request=request, actor=by, school=moderated.school,
                collection=moderated.round.collection, appeal=appeal.pk,
                evidence=[{"name": f.name, "sha256": f.sha256, "size": f.size} for f in files],
            )  # fmt: skip
            _tell(moderated, "moderation_appeal_received", appeal=appeal)
    except BaseException:
        for item in stored:
            if item.file.name:
                item.file.storage.delete(item.file.name)
        raise
    return appeal


def record_review(
    appeal: Appeal, *, notes: str, on: dt.date, by: User, request: HttpRequest | None = None
) -> None:
    if appeal.decided:
        raise ModerationError("This appeal is decided: its review cannot change now")
    if on < timezone.localdate(appeal.submitted_at):
        raise ModerationError("The review cannot be before the appeal was made")
    with transaction.atomic():
        appeal.review_notes, appeal.reviewed_on, appeal.reviewed_by = notes.strip(), on, by
        appeal.save(update_fields=["review_notes", "reviewed_on", "reviewed_by"])
        moderated = appeal.moderated
        audit.record(
            audit.Action.APPEAL,
            f"recorded the review of {moderated.school.name}'s appeal ({on:%d/%m/%Y})",
            request=request, actor=by, school=moderated.school,
            collection=moderated.round.collection, appeal=appeal.pk, reviewed_on=on.isoformat(),
        )  # fmt: skip


def decide(
    appeal: Appeal, *, decision: str, finals: Mapping[int, str], notes: str, on: dt.date,
    by: User, request: HttpRequest | None = None,
) -> None:  # fmt: skip
    """The final decision: upheld restores the school's judgements, not upheld keeps the
    moderated ones, partly upheld takes a final judgement for each change (change id -> code)."""
    if appeal.decided:
        raise ModerationError("This appeal is already decided")
    if appeal.reviewed_on is None:
        raise ModerationError("Record the review before the decision")
    if on < appeal.reviewed_on:
        raise ModerationError("The decision cannot be before the review")
    moderated = appeal.moderated
    codeset = codeset_for(moderated.round.collection.academic_year)
    kinds = moderated_roles(codeset)
    changes = list(moderated.changes.all())
    for change in changes:
        if decision == Appeal.Decision.UPHELD:
            change.final_judgement = change.school_judgement
        elif decision == Appeal.Decision.NOT_UPHELD:
            change.final_judgement = change.moderated_judgement
        elif decision == Appeal.Decision.PARTLY:
            final = finals.get(change.pk, "")
            if final not in kinds[change.role].results.codes:
                raise ModerationError(f"Choose the final judgement for UPN {change.upn}")
            change.final_judgement = final
        else:
            raise ModerationError("Choose the decision")
    if decision not in Appeal.Decision.values:
        raise ModerationError("Choose the decision")
    with transaction.atomic():
        JudgementChange.objects.bulk_update(changes, ["final_judgement"])
        appeal.decision, appeal.decision_notes = decision, notes.strip()
        appeal.decided_on, appeal.decided_by, appeal.decided_at = on, by, clock.now()
        appeal.save()
        audit.record(
            audit.Action.APPEAL,
            f"decided {moderated.school.name}'s appeal: {appeal.get_decision_display().lower()}",
            request=request, actor=by, school=moderated.school,
            collection=moderated.round.collection, appeal=appeal.pk, decision=decision,
            decided_on=on.isoformat(),
            finals={f"{c.upn} {c.role}": c.final_judgement for c in changes},
        )  # fmt: skip
        _tell(moderated, "moderation_appeal_decided", appeal=appeal)
        _remake_reports(moderated)


def _tell(moderated: ModeratedSchool, template: str, **context: Any) -> None:
    """Emails the school's head and main address once the step is stored."""
    url = mail.link(reverse("portal:moderation", args=[moderated.pk]))
    to = mail.school_addresses(moderated.school)
    values = {"school": moderated.school, "collection": moderated.round.collection,
              "url": url, **context}  # fmt: skip
    transaction.on_commit(lambda: mail.send(template, to, values))
