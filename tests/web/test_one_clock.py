"""One clock for everything (issue 14, item 7): in the demo the deadlines and every timestamp a
person reads follow the demo's date, which moves on with real time from when serve started."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from portal_builders import make_window
from portal_support import ctf_bytes, run_tasks, upload

from keystage.web.common import clock
from keystage.web.models import AuditEvent, Collection, Confirmation, School, Submission

WEB = Path(clock.__file__).parents[1]  # keystage/web
# Only what machines compare keeps the real clock: task scheduling, retries, heartbeats, health.
REAL_TIME = {"clock.py", "workers.py", "retries.py", "reconcile.py", "scheduler.py",
             "health.py"}  # fmt: skip
READS_THE_CLOCK = re.compile(r"timezone\.(now|localdate)\(\)|datetime\.now\(|date\.today\(")
SIGNED = {
    "signer_name": "Ada Head", "signer_role": "Head teacher", "responsible": "Year 2 teachers",
    "moderation_done": "on", "outcomes_agreed": "on", "password": "correct-horse-battery-1",
}  # fmt: skip


def test_the_web_layer_reads_one_clock() -> None:
    found = [
        f"{path.relative_to(WEB)}:{number}"
        for path in WEB.rglob("*.py")
        if path.name not in REAL_TIME and "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if READS_THE_CLOCK.search(line)
    ]
    assert found == [], "use keystage.web.common.clock.now() / today(): " + ", ".join(found)


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch, db: None) -> Collection:
    """The demo: 19 June 2026, a week before the KS1 deadline, whatever the real date."""
    monkeypatch.setenv("KEYSTAGE_TODAY", "2026-06-19")
    monkeypatch.delenv(clock.STARTED, raising=False)
    return make_window("KS1", opens=dt.date(2026, 6, 1), deadline=dt.date(2026, 6, 26),
                       closes=dt.date(2026, 7, 17))  # fmt: skip


def test_a_head_who_signs_a_week_early_is_not_told_it_was_late(
    demo: Collection, head_a: Client, school_a: School, la_client: Client, la_folder: Path
) -> None:
    upload(head_a, demo, ctf_bytes(la_folder, school_a))
    run_tasks()
    version = Submission.objects.get(school=school_a, collection=demo)
    assert timezone.localtime(version.uploaded_at).date() == dt.date(2026, 6, 19)
    head_a.post(f"/collections/{demo.pk}/confirm/", SIGNED)
    signed = Confirmation.objects.get(submission=version)
    assert timezone.localtime(signed.signed_at).date() == dt.date(2026, 6, 19)
    page = head_a.get(f"/collections/{demo.pk}/").content.decode()
    assert "Submitted" in page and "after the deadline" not in page
    progress = la_client.get(f"/la/collections/{demo.pk}/").content.decode()
    assert "after the deadline" not in progress and "December" not in progress
    trail = AuditEvent.objects.filter(action=AuditEvent.Action.CONFIRM).get()
    assert timezone.localtime(trail.at).date() == dt.date(2026, 6, 19)


def test_the_demo_date_moves_on_with_real_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEYSTAGE_TODAY", "2026-06-19")
    with time_machine.travel(dt.datetime(2026, 12, 5, 10, tzinfo=dt.UTC), tick=False):
        monkeypatch.delenv(clock.STARTED, raising=False)
        clock.start()
        assert clock.today() == dt.date(2026, 6, 19)
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC), tick=False):
        assert clock.today() == dt.date(2026, 6, 21)  # two days later, two days on
    monkeypatch.delenv("KEYSTAGE_TODAY")
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC), tick=False):
        assert clock.today() == dt.date(2026, 12, 7)  # no demo: the real date
