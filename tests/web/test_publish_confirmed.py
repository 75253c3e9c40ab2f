"""Reports are published only to schools that confirmed their data, or whose data the LA locked
by decision; the publish page lists the others with why; a school whose confirmation a new
upload voids keeps its published reports as they were until it confirms again."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django_tasks_db.models import DBTaskResult
from portal_support import (
    ctf_bytes,
    ctf_path,
    run_tasks,
    signed_in,
    upload,
    with_bad_result,
    worker_for_tests,
)
from signing import sign

from keystage.ctf.model import Pupil
from keystage.ctf.reader import read_ctf
from keystage.web.models import Collection, Report, School, Submission, User
from keystage.web.reports.publish import publish


def head(school: School) -> Client:
    return signed_in(User.objects.get(username=school.urn))


def sent_to(school: School) -> list[Any]:
    """The emails sent to the school, besides the receipts for signatures and sign-ins."""
    to_school = [m for m in mail.outbox if school.main_email.lower() in m.to]
    return [m for m in to_school if not m.subject.startswith("Receipt")]


def to(school: School) -> list[str]:
    """The subjects of the emails sent to the school (receipts aside)."""
    return [m.subject for m in sent_to(school)]


def reports_of(school: School, collection: Collection) -> list[tuple[str, int, int]]:
    """(kind, version, file version made from) of the school's reports."""
    found = Report.objects.filter(school=school, collection=collection).order_by("version", "kind")
    return [(r.kind, r.version, r.made_from.version if r.made_from else 0) for r in found]


def corrected(pupils: list[Pupil]) -> list[Pupil]:
    """The first pupil's reading result corrected: a clean new version, nothing to answer."""
    first = pupils[0]
    reading = first.assessments[0]
    better = dataclasses.replace(reading, result="WTS" if reading.result != "WTS" else "EXS")
    return [dataclasses.replace(first, assessments=(better, *first.assessments[1:])), *pupils[1:]]


@pytest.fixture
def three(
    schools: list[School], ks1: Collection, la_folder: Path, django_capture_on_commit_callbacks: Any
) -> tuple[School, School, School]:
    """A signed its clean file; B's clean file is not signed (Ready to confirm); C's has an
    error (Errors to fix)."""
    a, b, c = schools
    upload(head(a), ks1, ctf_bytes(la_folder, a))
    upload(head(b), ks1, ctf_bytes(la_folder, b))
    upload(head(c), ks1, ctf_bytes(la_folder, c, change=with_bad_result))
    run_tasks()
    sign(a, ks1, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    return a, b, c


def left_out_rows(la_client: Client, ks1: Collection) -> dict[str, str]:
    """The publish page's table of schools left out: name -> the row's text."""
    page = la_client.get(f"/la/collections/{ks1.pk}/publish/").content.decode()
    table = re.search(r'<table class="govuk-table[^"]*" id="left-out">.*?</table>', page, re.S)
    if table is None:
        return {}
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table.group(0), re.S)
    found = {}
    for row in rows[1:]:
        text = " ".join(re.sub(r"<[^>]+>", " ", row).split())
        name = re.search(r'<a class="govuk-link"[^>]*>([^<]+)</a>', row)
        assert name is not None
        found[name.group(1)] = text
    return found


def test_publishing_takes_confirmed_schools_only_and_lists_who_was_left_out(
    three: tuple[School, School, School], ks1: Collection, la_client: Client
) -> None:
    a, b, c = three
    page = la_client.get(f"/la/collections/{ks1.pk}/publish/").content.decode()
    assert "Publish reports to 1 school" in page
    response = la_client.post(f"/la/collections/{ks1.pk}/publish/", follow=True)
    assert "2 schools were left out" in response.content.decode()
    run_tasks()

    assert reports_of(a, ks1) == [("pupil", 1, 1), ("school", 1, 1)]
    assert reports_of(b, ks1) == [] and reports_of(c, ks1) == []
    assert to(a) == [f"Your {ks1.short_name} results reports are ready"]
    assert "made from the data you confirmed: version 1 of your file" in sent_to(a)[0].body
    assert to(b) == [] and to(c) == []

    rows = left_out_rows(la_client, ks1)
    assert set(rows) == {b.name, c.name}
    assert "Ready to confirm Not confirmed by its head teacher, and not locked" in rows[b.name]
    assert "Errors to fix Not confirmed by its head teacher, and not locked" in rows[c.name]
    assert rows[b.name].endswith("None")  # no reports to keep

    # B is told on its reports page that its reports come once it signs; then they do.
    page = head(b).get("/reports/").content.decode()
    assert "Your reports will be made once you have signed the confirmation form" in page


