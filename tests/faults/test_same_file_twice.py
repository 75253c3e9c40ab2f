"""The same file uploaded twice at once (two people at one school, or a double click).

Chosen: both uploads are accepted, as versions 1 and 2. Every upload is stored as received
and recorded in the audit trail (DESIGN: "every upload is stored as received"), so neither is
silently dropped; the two versions have the same hash and the same findings, and the later one
is current. Refusing the second as a duplicate would need the first to have committed (which
it may not have, at once) and would hide an upload from the school's history.

What must hold: no two versions share a number (the one_number_a_version constraint, checked
here in the database itself), both are checked, exactly one is current.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client
from fault_support import run_ready
from portal_builders import make_staff, make_submission
from portal_support import ctf_bytes, signed_in, upload

from keystage.web.models import AuditEvent, Collection, School, Submission

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_version_number_is_unique_in_the_database(school_a: School, ks1: Collection) -> None:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Submission._meta.db_table)
    unique = found["one_number_a_version"]
    assert unique["unique"] and unique["columns"] == ["school_id", "collection_id", "version"]
    make_submission(school_a, ks1, version=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_submission(school_a, ks1, version=1)


def test_the_same_file_uploaded_twice_at_once_makes_two_versions_one_current(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path
) -> None:
    staff = make_staff(school_a, "staff.a@example.org")
    clients = [head_a, signed_in(staff)]
    content = ctf_bytes(la_folder, school_a)
    together = threading.Barrier(2)

    def send(client: Client) -> int:
        try:
            together.wait(timeout=30)
            return upload(client, ks1, content).status_code
        finally:
            connections.close_all()  # this thread's connections

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(send, clients))
    assert answers == [302, 302]

    versions = list(Submission.objects.order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].sha256 == versions[1].sha256 != ""
    assert versions[0].file.name != versions[1].file.name  # each kept as received
    assert AuditEvent.objects.filter(action="upload").count() == 2

    run_ready()
    for version in versions:
        version.refresh_from_db()
    assert [v.status for v in versions] == ["checked", "checked"]
    assert [v.is_current for v in versions] == [False, True]
    assert versions[0].pupils == versions[1].pupils > 0

    page = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    assert "Version 2</a>:" in page  # the current version
    for version in versions:  # both in the table of versions
        assert f'href="/files/{version.pk}/">{version.version}</a>' in page
