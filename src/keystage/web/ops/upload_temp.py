"""Uploads in flight: their temporary files, named so that what a dead process left is known,
and the sweep that removes it.

A file larger than FILE_UPLOAD_MAX_MEMORY_SIZE streams into a temporary file in
FILE_UPLOAD_TEMP_DIR until the request is done; Django deletes it then, or when the upload is
stopped. A web process killed mid-upload (out of memory, a restart, a crash) deletes nothing,
and the partial file stays. So each is named `keystage-upload-<start>-<pid>-<random>.upload`:
the Unix time its upload began and the process receiving it.

The sweep removes those begun longer ago than the longest an upload may take
(upload_handlers.longest_upload_seconds, which the guard enforces: an upload still running at
that age is stopped), plus a margin for the clock. So it never removes the file of an upload
that can still succeed, whichever process or host wrote it. It goes by the name's start time,
not by the process id: process ids are reused, and mean nothing on another host or container.
It runs every minute in each worker's scheduler thread (keystage.web.reminders.daily) and by
`keystage manage sweepuploads`; it touches no file without the prefix.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler

from keystage.web.ops.upload_handlers import longest_upload_seconds

log = logging.getLogger(__name__)

PREFIX = "keystage-upload-"
SUFFIX = ".upload"
CLOCK_MARGIN_SECONDS = 600  # a clock set back, or hosts a little apart on a shared folder
_NAME = re.compile(rf"{re.escape(PREFIX)}(\d+)-(\d+)-[^/]*{re.escape(SUFFIX)}")


def folder() -> Path:
    return Path(settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir())


def name_prefix(started: float, pid: int) -> str:
    return f"{PREFIX}{int(started)}-{pid}-"


def started_at(name: str) -> int | None:
    """When the upload a temporary file belongs to began, or None for a file not ours."""
    found = _NAME.fullmatch(name)
    return int(found.group(1)) if found else None


class UploadInProgress(TemporaryUploadedFile):
    """Django's temporary upload file, under our name (never the sender's file name)."""

    def __init__(
        self, name: str, content_type: str, size: int, charset: str | None,
        content_type_extra: dict[str, Any] | None = None,
    ) -> None:  # fmt: skip
        file = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed, so deleted, by Django)
            prefix=name_prefix(time.time(), os.getpid()), suffix=SUFFIX, dir=folder()
        )
        UploadedFile.__init__(self, file, name, content_type, size, charset, content_type_extra)


class NamedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Django's handler for large files, writing them to UploadInProgress files."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super(TemporaryFileUploadHandler, self).new_file(*args, **kwargs)
        self.file = UploadInProgress(
            str(self.file_name), str(self.content_type), 0, self.charset, self.content_type_extra
        )


@dataclass
class Swept:
    removed: list[str] = field(default_factory=list)
    bytes_freed: int = 0
    in_flight: int = 0  # ours, and young enough to be an upload still arriving


def oldest_kept(now: float) -> float:
    """A file begun before this moment belongs to no upload that can still succeed."""
    return now - longest_upload_seconds() - CLOCK_MARGIN_SECONDS


def sweep(now: float | None = None, *, dry_run: bool = False) -> Swept:
    done = Swept()
    cutoff = oldest_kept(time.time() if now is None else now)
    try:
        names = sorted(p.name for p in folder().iterdir())
    except FileNotFoundError:
        return done
    for name in names:
        started = started_at(name)
        if started is None:
            continue
        if started >= cutoff:
            done.in_flight += 1
            continue
        _remove(folder() / name, done, dry_run=dry_run)
    if done.removed and not dry_run:
        log.warning("Removed %d partial upload(s) left by a process that stopped: %s",
                    len(done.removed), ", ".join(done.removed))  # fmt: skip
    return done


def _remove(path: Path, done: Swept, *, dry_run: bool) -> None:
    try:
        found = path.lstat()
        if not stat.S_ISREG(found.st_mode):
            return  # only the files Django writes: never a link or a folder someone put there
        if not dry_run:
            path.unlink()
    except FileNotFoundError:
        return  # another sweep (another worker) removed it first
    done.removed.append(path.name)
    done.bytes_freed += found.st_size
