"""`keystage manage loadsettings FILE [--la 330] [--dry-run]`: what the LA administrator's early
years settings page does, from the command line. It prints the plan, then applies it (all or
nothing) unless --dry-run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from keystage.web.schools.register import RegisterError, apply, audit, load_settings


class Command(BaseCommand):
    help = (
        "Add or update the PVI early years settings from the LA's early years provider list "
        "(CSV: EY URN, name, type, contact name, email, telephone, postcode or district)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv", help="the LA's early years provider list (CSV)")
        parser.add_argument(
            "--la", help="the settings' LA number when the list has no LA column and no "
            "school has been loaded (3 digits)",
        )  # fmt: skip
        parser.add_argument("--dry-run", action="store_true", help="show the changes only")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            plan = load_settings(options["csv"], la=options["la"])
            self.stdout.write("\n".join(plan.lines()))
            if options["dry_run"]:
                self.stdout.write("Dry run: nothing changed.")
                return
            apply(plan)
        except (RegisterError, OSError) as problem:
            raise CommandError(str(problem)) from problem
        audit(plan, [Path(options["csv"]).name])
        self.stdout.write("Applied.")
