"""Demo data for the embedded default: the synthetic LA, its accounts, summer 2026's windows
with their guidance for schools, and schools already at every step, so every page has something
to show.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from keystage.synth import write_la
from keystage.web.models import (
    Answer,
    Collection,
    Confirmation,
    ExpectedSchool,
    Role,
    School,
    Submission,
    User,
)
from keystage.web.ops import demo_guidance, demo_moderation, demo_nca, demo_settings
from keystage.web.results.comparisons import load_england_headlines
from keystage.web.schools import expected
from keystage.web.schools.register import apply, load_register
from keystage.web.submissions.processing import check_submission
from keystage.web.submissions.uploads import receive

DEMO_SCHOOLS = 30
Why = ExpectedSchool.Why
# (kind, opens, deadline, closes): summer 2026
WINDOWS = (
    ("EYFSP", dt.date(2026, 5, 18), dt.date(2026, 6, 12), dt.date(2026, 7, 17)),
    ("PHON", dt.date(2026, 6, 8), dt.date(2026, 6, 26), dt.date(2026, 7, 17)),
    ("KS1", dt.date(2026, 6, 1), dt.date(2026, 6, 26), dt.date(2026, 7, 17)),
    ("KS2", dt.date(2026, 6, 8), dt.date(2026, 7, 3), dt.date(2026, 7, 17)),
)
DEMO_RETAIN_UNTIL = dt.date(2033, 8, 31)  # names and files kept 7 years (How your data are used)
LA_ACCOUNTS = (
    ("data.team", Role.LA_DATA, "Dana", "Data"),
    ("la.admin", Role.LA_ADMIN, "Ali", "Admin"),
)
WORDS = ("river", "maple", "lantern", "quartz", "meadow", "harbour", "violet", "copper")


def password_file(data: Path) -> Path:
    return data / "demo-password.txt"


def demo_password(data: Path) -> str:
    path = password_file(data)
    if not path.exists():
        words = [secrets.choice(WORDS) for _ in range(3)]
        path.write_text("-".join(words) + f"-{secrets.randbelow(90) + 10}\n")
    return path.read_text().strip()


def load(data: Path) -> str:
    """Loads the demo once; returns the password every demo account shares."""
    password = demo_password(data)
    if School.objects.exists():
        return password
    folder = data / "demo"
    write_la(out=folder, la="330", schools=DEMO_SCHOOLS, collection="ALL", seed=1, defects=0.02)
    apply(load_register(folder / "schools.csv"))
    demo_settings.load(folder)
    load_england_headlines()
    _accounts(password)
    windows = [
        Collection.objects.create(
            kind=k,
            academic_year="2025-26",
            opens=o,
            deadline=d,
            closes=c,
            retain_until=DEMO_RETAIN_UNTIL,
        )
        for k, o, d, c in WINDOWS
    ]
    for window in windows:
        _expected(window)
        _uploads(window, folder / window.kind)
        if window.kind == "EYFSP":
            _settings_sign(demo_settings.uploads(window))
    demo_moderation.load(next(w for w in windows if w.kind == "KS2"))
    demo_nca.load(next(w for w in windows if w.kind == "KS2"))
    demo_guidance.load(windows, by=User.objects.get(username="data.team"))
    return password


def _accounts(password: str) -> None:
    # One hash for every demo account: hashing is slow on purpose, 0.4 s each.
    hashed = make_password(password)
    for school in School.objects.all():
        head = User(username=school.urn, email=school.main_email or school.head_email,
                    role=Role.HEAD, school=school, first_name=school.head_first_name or "Head",
                    last_name=school.head_last_name or school.name)  # fmt: skip
        head.password = hashed
        head.save()
    for username, role, first, last in LA_ACCOUNTS:
        person = User(username=username, email=f"{username}@example.gov.uk", role=role,
                      first_name=first, last_name=last, is_staff=role == Role.LA_ADMIN,
                      is_superuser=role == Role.LA_ADMIN)  # fmt: skip
        person.password = hashed
        person.save()


def _expected(window: Collection) -> None:
    """The register's proposal; for KS1 (optional), every school with Year 2 opted in before the
    window opened but one, which opted out (serve prints which). The synthetic LA has an infant
    and a junior school, so the lists differ by collection."""
    expected.propose(window)
    if window.kind not in expected.OPTIONAL:
        return
    chose = dt.datetime.combine(window.opens - dt.timedelta(days=14), dt.time(10), tzinfo=dt.UTC)
    able = [
        s for s in School.objects.order_by("laestab", "urn") if expected.has_year_group(s, "KS1")
    ]
    for school in able:
        opted_in = school != able[-1]
        ExpectedSchool.objects.filter(collection=window, school=school).update(
            expected=opted_in, why=Why.OPTED_IN if opted_in else Why.OPTED_OUT, reason="",
            by=User.objects.get(username=school.urn), at=chose,
        )  # fmt: skip


def opted_out_of_ks1() -> list[School]:
    """For serve's notes: the demo's school that chose not to take part in KS1."""
    return list(School.objects.filter(expectations__why=Why.OPTED_OUT).order_by("laestab"))


def _uploads(window: Collection, folder: Path) -> None:
    """Every fifth school has not started; the rest upload; two of three clean ones sign.

    Times are set in the window, before the demo date, so nothing looks sent from the future.
    """
    files = sorted(folder.glob("*.xml"))
    start = dt.datetime.combine(window.opens, dt.time(9), tzinfo=dt.UTC)
    for index, path in enumerate(files):
        when = start + dt.timedelta(hours=7 * index)
        school = School.objects.filter(laestab=path.name[:7]).first()
        if school is None or index % 5 == 4:
            continue
        head = User.objects.get(username=school.urn)
        upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/xml")
        submission = receive(school=school, collection=window, upload=upload, user=head)
        check_submission(submission.pk)
        Submission.objects.filter(pk=submission.pk).update(
            uploaded_at=when, checked_at=when + dt.timedelta(seconds=20)
        )
        submission.refresh_from_db()
        if index % 3 == 0:
            _answer_queries(submission, head, when + dt.timedelta(hours=1))
        if index % 3 != 2 and submission.errors == 0:
            _sign(submission, head, when + dt.timedelta(hours=2))


def _settings_sign(sent: list[tuple[Submission, User, dt.datetime]]) -> None:
    """Half the settings that sent their template sign it (one with no query left open)."""
    for number, (version, account, when) in enumerate(sent):
        if number % 2 == 0 and version.errors == 0:
            _sign(version, account, when + dt.timedelta(hours=2))


def _answer_queries(submission: Submission, head: User, when: dt.datetime) -> None:
    for row in submission.finding_set.filter(severity="query"):
        Answer.objects.get_or_create(
            school=submission.school, collection=submission.collection, upn=row.upn,
            code=row.code, defaults={"text": "Checked with the class teacher: this is right.",
            "answered_by": head, "answered_at": when, "first_submission": submission},
        )  # fmt: skip


def _sign(submission: Submission, head: User, when: dt.datetime) -> None:
    answered = set(
        Answer.objects.filter(
            school=submission.school, collection=submission.collection
        ).values_list("upn", "code")
    )
    if any(
        (f.upn, f.code) not in answered for f in submission.finding_set.filter(severity="query")
    ):
        return
    with transaction.atomic():
        Confirmation.objects.create(
            submission=submission, signed_by=head, signer_name=f"Head of {submission.school.name}",
            signer_role="Head teacher", responsible="Year 2 class teachers",
            moderation_done=True, outcomes_agreed=True, signed_at=when,
        )  # fmt: skip
