from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from keystage.web.ops.reconcile import reconcile
from keystage.web.submissions.tasks import check_again


class Command(BaseCommand):
    help = (
        "Queue again the work a fault left undone: tasks left running by a worker that is "
        "gone, and versions waiting to be checked with no task. Each worker also does this "
        "every minute."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--failed",
            action="store_true",
            help="also check again every version that could not be checked (after the fault "
            "is put right)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        done = reconcile()
        for line in done.lines():
            self.stdout.write(line)
        if options["failed"]:
            again = check_again()
            self.stdout.write(f"{len(again)} version(s) that could not be checked queued again")
        if not done.lines():
            self.stdout.write("Nothing to reconcile: no task was left running by a lost worker")
