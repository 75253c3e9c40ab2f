from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from keystage.web.accounts.register import RegisterError, load_register


class Command(BaseCommand):
    help = "Add or update schools from a CSV laid out like the DfE's register (GIAS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv", help="the register's CSV export")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            loaded = load_register(options["csv"])
        except (RegisterError, OSError) as problem:
            raise CommandError(str(problem)) from problem
        self.stdout.write(f"{loaded.created} schools added, {loaded.updated} updated")
