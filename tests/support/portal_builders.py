"""Keyword-default builders of the portal's records for tests: every builder gives a record the
portal takes as real (an open window, a head who can sign in, a version fit to sign), and a test
overrides only what it is about.

    ks1 = make_window("KS1")
    version = make_submission(school, ks1, checked=True)
    make_confirmation(version, signer_name="Ada Head")
    officer = make_officer()  # two-factor set up: the LA's pages require it

Records are made directly, not through the services: no audit event, no email, no task. A test
about what a service does goes through the service (or the pages) instead. Import as
`from portal_builders import ...` (tests/support is on pytest's pythonpath).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone
from portal_support import make_user

from keystage.ctf import upn as upns
from keystage.web.models import (
    Answer,
    Appeal,
    AppealEvidence,
    Collection,
    Confirmation,
    FindingRecord,
    Lock,
    ModeratedSchool,
    ModerationRound,
    MoveDecision,
    Publication,
    PupilRecord,
    QueryMessage,
    Report,
    Role,
    School,
    Submission,
    TeamQuery,
    UnattributedFile,
    User,
    WorkerHeartbeat,
)

PDF = b"%PDF-1.7 test"


def _stored(record: models.Model, field: str, name: str, content: bytes) -> None:
    """Stores `content` as the record's file, as the portal's storage would, and saves it."""
    getattr(record, field).save(name, ContentFile(content), save=True)


# -- Windows and schools -------------------------------------------------------------------------


def make_window(
    kind: str = "KS1", *, academic_year: str = "2025-26", today: dt.date | None = None,
    **overrides: Any,
) -> Collection:  # fmt: skip
    """A collection window open today: opened 20 days ago, due in a week, closing in three."""
    today = today or timezone.localdate()
    fields: dict[str, Any] = {"kind": kind, "academic_year": academic_year,
                              "opens": today - dt.timedelta(days=20),
                              "deadline": today + dt.timedelta(days=7),
                              "closes": today + dt.timedelta(days=21)}  # fmt: skip
    return Collection.objects.create(**(fields | overrides))


def make_school(**overrides: Any) -> School:
    """An open primary school of LA 330 (ages 4 to 11) that no synthetic register uses."""
    fields: dict[str, Any] = {"laestab": "3309999", "urn": "199999",
                              "name": "Meadow Lane Primary", "phase": "Primary",
                              "low_age": 4, "high_age": 11,
                              "main_email": "office@meadowlane.example"}  # fmt: skip
    return School.objects.create(**(fields | overrides))


# -- People --------------------------------------------------------------------------------------


def make_head(school: School, **extra: Any) -> User:
    """The school's head teacher: signs in with the URN, at the school's main address."""
    extra.setdefault("email", school.main_email)
    return make_user(school.urn, Role.HEAD, school=school, **extra)


def make_staff(
    school: School, email: str = "staff@school.example", *, username: str | None = None,
    **extra: Any,
) -> User:  # fmt: skip
    """A member of the school's staff, named by their email address as the head's page names
    them; `can_sign=True` for one the head has allowed to sign."""
    return make_user(username or email, Role.STAFF, school=school, email=email, **extra)


def make_officer(username: str = "data.officer", **extra: Any) -> User:
    """A member of the LA's data team, two-factor sign-in set up (see `_la_user`)."""
    return _la_user(username, Role.LA_DATA, **extra)


def make_admin(username: str = "la.admin", *, superuser: bool = False, **extra: Any) -> User:
    """An LA administrator; `superuser` also lets them into Django's admin."""
    if superuser:
        extra |= {"is_staff": True, "is_superuser": True}
    return _la_user(username, Role.LA_ADMIN, **extra)


def _la_user(
    username: str, role: str, *, email: str | None = None, two_factor: bool = True,
    secret: str | None = None, **extra: Any,
) -> User:  # fmt: skip
    """An LA account at username@la.example. The LA's pages require two-factor sign-in, so it is
    set up unless `two_factor=False`; give `secret` when the test types the codes itself."""
    email = f"{username}@la.example" if email is None else email
    person = make_user(username, role, email=email, **extra)
    if two_factor:
        TOTP.activate(person, secret or generate_totp_secret())
    return person


def head_of(school: School) -> User:
    return User.objects.get(username=school.urn)


# -- What a school sends, and its sign-off ---------------------------------------------------------


