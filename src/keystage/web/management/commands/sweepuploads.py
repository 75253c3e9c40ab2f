"""`keystage manage sweepuploads [--dry-run]`: removes the partial uploads a web process left
when it was killed mid-upload (see keystage.web.ops.upload_temp). Each worker does it every minute
on its own host; run this on a host with web processes and no worker (from cron or a timer).
Never removes the file of an upload that can still succeed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.template.defaultfilters import filesizeformat

from keystage.web.ops import upload_temp
from keystage.web.ops.upload_handlers import longest_upload_seconds


class Command(BaseCommand):
    help = (
        "Remove the partial uploads left by a web process that was killed mid-upload: those "
        "begun longer ago than the longest an upload may take. Uploads in flight are left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would be removed, and remove nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run: bool = options["dry_run"]
        done = upload_temp.sweep(dry_run=dry_run)
        minutes = -(-(longest_upload_seconds() + upload_temp.CLOCK_MARGIN_SECONDS) // 60)
        verb = "Would remove" if dry_run else "Removed"
        count = len(done.removed)
        self.stdout.write(
            f"{verb} {count} partial upload{'s' if count != 1 else ''} "
            f"({filesizeformat(done.bytes_freed)}) begun more than {minutes} minutes ago in "
            f"{upload_temp.folder()}; {done.in_flight} younger left alone."
        )
        for name in done.removed:
            self.stdout.write(f"  {name}")
