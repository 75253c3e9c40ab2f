"""A table the LA publishes is used by a worker process that had already checked files with
the table before it: no process keeps a stale table."""

from __future__ import annotations

from pathlib import Path

import pytest
from codetable_support import table_text, without_exs_in_ks1
from django.test import Client
from fault_support import start_worker, stop, wait_until
from portal_support import ctf_bytes, make_user, upload

from keystage.web.codetables import loading
from keystage.web.models import Collection, Role, School, Submission

pytestmark = pytest.mark.django_db(transaction=True)


def checked(version: int) -> bool:
    return Submission.objects.filter(version=version, status__in=("checked", "refused")).exists()


def invalid(version: int) -> list[str]:
    found = Submission.objects.get(version=version).finding_set.filter(code="RESULT-INVALID")
    return list(found.values_list("message", flat=True))


def test_a_running_worker_checks_with_the_table_published_after_it_started(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path, tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    worker = start_worker(log)
    try:
        upload(head_a, ks1, ctf_bytes(la_folder, school_a))
        wait_until(lambda: checked(1), "the first version to be checked", log)
        assert invalid(1) == []  # the shipped 2025-26 table, now parsed in the worker
        admin = make_user("la.admin", Role.LA_ADMIN)
        row = loading.load_file(without_exs_in_ks1(table_text("2025-26")).encode(),
                                file_name="no-exs.toml", notes="", user=admin)  # fmt: skip
        loading.publish(row, user=admin)  # in this process, not the worker's
        upload(head_a, ks1, ctf_bytes(la_folder, school_a))
        wait_until(lambda: checked(2), "the second version to be checked", log)
    finally:
        stop(worker)
    found = invalid(2)
    assert found and all("EXS" in message for message in found)
