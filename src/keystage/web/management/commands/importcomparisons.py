"""`keystage manage importcomparisons FILE --source "..."`: national, regional or LA figures.

The file is a CSV laid out like the DfE's statistics tables (the EYFSP headline file as
published for 2021/22 or from 2024/25) or the simple layout of keystage.web.results.comparisons.
Importing a file again updates its figures; nothing is duplicated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from keystage.web.results.comparisons import ComparisonImportError, import_figures


class Command(BaseCommand):
    help = (
        "Import comparison figures (England, a region, an LA) from a CSV laid out like the "
        "DfE's published statistics tables."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="the CSV file")
        parser.add_argument(
            "--source", required=True,
            help="where the figures come from, shown beside each one: the publication and file",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            summary = import_figures(path, source=options["source"])
        except ComparisonImportError as problem:
            raise CommandError(f"{path}: {problem}") from None
        for line in summary.lines():
            self.stdout.write(line)
