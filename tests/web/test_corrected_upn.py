"""A head fixes an invalid UPN as told: the next version is the same pupil, not a dropped one
(VERSION-PUPILS-DROPPED), and the LA sees the corrected UPN noted on the version."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from django.test import Client
from portal_support import ctf_bytes, run_tasks, upload

from keystage.ctf.model import Pupil
from keystage.web.models import Collection, School, Submission


def mistyped(pupils: list[Pupil]) -> list[Pupil]:
    first = pupils[0]
    upn = first.upn or ""
    wrong = ("B" if upn[0] != "B" else "C") + upn[1:]  # the check letter no longer fits
    return [dataclasses.replace(first, upn=wrong), *pupils[1:]]


def test_a_corrected_upn_is_not_a_dropped_pupil_and_the_la_sees_it_noted(
    head_a: Client, la_client: Client, school_a: School, ks1: Collection, la_folder: Path
) -> None:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a, change=mistyped))
    run_tasks()
    first = Submission.objects.get(school=school_a, version=1)
    assert list(first.finding_set.values_list("code", flat=True)) == ["UPN-INVALID"]

    upload(head_a, ks1, ctf_bytes(la_folder, school_a))  # fixed in the MIS, as told
    run_tasks()
    fixed = Submission.objects.get(school=school_a, version=2)
    codes = list(fixed.finding_set.values_list("code", "severity"))
    assert codes == [("VERSION-UPN-CORRECTED", "note")]
    assert (fixed.errors, fixed.queries, fixed.is_current) == (0, 0, True)
    page = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    assert "Ready to confirm" in page and "VERSION-PUPILS-DROPPED" not in page

    la_page = la_client.get(f"/la/collections/{ks1.pk}/schools/{school_a.pk}/").content.decode()
    assert "Notes for the data team" in la_page and "the UPN is corrected from" in la_page