def test_a_school_that_confirms_after_publishing_gets_its_reports_then(
    three: tuple[School, School, School], ks1: Collection, officer: User,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    _, b, _ = three
    publish(ks1, officer)
    run_tasks()
    mail.outbox.clear()
    sign(b, ks1, django_capture_on_commit_callbacks)
    run_tasks()
    assert reports_of(b, ks1) == [("pupil", 1, 1), ("school", 1, 1)]
    assert to(b) == [f"Your {ks1.short_name} results reports are ready"]


def test_a_new_upload_keeps_the_published_reports_until_the_school_confirms_again(
    three: tuple[School, School, School], ks1: Collection, officer: User, la_folder: Path,
    la_client: Client, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    a, _, _ = three
    publish(ks1, officer)
    run_tasks()
    published = {r.kind: (r.sha256, r.file.read()) for r in Report.objects.filter(school=a)}
    mail.outbox.clear()

    upload(head(a), ks1, ctf_bytes(la_folder, a, change=corrected), name="ks1-v2.xml")
    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()  # version 2 is current: A's confirmation is void
    run_tasks()
    assert reports_of(a, ks1) == [("pupil", 1, 1), ("school", 1, 1)]  # not remade, not gone
    for report in Report.objects.filter(school=a):
        assert (report.sha256, report.file.read()) == published[report.kind]
    assert [s for s in to(a) if "reports" in s] == []
    page = head(a).get("/reports/").content.decode()
    assert "You have sent a new file since these reports were made" in page
    own = Report.objects.get(school=a, kind="school")
    assert head(a).get(f"/reports/{own.pk}/download/").status_code == 200
    assert "Ready to confirm Not confirmed" in left_out_rows(la_client, ks1)[a.name]
    assert "Version 1, made " in left_out_rows(la_client, ks1)[a.name]

    # Publishing again does not remake them either.
    publish(ks1, officer)
    run_tasks()
    assert reports_of(a, ks1) == [("pupil", 1, 1), ("school", 1, 1)]

    mail.outbox.clear()
    sign(a, ks1, django_capture_on_commit_callbacks)
    run_tasks()
    assert reports_of(a, ks1)[-2:] == [("pupil", 2, 2), ("school", 2, 2)]
    assert to(a) == [f"Your {ks1.short_name} results reports have been updated"]
    assert "version 2 of your file" in sent_to(a)[0].body
    assert "You have sent a new file" not in head(a).get("/reports/").content.decode()


def test_a_report_queued_before_a_new_upload_is_not_made_from_the_unconfirmed_file(
    three: tuple[School, School, School], ks1: Collection, officer: User, la_folder: Path,
) -> None:  # fmt: skip
    a, _, _ = three
    publish(ks1, officer)  # A's report task waits in the queue...
    upload(head(a), ks1, ctf_bytes(la_folder, a, change=corrected), name="ks1-v2.xml")
    new = Submission.objects.get(school=a, version=2)
    check = DBTaskResult.objects.ready().get(args_kwargs__args=[new.pk])
    check.claim("tests")
    worker_for_tests().run_task(check)  # ... and A's new file is checked first (as workers
    run_tasks()  # take checks first): A's confirmation is void before its report is made
    assert reports_of(a, ks1) == []


def test_a_school_locked_by_decision_is_published_and_told_so(
    three: tuple[School, School, School], ks1: Collection, officer: User, la_client: Client
) -> None:
    _, _, c = three
    publish(ks1, officer)
    run_tasks()
    assert reports_of(c, ks1) == []
    mail.outbox.clear()
    la_client.post(f"/la/collections/{ks1.pk}/schools/{c.pk}/lock/")
    run_tasks()
    assert reports_of(c, ks1) == [("pupil", 1, 1), ("school", 1, 1)]
    (told,) = [m for m in mail.outbox if c.main_email.lower() in m.to]
    assert "made from the data the data team locked: version 1 of your file" in told.body
    assert c.name not in left_out_rows(la_client, ks1)


def test_a_decision_remakes_the_reports_of_publishable_schools_only(
    schools: list[School], ks1: Collection, la_folder: Path, officer: User, la_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    a, b, _ = schools
    upload(head(a), ks1, ctf_bytes(la_folder, a))
    run_tasks()
    sign(a, ks1)
    with read_ctf(ctf_path(la_folder, a)) as reader:
        child = next(iter(reader))
    upload(head(b), ks1, ctf_bytes(la_folder, b, change=lambda pupils: [*pupils, child]))
    run_tasks()  # B's file has A's pupil: a query B has not answered
    publish(ks1, officer)
    run_tasks()
    assert reports_of(a, ks1) == [("pupil", 1, 1), ("school", 1, 1)] and reports_of(b, ks1) == []

    with django_capture_on_commit_callbacks(execute=True):
        la_client.post(f"/la/collections/{ks1.pk}/moves/{child.upn}/", {"school": b.pk})
    run_tasks()
    # A's pupil is left out of A's figures: A's reports are made again; B, not confirmed, gets
    # none (its query is closed, but it has not signed).
    assert reports_of(a, ks1)[-2:] == [("pupil", 2, 1), ("school", 2, 1)]
    assert reports_of(b, ks1) == []
