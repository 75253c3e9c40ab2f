"""The disk filling while a file is stored: the school is told nothing was saved, no partial
file is left, no version row, the earlier version is untouched, and once there is space again
the upload works.

The files are stored on a real, small file system (a 256 KB tmpfs mounted for the test), so the
write fails with the operating system's own ENOSPC part-way through. Where mounting is not
allowed (not root), a storage whose writes fail the same way stands in, and the test warns
that it did.
"""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult
from fault_support import run_ready
from portal_support import ctf_bytes, upload, with_bad_result

from keystage.web.models import Collection, School, Submission

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class SmallDisk:
    root: Path
    real: bool  # a real file system that fills; else the stand-in storage
    filler: Path

    def fill(self, leave: int) -> None:
        """Fills the file system, then frees `leave` bytes: a write of more fails part-way."""
        if not self.real:
            return
        with self.filler.open("wb") as out:
            try:
                while True:
                    out.write(b"\0" * 4096)
                    out.flush()
            except OSError as full:
                assert full.errno == errno.ENOSPC
        os.truncate(self.filler, max(self.filler.stat().st_size - leave, 0))

    def empty(self) -> None:
        self.filler.unlink(missing_ok=True)

    def files(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*") if p.is_file() and p != self.filler)


def _mount(where: Path) -> bool:
    if os.geteuid() != 0:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "keystage-test", str(where)],
        capture_output=True,
    )
    return done.returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path, settings: Any) -> Iterator[SmallDisk]:
    root = tmp_path / "files"
    root.mkdir()
    real = _mount(root)
    if not real:
        warnings.warn("no tmpfs could be mounted: a full disk is simulated", stacklevel=1)
    backend = (
        "django.core.files.storage.FileSystemStorage" if real else "fault_support.FullDiskStorage"
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": backend, "OPTIONS": {"location": str(root)}},
    }
    try:
        yield SmallDisk(root, real, root / "filler")
    finally:
        if real:
            subprocess.run(["umount", "-l", str(root)], check=False)


def test_the_disk_filling_while_a_file_is_stored_saves_nothing_and_keeps_the_earlier_version(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path, small_disk: SmallDisk,
    settings: Any,
) -> None:  # fmt: skip
    if small_disk.real:
        first = upload(head_a, ks1, ctf_bytes(la_folder, school_a))
        assert first.status_code == 302
        run_ready()
        earlier = Submission.objects.get()
        assert earlier.is_current
        (kept,) = small_disk.files()
        kept_hash = hashlib.sha256(kept.read_bytes()).hexdigest()
        assert kept_hash == earlier.sha256
    small_disk.fill(leave=8192)

    content = ctf_bytes(la_folder, school_a, change=with_bad_result)
    response = upload(head_a, ks1, content)
    page = response.content.decode()
    assert response.status_code == 503, page[:2000]
    assert "Your file was not saved" in page
    assert "Nothing was saved." in page and "Files you sent before have not changed." in page

    assert Submission.objects.count() == (1 if small_disk.real else 0)
    assert DBTaskResult.objects.filter(status="READY").count() == 0
    if small_disk.real:
        assert small_disk.files() == [kept]  # no partial file beside it
        assert hashlib.sha256(kept.read_bytes()).hexdigest() == kept_hash
        shown = head_a.get(f"/collections/{ks1.pk}/").content.decode()
        assert "Ready to confirm" in shown and "Version 1</a>:" in shown
    else:
        assert small_disk.files() == []

    small_disk.empty()
    if not small_disk.real:
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(small_disk.root)},
            },
        }
    assert upload(head_a, ks1, content).status_code == 302
    run_ready()
    latest = Submission.objects.order_by("-version").first()
    assert latest is not None and latest.status == "checked" and latest.is_current
    assert latest.version == (2 if small_disk.real else 1)
    assert Path(latest.file.path).read_bytes() == content
    shown = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    assert "Errors to fix" in shown


def test_the_import_command_on_a_full_disk_says_what_was_not_saved_and_takes_it_next_time(
    school_a: School, ks1: Collection, la_folder: Path, small_disk: SmallDisk, tmp_path: Path
) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command
    from portal_support import ctf_path

    if not small_disk.real:
        pytest.skip("needs a real file system that fills (root, tmpfs)")
    folder = tmp_path / "transfer"
    folder.mkdir()
    sent = folder / ctf_path(la_folder, school_a).name
    sent.write_bytes(ctf_path(la_folder, school_a).read_bytes())
    small_disk.fill(leave=8192)

    said = StringIO()
    with pytest.raises(CommandError, match="1 file"):
        call_command("importctf", str(folder), stdout=said)
    assert "not saved (the database or the disk failed)" in said.getvalue()
    assert Submission.objects.count() == 0 and small_disk.files() == []
    assert sent.exists()  # left where it is

    small_disk.empty()
    again = StringIO()
    call_command("importctf", str(folder), stdout=again)
    assert "1 received" in again.getvalue()
    assert Submission.objects.get().school == school_a
