"""Words a school office understands: codes and tuples meant for machines never reach people's
pages (issue 14, item 15); the code stays beside a message for whoever phones the LA."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from django.test import Client
from portal_builders import make_window
from portal_support import ctf_bytes, run_tasks, upload

from keystage.ctf.model import Pupil
from keystage.web.models import Collection, School, Submission


def test_a_collection_is_named_as_people_say_it(head_a: Client, la_client: Client) -> None:
    window = make_window("PHON")
    assert window.short_name == "Phonics 2026"
    pages = [
        head_a.get("/").content.decode(),
        head_a.get(f"/collections/{window.pk}/").content.decode(),
        la_client.get("/la/").content.decode(),
        la_client.get(f"/la/collections/{window.pk}/").content.decode(),
    ]
    for page in pages:
        assert "PHON 20" not in page and "PHON " not in page.split("<main", 1)[-1]


def one_line(content: bytes) -> bytes:
    """The file as some MIS write it: every element on one line."""
    return re.sub(rb">\s+<", b"><", content)


def test_a_finding_names_its_field_and_its_pupil_not_tuples_or_lines(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path, la_client: Client
) -> None:
    def science_is_a_pre_key_stage_and_two_share_a_upn(pupils: list[Pupil]) -> list[Pupil]:
        first, second, *rest = pupils
        science = [
            dataclasses.replace(a, result="PK2") if a.component == "SCI" else a
            for a in first.assessments
        ]
        twin = dataclasses.replace(second, upn=first.upn)
        return [dataclasses.replace(first, assessments=tuple(science)), twin, *rest]

    content = ctf_bytes(la_folder, school_a, change=science_is_a_pre_key_stage_and_two_share_a_upn)
    upload(head_a, ks1, one_line(content))
    run_tasks()
    version = Submission.objects.get(school=school_a)
    codes = set(version.finding_set.values_list("code", flat=True))
    assert {"KS1-SCIENCE-PK", "UPN-DUPLICATE"} <= codes
    for client, url in (
        (head_a, f"/files/{version.pk}/"),
        (la_client, f"/la/collections/{ks1.pk}/schools/{school_a.pk}/"),
    ):
        page = client.get(url).content.decode()
        assert "KS1 SCI TA SCI" not in page and "(Science)" in page
        assert "(line " not in page  # one line: a line number would be the same for all
        assert "pupil 1 in the file" in page  # which pupil, instead
        assert "KS1-SCIENCE-PK" in page  # the code stays, for whoever phones the LA


def test_a_version_refused_by_the_check_reads_as_words(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path
) -> None:
    """Broken near its end (an '&' typed into the last pupil's name), the file passes the read
    at upload and is refused by the whole check: its row says why in words, code beside."""
    content = ctf_bytes(la_folder, school_a)
    cut = content.rindex(b"<Surname>") + len(b"<Surname>")
    upload(head_a, ks1, content[:cut] + b"Smith & Jones " + content[cut:])
    run_tasks()
    version = Submission.objects.get(school=school_a)
    assert (version.status, version.refusal_code) == ("refused", "FILE-NOT-XML")
    page = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    row = page.split('id="versions"', 1)[-1] if 'id="versions"' in page else page
    assert "Refused: FILE-NOT-XML" not in row
    assert "Not accepted: " in row and "(FILE-NOT-XML)" in row
