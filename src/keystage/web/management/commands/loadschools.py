"""`keystage manage loadschools FILE [--links FILE] [--emails FILE] [--dry-run]`: what the LA
administrator's schools page does, from the command line. It prints the plan, then applies it
(all or nothing) unless --dry-run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from keystage.web.schools.register import RegisterError, apply, audit, load_register


class Command(BaseCommand):
    help = (
        "Add or update schools from the register of establishments' CSV extract (GIAS), with "
        "its links file and the LA's list of email addresses: shows what changes, then applies."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv", help="the register's CSV extract (GIAS)")
        parser.add_argument("--links", help="GIAS's links CSV (predecessors and successors)")
        parser.add_argument("--emails", help="the LA's CSV: URN, Head email, School email")
        parser.add_argument("--dry-run", action="store_true", help="show the changes only")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            plan = load_register(options["csv"], links=options["links"], emails=options["emails"])
            self.stdout.write("\n".join(plan.lines()))
            if options["dry_run"]:
                self.stdout.write("Dry run: nothing changed.")
                return
            apply(plan)
        except (RegisterError, OSError) as problem:
            raise CommandError(str(problem)) from problem
        files = [Path(f).name for f in (options["csv"], options["links"], options["emails"]) if f]
        audit(plan, files)
        self.stdout.write("Applied.")