def make_submission(
    school: School, collection: Collection, *, checked: bool = False, **overrides: Any
) -> Submission:
    """A version of the school's file as stored when it was received, numbered after the
    school's last. `checked`: checked with nothing found, and the current version. The record
    only: no pupils (make_pupil_record) and no file on disk."""
    now = timezone.now()
    earlier = Submission.objects.filter(school=school, collection=collection)
    fields: dict[str, Any] = {"version": earlier.count() + 1, "original_name": "return.xml",
                              "sha256": "0" * 64, "size": 1, "uploaded_at": now}  # fmt: skip
    if checked:
        earlier.filter(is_current=True).update(is_current=False)
        fields |= {"status": Submission.Status.CHECKED, "is_current": True, "checked_at": now}
    return Submission.objects.create(school=school, collection=collection, **(fields | overrides))


def make_pupil_record(submission: Submission, **overrides: Any) -> PupilRecord:
    """A pupil of the version, with a valid UPN no synthetic school gives."""
    fields: dict[str, Any] = {"upn": upns.make("330", "9999", 19, 1), "surname": "Smith",
                              "forename": "Ada"}  # fmt: skip
    return PupilRecord.objects.create(submission=submission, **(fields | overrides))


def make_finding(submission: Submission, **overrides: Any) -> FindingRecord:
    """A query from the checks (DOB-RANGE); `upn=` and `pupil=` for the pupil it is about."""
    message = "Date of birth outside the range for the year group."
    fields: dict[str, Any] = {"code": "DOB-RANGE", "severity": "query", "message": message}
    return FindingRecord.objects.create(submission=submission, **(fields | overrides))


def make_answer(submission: Submission, *, code: str, upn: str = "", **overrides: Any) -> Answer:
    """The school's explanation of a query on this version."""
    fields: dict[str, Any] = {"text": "Checked", "answered_at": timezone.now()}
    return Answer.objects.create(
        school=submission.school, collection=submission.collection, upn=upn, code=code,
        first_submission=submission, **(fields | overrides),
    )  # fmt: skip


def make_answers(submission: Submission, *, text: str = "Checked", by: User | None = None) -> None:
    """Answers every query of the version, as its head would (a query that recurs in another
    pupil's record is answered once): nothing is left to keep it from being signed."""
    answer = {"text": text, "answered_by": by or head_of(submission.school),
              "answered_at": timezone.now(), "first_submission": submission}  # fmt: skip
    for query in submission.finding_set.filter(severity="query"):
        Answer.objects.get_or_create(
            school=submission.school, collection=submission.collection, upn=query.upn,
            code=query.code, defaults=answer,
        )  # fmt: skip


def make_confirmation(submission: Submission, **overrides: Any) -> Confirmation:
    """The head's signed confirmation of the version, every box ticked."""
    fields: dict[str, Any] = {"signer_name": "Ada Head", "signer_role": "Head teacher",
                              "responsible": "Year 2: Mr Brown", "moderation_done": True,
                              "outcomes_agreed": True, "signed_at": timezone.now()}  # fmt: skip
    overrides.setdefault("signed_by", head_of(submission.school))
    return Confirmation.objects.create(submission=submission, **(fields | overrides))


# -- The data team's records -----------------------------------------------------------------------


def make_lock(collection: Collection, *, by: User, school: School | None = None) -> Lock:
    """The collection locked for every school, or for `school` alone."""
    return Lock.objects.create(
        collection=collection, school=school, locked_by=by, locked_at=timezone.now()
    )


def make_query(
    school: School, collection: Collection, *, by: User, subject: str = "Pupil count",
    body: str = "Your file has fewer pupils than the census.", **overrides: Any,
) -> TeamQuery:  # fmt: skip
    """A data-team query, open, with its first message; on the school's current version if it
    has one (`upn=` for a query about one of its pupils)."""
    current = Submission.objects.filter(school=school, collection=collection, is_current=True)
    fields: dict[str, Any] = {"submission": current.first(), "raised_at": timezone.now()}
    query = TeamQuery.objects.create(
        school=school, collection=collection, subject=subject, raised_by=by,
        **(fields | overrides),
    )  # fmt: skip
    QueryMessage.objects.create(query=query, author=by, body=body, sent_at=query.raised_at)
    return query


def make_move_decision(
    collection: Collection, upn: str, *, by: User, school: School | None, **overrides: Any
) -> MoveDecision:
    """The data team's decision on a pupil in two schools' files: `school` reports them (None:
    they are different children)."""
    fields: dict[str, Any] = {"suggested": False, "decided_at": timezone.now()}
    return MoveDecision.objects.create(
        collection=collection, upn=upn, school=school, decided_by=by, **(fields | overrides)
    )


