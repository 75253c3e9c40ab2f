"""`keystage manage importctf DIR_OR_FILES...`: files from the secure-transfer channel.

Each file is attributed to its school by its header and received as a new version (channel
"import"), or kept for the data team's list of unattributed files. Run it again over the same
folder and the files already received are skipped.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from keystage.web.models import Collection, Submission
from keystage.web.submissions.channels import import_file
from keystage.web.submissions.uploads import UploadNotSavedError

_TOTALS = (
    ("received", "received"),
    ("refused", "refused (not the school's return for the collection: kept apart)"),
    ("skipped", "already received"),
    ("unattributed", "not attributed"),
    ("unreadable", "could not be read"),
    ("not_saved", "not saved"),
)


class Command(BaseCommand):
    help = (
        "Import CTF files that arrived by another channel: each is attributed to its school "
        "by its header and checked like an upload, or listed for the data team."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths", nargs="+", metavar="DIR_OR_FILE",
            help="CTF files, or folders (the files directly inside them)",
        )  # fmt: skip
        parser.add_argument(
            "--collection", choices=Collection.Kind.values,
            help="the collection of every file (default: told from each file's results)",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        files = _files(options["paths"])
        counts: Counter[str] = Counter()
        for path in files:
            try:
                outcome = import_file(
                    path, channel=Submission.Channel.IMPORT, collection=options["collection"]
                )
            except UploadNotSavedError:
                # The database or the disk failed: nothing of this file was kept, and the
                # file itself is untouched, so running the import again picks it up.
                counts["not_saved"] += 1
                self.stdout.write(f"{path}: not saved (the database or the disk failed); "
                                  "left where it is: run the import again")  # fmt: skip
                continue
            counts[outcome.result] += 1
            self.stdout.write(f"{path}: {outcome.message}")  # the path: names recur in folders
        said = ", ".join(f"{counts[key]} {words}" for key, words in _TOTALS if counts[key])
        self.stdout.write(f"{len(files)} file{'s' if len(files) != 1 else ''}: {said}")
        if counts["unattributed"]:
            self.stdout.write(
                "Files not attributed are kept: the data team sees them under "
                "“Files not attributed” and can attribute them by hand."
            )
        if counts["not_saved"]:
            raise CommandError(f"{counts['not_saved']} file(s) not saved: run the import again")


def _files(names: list[str]) -> list[Path]:
    """The files named, with a folder standing for the files directly inside it."""
    found: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise CommandError(f"{name}: no such file or folder")
    if not found:
        raise CommandError("no files to import")
    return found
