"""Values longer than the store's columns: the file is checked, never "could not be checked".

PostgreSQL refuses a value longer than its column (SQLite keeps it), so these tests matter most
there: `make test` runs tests/web again on PostgreSQL. Every limit is read from the models,
never written here, so a column made narrower is tested at its new width.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import CharField, Model
from django.test import Client
from portal_support import ctf_bytes, ctf_path, run_tasks, upload
from template_support import fill

from keystage.checks import REGISTRY
from keystage.checks.rules.pupil import LONGEST
from keystage.codesets import codeset_for
from keystage.ctf.model import Assessment, Pupil
from keystage.ctf.reader import read_all
from keystage.template import MEDIA_TYPE
from keystage.web.models import Collection, FindingRecord, PupilRecord, School, Submission


def width(model: type[Model], name: str) -> int:
    length = model._meta.get_field(name).max_length
    assert length is not None
    return int(length)


def char_fields(model: type[Model]) -> list[CharField[str, str]]:
    return [f for f in model._meta.concrete_fields if isinstance(f, CharField) and f.max_length]


def assert_within_columns(rows: list[Model]) -> None:
    """No stored text longer than its column (which PostgreSQL enforces and SQLite does not)."""
    assert rows
    for row in rows:
        for field in char_fields(type(row)):
            value = getattr(row, field.attname)
            assert len(value) <= field.max_length, f"{type(row).__name__}.{field.name}: {value!r}"


def oversized(pupils: list[Pupil]) -> list[Pupil]:
    """The first six pupils each carry a value one longer than its column: a UPN, a surname
    (of ß, which doubles as a finding's upper-case pupil name), a forename, an NC year, a sex,
    and an assessment whose component no code table has."""
    one_more = {name: width(PupilRecord, name) + 1 for name in ("upn", "forename", "nc_year")}
    odd = Assessment("KS1", "ENG", "TA", "C" * (width(FindingRecord, "field") + 1), "TA",
                     result="EXS", year="2026")  # fmt: skip
    changes: list[dict[str, object]] = [
        {"upn": (pupils[0].upn or "").ljust(one_more["upn"], "9")},
        {"surname": "ß" * (width(PupilRecord, "surname") + 1)},
        {"forename": "F" * one_more["forename"]},
        {"nc_year": "Y" * one_more["nc_year"]},
        {"sex": "F" * (width(PupilRecord, "sex") + 1)},
        {"assessments": (*pupils[5].assessments, odd)},
    ]
    changed = [dataclasses.replace(p, **c) for p, c in zip(pupils, changes, strict=False)]
    return [*changed, *pupils[len(changes) :]]


def send_ctf(client: Client, ks1: Collection, la_folder: Path, school: School) -> None:
    long_name = "n" * (width(Submission, "original_name") + 40) + ".xml"
    upload(client, ks1, ctf_bytes(la_folder, school, change=oversized), name=long_name)


def send_template(client: Client, ks1: Collection, la_folder: Path, school: School) -> None:
    template = client.get(f"/collections/{ks1.pk}/template.xlsx").content
    _, pupils = read_all(ctf_path(la_folder, school))
    content = fill(template, oversized(pupils), "KS1", codeset_for(ks1.academic_year))
    client.post(
        f"/collections/{ks1.pk}/",
        {"file": SimpleUploadedFile("ks1.xlsx", content, content_type=MEDIA_TYPE)},
    )


Send = Callable[[Client, Collection, Path, School], None]


@pytest.mark.parametrize(
    ("send", "also"),
    [(send_ctf, {"RESULT-UNKNOWN-ASSESSMENT"}), (send_template, set())],  # a template's
    ids=["ctf", "template"],  # columns are fixed: it has no assessment of its own
)
def test_values_longer_than_their_columns_are_checked_and_told(
    head_a: Client, ks1: Collection, la_folder: Path, school_a: School, send: Send, also: set[str]
) -> None:
    send(head_a, ks1, la_folder, school_a)
    run_tasks()
    version = Submission.objects.get(school=school_a, collection=ks1)
    assert version.status == Submission.Status.CHECKED
    assert_within_columns([version])
    assert_within_columns(list(version.pupil_set.all()))
    assert_within_columns(list(version.finding_set.all()))
    found = {(f.code, f.field) for f in version.finding_set.all()}
    assert {("UPN-INVALID", "UPN"), ("FIELD-TOO-LONG", "Surname"),
            ("FIELD-TOO-LONG", "Forename"), ("FIELD-TOO-LONG", "NCyearActual"),
            ("SEX-INVALID", "Sex")} <= found  # fmt: skip
    assert also <= {code for code, _ in found}
    page = head_a.get(f"/files/{version.pk}/").content.decode()
    assert "could not be checked" not in page.casefold()
    assert "characters long; a surname can have at most" in page


def test_the_whole_value_stays_in_the_pupils_data(
    head_a: Client, ks1: Collection, la_folder: Path, school_a: School
) -> None:
    send_ctf(head_a, ks1, la_folder, school_a)
    run_tasks()
    records = PupilRecord.objects.filter(submission__school=school_a)
    surname = next(r for r in records if r.data["surname"].startswith("ß"))
    assert len(surname.data["surname"]) == width(PupilRecord, "surname") + 1
    assert surname.surname.endswith("…") and len(surname.surname) == width(PupilRecord, "surname")
    nc_year = next(r for r in records if (r.data["nc_year"] or "").startswith("YY"))
    assert nc_year.nc_year == ""  # not a real NC year: blank, never cut into another
    sex = next(r for r in records if (r.data["sex"] or "").startswith("FF"))
    assert sex.sex == ""  # never cut to a sex the file did not give


def test_a_upn_too_long_is_never_cut_into_another_childs(
    head_a: Client, head_b: Client, ks1: Collection, la_folder: Path, school_a: School,
    school_b: School,
) -> None:  # fmt: skip
    """A's pupil's UPN is one of B's children's UPNs with a digit more: cut to 13 characters it
    would be that child's, and the cross-school check (which matches on UPN) would tell."""
    upload(head_b, ks1, ctf_bytes(la_folder, school_b))
    run_tasks()
    theirs = PupilRecord.objects.filter(submission__school=school_b).order_by("id")[0].upn

    def borrowed(pupils: list[Pupil]) -> list[Pupil]:
        return [dataclasses.replace(pupils[0], upn=theirs + "7"), *pupils[1:]]

    upload(head_a, ks1, ctf_bytes(la_folder, school_a, change=borrowed))
    run_tasks()
    a = Submission.objects.get(school=school_a, collection=ks1)
    assert a.status == Submission.Status.CHECKED
    assert not PupilRecord.objects.filter(submission=a, upn=theirs).exists()
    assert not FindingRecord.objects.filter(upn=theirs).exists()
    assert not FindingRecord.objects.filter(code="PUPIL-OTHER-SCHOOL").exists()
    invalid = FindingRecord.objects.get(submission=a, code="UPN-INVALID")
    assert invalid.upn == "" and f"{theirs}7" in invalid.message
    assert "it has 14 characters, not 13" in invalid.message


def test_the_checks_own_values_fit_the_store() -> None:
    """What the checks write of their own (codes, severities) and the longest values the
    checks let through without a finding fit the columns that keep them."""
    for code, item in REGISTRY.items():
        assert len(code) <= min(width(FindingRecord, "code"), width(Submission, "refusal_code"))
        assert len(item.severity.value) <= width(FindingRecord, "severity")
    columns = {"Surname": "surname", "Forename": "forename", "NCyearActual": "nc_year"}
    for field, longest in LONGEST.items():
        assert longest <= width(PupilRecord, columns[field]), field
    for year in ("2024-25", "2025-26"):
        for sex in codeset_for(year).code_set("sex"):
            assert len(sex) <= width(PupilRecord, "sex")
