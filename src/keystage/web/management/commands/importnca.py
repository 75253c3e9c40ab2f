"""`keystage manage importnca FILE [--year 2025-26]`: the KS2 results downloaded from the NCA
Portal (a CTF, combined for the LA or for one school, or the CSV of all results with TA).

The same import as the data team's page (keystage.web.submissions.nca): each school's pupils
become its next NCA Portal version and are checked by the worker; LAESTABs that are none of
our schools are listed; a file that cannot be imported whole is refused, nothing stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser

from keystage.web.models import Collection
from keystage.web.submissions.nca import NcaRefusedError, import_download
from keystage.web.submissions.uploads import UploadNotSavedError


class Command(BaseCommand):
    help = "Import the KS2 results downloaded from the NCA Portal (CTF or CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="FILE", help="the NCA Portal download (.xml or .csv)")
        parser.add_argument(
            "--year", metavar="2025-26",
            help="the KS2 collection's academic year (default: the latest KS2 collection)",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        window = _collection(options["year"])
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        with path.open("rb") as raw:
            upload: UploadedFile[bytes] = UploadedFile(
                file=raw, name=path.name, size=path.stat().st_size
            )
            try:
                made = import_download(window, upload, user=None)
            except NcaRefusedError as refused:
                lines = "".join(f"\n  {line}" for line in refused.lines)
                raise CommandError(f"{path.name}: {refused}{lines}") from None
            except UploadNotSavedError:
                said = "not saved (the database or the disk failed): run the import again"
                raise CommandError(f"{path.name}: {said}") from None
        schools = made.versions.count()
        self.stdout.write(f"{path.name}: import {made.number} of {window.short_name}: "
                          f"{made.pupils} pupils, {schools} schools, being checked")  # fmt: skip
        for unknown in made.unknown:
            self.stdout.write(f"  LAESTAB {unknown['laestab']} is not in Keystage: "
                              f"{unknown['pupils']} pupils not stored")  # fmt: skip


def _collection(year: str | None) -> Collection:
    found = Collection.objects.filter(kind="KS2")
    if year:
        found = found.filter(academic_year=year)
    window = found.order_by("-academic_year").first()
    if window is None:
        raise CommandError(f"There is no KS2 collection{f' for {year}' if year else ''}.")
    return window
