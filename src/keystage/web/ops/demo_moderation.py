"""The demo's KS2 moderation: four schools at each step, from a visit to come to an appeal
waiting for review, made through the same functions the pages use."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from keystage.codesets import codeset_for
from keystage.web.models import (
    Appeal,
    Collection,
    ModeratedSchool,
    PupilRecord,
    Role,
    School,
    Submission,
    User,
)
from keystage.web.moderation import appeals
from keystage.web.moderation import records as moderation
from keystage.web.moderation.evidence import accept
from keystage.web.moderation.pupils import school_judgement

APPEAL_OPENS, APPEAL_CLOSES = dt.date(2026, 6, 15), dt.date(2026, 6, 26)
# A one-page PDF, as a head might scan a pupil's writing.
EVIDENCE = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def load(window: Collection) -> None:
    """Moderation for the KS2 window: told (accurate), told with changes and appealed, recorded
    and ready to tell, and a visit still to come."""
    team = User.objects.get(username="data.team")
    round_ = moderation.round_for(window)
    moderation.set_window(round_, APPEAL_OPENS, APPEAL_CLOSES, by=team)
    with_data = Submission.objects.filter(collection=window, is_current=True)
    schools = list(School.objects.filter(submissions__in=with_data).order_by("laestab")[:4])
    if len(schools) < 4:
        return
    moderation.choose_schools(round_, schools, by=team)
    told, appealed, ready, to_come = (ModeratedSchool.objects.get(school=s) for s in schools)
    _visit(told, dt.date(2026, 6, 10), "accurate", team)
    _visit(appealed, dt.date(2026, 6, 11), "not_accurate", team)
    _change_writing(appealed, team)
    _visit(ready, dt.date(2026, 6, 17), "accurate", team)
    ModeratedSchool.objects.filter(pk=to_come.pk).update(
        moderator="Sam Okafor", visit_date=dt.date(2026, 6, 24)
    )
    for m in (told, appealed):
        moderation.notify(m, by=team)  # the worker makes the letters and emails the heads
        ModeratedSchool.objects.filter(pk=m.pk).update(notified_at=at(dt.date(2026, 6, 12)))
    _appeal(appealed)


def _visit(m: ModeratedSchool, day: dt.date, outcome: str, team: User) -> None:
    moderation.record_visit(
        m, moderator="Priya Shah", visit_date=day, sample=[], outcome=outcome,
        notes="Writing portfolios were well organised and annotated.", by=team,
    )  # fmt: skip
    ModeratedSchool.objects.filter(pk=m.pk).update(recorded_at=at(day, 16))


def _change_writing(m: ModeratedSchool, team: User) -> None:
    """The moderators judged two pupils' writing one step lower than the school did."""
    codeset = codeset_for(m.round.collection.academic_year)
    records = PupilRecord.objects.filter(
        submission__school=m.school, submission__collection=m.round.collection,
        submission__is_current=True,
    ).order_by("surname", "forename")  # fmt: skip
    lower = {"GDS": "EXS", "EXS": "WTS"}
    changed = 0
    for record in records:
        theirs = school_judgement(record, "ks2_writing_ta", codeset)
        if theirs in lower and changed < 2:
            moderation.add_change(m, upn=record.upn, role="ks2_writing_ta",
                                  judgement=lower[theirs], by=team)  # fmt: skip
            changed += 1


def _appeal(m: ModeratedSchool) -> None:
    head = User.objects.filter(school=m.school, role=Role.HEAD).first()
    if head is None:
        return
    scan = SimpleUploadedFile("writing-portfolio.pdf", EVIDENCE, "application/pdf")
    made = appeals.submit_appeal(
        m, by=head, name=f"Head of {m.school.name}", files=[accept(scan)],
        reasons="We believe the first pupil's independent writing meets the expected standard: "
        "the portfolio shows the pieces the moderator did not see.",
        today=dt.date(2026, 6, 16),
    )  # fmt: skip
    Appeal.objects.filter(pk=made.pk).update(submitted_at=at(dt.date(2026, 6, 16), 15))
