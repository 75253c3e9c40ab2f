"""`keystage manage purge [--dry-run] [--today YYYY-MM-DD]`: the retention policy.

For each collection whose retention date has passed: pupils' names and dates of birth removed,
the stored files deleted, file names and query subjects replaced, the audit trail's mentions of
them and of UPNs pseudonymised, the collection marked as purged and the purge recorded in the
audit trail (see keystage.web.privacy.retention). Safe to run again and from cron: a purged
collection is left alone. Exit status 0 when all went well (or nothing was due), 1 when a
purge failed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from keystage.web.common import clock
from keystage.web.privacy.retention import Outcome, due, next_due, plan, purge, size


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--today {text!r}: write the date as YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Remove pupils' names and dates of birth, and delete the stored files, of every "
        "collection past its retention date. Safe to run again: purged collections are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true",
            help="say what would be removed and deleted, and change nothing",
        )  # fmt: skip
        parser.add_argument(
            "--today", metavar="YYYY-MM-DD",
            help="the date to compare retention dates with (default: today)",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        today = _date(options["today"]) if options["today"] else clock.today()
        dry_run: bool = options["dry_run"]
        found = due(today)
        if not found:
            self.stdout.write(f"No collection is past its retention date on {today:%-d %B %Y}.")
            self._next(today)
            return
        done: list[Outcome] = []
        failed: list[str] = []
        for collection in found:
            try:
                outcome = plan(collection) if dry_run else purge(collection, today=today)
            except OSError as problem:  # a file that cannot be deleted: nothing was changed
                failed.append(f"{collection.short_name}: {problem}")
                continue
            if outcome is None:
                continue  # purged by another run meanwhile
            done.append(outcome)
            self.stdout.write("\n".join(outcome.lines(dry_run=dry_run)))
        self._total(done, dry_run=dry_run)
        if failed:
            raise CommandError(
                "Not purged, nothing changed for these (run again once fixed):\n  "
                + "\n  ".join(failed)
            )

    def _total(self, done: list[Outcome], *, dry_run: bool) -> None:
        collections = len(done)
        pupils = sum(o.pupils for o in done)
        files = sum(len(o.files) for o in done)
        freed = sum(o.bytes_freed for o in done)
        events = sum(o.audit for o in done)
        verb = "Would purge" if dry_run else "Purged"
        self.stdout.write(
            f"{verb} {collections} collection{'s' if collections != 1 else ''}: "
            f"{pupils} pupil record{'s' if pupils != 1 else ''} anonymised, "
            f"{files} file{'s' if files != 1 else ''} deleted, {size(freed)} freed, "
            f"{events} audit event{'s' if events != 1 else ''} pseudonymised."
        )
        if dry_run:
            self.stdout.write("Nothing was changed (--dry-run).")

    def _next(self, today: dt.date) -> None:
        coming = next_due(today)
        if coming is not None and coming.retain_until is not None:
            self.stdout.write(
                f"Next: {coming.short_name}, kept until {coming.retain_until:%-d %B %Y}."
            )