def make_publication(collection: Collection, *, by: User) -> Publication:
    return Publication.objects.create(
        collection=collection, published_by=by, published_at=timezone.now()
    )


def make_report(
    school: School, collection: Collection, *, made_from: Submission, kind: str = "school",
    content: bytes = PDF, **overrides: Any,
) -> Report:  # fmt: skip
    """A school's report (`kind` school or pupil), its PDF stored."""
    fields: dict[str, Any] = {"version": 1, "sha256": "0" * 64, "size": len(content),
                              "data_fingerprint": "x", "made_at": timezone.now()}  # fmt: skip
    report = Report(school=school, collection=collection, kind=kind, made_from=made_from,
                    **(fields | overrides))  # fmt: skip
    _stored(report, "file", f"{kind}.pdf", content)
    return report


def make_unattributed(*, content: bytes | None = b"<CTF", **overrides: Any) -> UnattributedFile:
    """A file imported from secure transfer that names no school we know, stored as received
    (`content=None` with `file=`: the record only, naming a file nobody wrote)."""
    fields: dict[str, Any] = {"original_name": "from-sftp.xml", "sha256": "1" * 64,
                              "size": 1 if content is None else len(content),
                              "channel": "import", "reason": "unknown school",
                              "received_at": timezone.now()}  # fmt: skip
    if content is None:
        return UnattributedFile.objects.create(**(fields | overrides))
    unattributed = UnattributedFile(**(fields | overrides))
    _stored(unattributed, "file", "from-sftp.dat", content)
    return unattributed


# -- KS2 moderation ------------------------------------------------------------------------------


def make_moderation_round(collection: Collection, **overrides: Any) -> ModerationRound:
    """A KS2 collection's moderation round; no appeal window unless `appeal_opens` and
    `appeal_closes` say so."""
    return ModerationRound.objects.create(
        collection=collection, **({"updated_at": timezone.now()} | overrides)
    )


def make_moderation(
    school: School, collection: Collection, *, letter: bytes | None = None, **overrides: Any
) -> ModeratedSchool:
    """The school chosen for moderation in the collection's round (made if it has none) and
    told; `letter`: the letter sent, its PDF stored."""
    now = timezone.now()
    round_ = ModerationRound.objects.filter(collection=collection).first()
    round_ = round_ or make_moderation_round(collection)
    fields: dict[str, Any] = {"chosen_at": now, "notified_at": now}
    if letter is not None:
        fields |= {"letter_sha256": "2" * 64, "letter_size": len(letter), "letter_sent_at": now}
    moderated = ModeratedSchool.objects.create(round=round_, school=school, **(fields | overrides))
    if letter is not None:
        _stored(moderated, "letter", "letter.pdf", letter)
    return moderated


def make_appeal(moderated: ModeratedSchool, **overrides: Any) -> Appeal:
    """The head's appeal against the moderation."""
    fields: dict[str, Any] = {"submitted_by": head_of(moderated.school),
                              "submitter_name": "Ada Head", "reasons": "We disagree",
                              "submitted_at": timezone.now()}  # fmt: skip
    return Appeal.objects.create(moderated=moderated, **(fields | overrides))


def make_evidence(appeal: Appeal, *, content: bytes = PDF, **overrides: Any) -> AppealEvidence:
    """A PDF sent with the appeal, stored as received."""
    fields: dict[str, Any] = {"original_name": "work.pdf", "content_type": "application/pdf",
                              "sha256": "3" * 64, "size": len(content),
                              "uploaded_at": timezone.now()}  # fmt: skip
    evidence = AppealEvidence(appeal=appeal, **(fields | overrides))
    _stored(evidence, "file", str(evidence.original_name), content)
    return evidence


# -- Workers -------------------------------------------------------------------------------------


def make_heartbeat(
    worker_id: str, *, seconds_ago: float = 0, started_minutes_ago: float = 60, **overrides: Any
) -> WorkerHeartbeat:
    """A worker process's last beat: by default on another machine, started an hour ago and
    beating now."""
    now = timezone.now()
    fields: dict[str, Any] = {"host": "elsewhere", "pid": 1, "pid_namespace": "pid:[1]",
                              "started_at": now - dt.timedelta(minutes=started_minutes_ago),
                              "beat_at": now - dt.timedelta(seconds=seconds_ago)}  # fmt: skip
    return WorkerHeartbeat.objects.create(worker_id=worker_id, **(fields | overrides))
