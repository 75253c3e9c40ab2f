"""`keystage manage importcomparisons FILE --source "..." [--publisher P] [--status S]`:
national, regional or LA figures.

The file is a CSV as the DfE publishes it (the EYFSP headline file by characteristics, the
England headline file, the LA-level file) or the simple layout of
keystage.web.results.comparisons. `--publisher` defaults to the DfE for a DfE file; a row's
own `version` (or `status`) column says how final it is, and `--status` is for rows that do
not say. Importing the same publisher's
figures at the same stage again updates them; another publisher's or stage's are kept beside.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from keystage.web.models import ComparisonFigure
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
        parser.add_argument(
            "--publisher", choices=ComparisonFigure.Publisher.values,
            help="who published them; default: the DfE for a DfE statistics file, else the "
            "file's publisher column",
        )  # fmt: skip
        parser.add_argument(
            "--status", choices=ComparisonFigure.Status.values,
            help="how final they are, for rows whose version (DfE) or status column does not say",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            summary = import_figures(
                path, source=options["source"], publisher=options["publisher"],
                status=options["status"],
            )  # fmt: skip
        except ComparisonImportError as problem:
            raise CommandError(f"{path}: {problem}") from None
        for line in summary.lines():
            self.stdout.write(line)
