"""The judgements that stand after KS2 moderation, and how they reach the figures.

The judgement that stands for a changed pupil and subject is the moderated one; once an appeal
is decided, the appeal's final judgement. `judgements_for` gives them for a collection in one
query and `overlay` puts them into a current record's data, so every figure made from
`keystage.web.results.pupils.current_records` (measures, the LA's results page, the reports and
exports) counts them. `state` changes with them, for the reports' fingerprints; `changed`
tells the reports when they do.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from keystage.codesets import Codeset
from keystage.ctf.model import AssessmentKey
from keystage.web.common import events
from keystage.web.models import Collection, JudgementChange, ModeratedSchool, PupilRecord, School
from keystage.web.moderation.roles import KIND

Judgements = dict[tuple[int, str], dict[str, str]]  # (school id, UPN) -> role -> judgement


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


def changed(moderated: ModeratedSchool) -> None:
    """The school's judgements that stand changed: once stored, its published reports are made
    again (keystage.web.common.events)."""
    collection, school_id = moderated.round.collection, moderated.school_id
    transaction.on_commit(lambda: events.data_changed(collection, [school_id]))
