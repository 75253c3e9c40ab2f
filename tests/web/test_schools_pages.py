"""The schools pages: the LA administrator loads the register through the page (plan, then
apply), the LA's expected list and its decisions, and a head's KS1 choice, which reaches only
the head's own school."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from portal_builders import make_admin, make_staff, make_window
from portal_support import signed_in

from keystage.web.models import AuditEvent, Collection, ExpectedSchool, RegisterLoad, School

DATA = Path(__file__).parent / "data" / "gias"


def csv_file(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (DATA / name).read_bytes(), content_type="text/csv")


@pytest.fixture
def admin(db: None) -> Client:
    return signed_in(make_admin())


@pytest.fixture
def coming_ks1(db: None) -> Collection:
    """KS1 of a summer whose window has not opened: schools may still opt in or out."""
    today = timezone.localdate()
    return make_window("KS1", opens=today + dt.timedelta(days=10),
                       deadline=today + dt.timedelta(days=30),
                       closes=today + dt.timedelta(days=40))  # fmt: skip


def upload(client: Client, **files: str) -> object:
    return client.post("/la/schools/upload/", {k: csv_file(v) for k, v in files.items()})


def test_the_administrator_sees_the_plan_then_applies_it(admin: Client) -> None:
    sent = upload(admin, extract="register-2026-03.csv", links="links-2026-03.csv",
                  emails="addresses.csv")  # fmt: skip
    assert sent.status_code == 302  # type: ignore[attr-defined]
    page = admin.get("/la/schools/").content.decode()
    assert "What loading these files would change" in page
    assert "Converted to academies" in page and "St Mary\u2019s Catholic Academy" in page
    assert "Replaces St Mary\u2019s RC Primary School (URN 103005)" in page
    assert "office@oakfield-inf.example" in page  # the addresses, in the same plan
    assert not School.objects.exists()
    fingerprint = page.split('name="fingerprint" value="')[1].split('"')[0]
    done = admin.post("/la/schools/apply/", {"fingerprint": fingerprint}, follow=True)
    assert "The register is loaded: 8 new, 1 converted, 3 addresses." in done.content.decode()
    assert School.objects.count() == 9
    assert School.objects.get(urn="103001").head_email == "a.baker@oakfield-inf.example"
    event = AuditEvent.objects.get(action=AuditEvent.Action.SCHOOLS)
    assert event.detail["new"] == 8 and "register-2026-03.csv" in event.what
    load = RegisterLoad.objects.get()
    assert load.applied_at and not (load.extract or load.emails)  # the addresses not kept twice


def test_a_plan_that_no_longer_holds_is_not_applied(admin: Client) -> None:
    upload(admin, extract="register-2026-03.csv")
    page = admin.get("/la/schools/").content.decode()
    fingerprint = page.split('name="fingerprint" value="')[1].split('"')[0]
    School.objects.create(urn="103001", laestab="3302001", name="Typed by hand")
    stale = admin.post("/la/schools/apply/", {"fingerprint": fingerprint}, follow=True)
    assert "The schools changed since this plan was made" in stale.content.decode()
    assert School.objects.count() == 1
    admin.post("/la/schools/discard/")
    assert not RegisterLoad.objects.exists()


def test_a_file_that_is_not_the_register_is_refused_with_the_reason(admin: Client) -> None:
    refused = upload(admin, extract="addresses.csv")
    body = refused.content.decode()  # type: ignore[attr-defined]
    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert "There is a problem" in body and "has no column LA (code)" in body
    empty = admin.post("/la/schools/upload/")
    assert "Choose the register&#x27;s extract, or a file of addresses" in empty.content.decode()
    assert not RegisterLoad.objects.exists()


def test_the_data_team_reads_the_schools_page_but_loads_nothing(la_client: Client) -> None:
    assert (
        "An LA administrator loads the register" in la_client.get("/la/schools/").content.decode()
    )
    extract = csv_file("register-2026-03.csv")
    refused = la_client.post("/la/schools/upload/", {"extract": extract})
    assert refused.status_code == 404 and not RegisterLoad.objects.exists()
    for action in ("apply", "discard"):
        assert la_client.post(f"/la/schools/{action}/").status_code == 404


def test_school_users_cannot_reach_the_las_schools_pages(
    school_a: School, head_a: Client, coming_ks1: Collection
) -> None:
    staff = signed_in(make_staff(school_a, can_sign=True))
    for client in (head_a, staff):
        for url in ("/la/schools/", "/la/schools/upload/", "/la/schools/apply/",
                    "/la/schools/discard/", f"/la/collections/{coming_ks1.pk}/expected/",
                    f"/la/collections/{coming_ks1.pk}/expected/propose/",
                    f"/la/collections/{coming_ks1.pk}/expected/{school_a.pk}/"):  # fmt: skip
            assert client.get(url).status_code == 404
            assert client.post(url, {"expected": "yes", "reason": "x"}).status_code == 404
    assert not ExpectedSchool.objects.exists()


def test_the_la_changes_the_expected_list_with_a_reason(
    schools: list[School], la_client: Client, coming_ks1: Collection
) -> None:
    school = schools[0]
    listed = la_client.get(f"/la/collections/{coming_ks1.pk}/expected/").content.decode()
    assert school.name in listed and "KS1 is optional" in listed
    url = f"/la/collections/{coming_ks1.pk}/expected/{school.pk}/"
    no_reason = la_client.post(url, {"expected": "yes", "reason": ""})
    assert no_reason.status_code == 400 and "Enter the reason" in no_reason.content.decode()
    la_client.post(url, {"expected": "yes", "reason": "Phoned in on 3 March"})
    row = ExpectedSchool.objects.get(collection=coming_ks1, school=school)
    assert (row.expected, row.why, row.reason) == (True, "la", "Phoned in on 3 March")
    la_client.post(f"/la/collections/{coming_ks1.pk}/expected/propose/")
    assert ExpectedSchool.objects.get(pk=row.pk).why == "la"
    shown = la_client.get(f"/la/collections/{coming_ks1.pk}/expected/?show=expected").content
    assert school.name in shown.decode() and schools[1].name not in shown.decode()
    assert AuditEvent.objects.filter(action="expected", school=school.laestab).count() == 1


def test_a_head_opts_in_for_their_own_school_only(
    school_a: School, school_b: School, head_a: Client, head_b: Client, coming_ks1: Collection
) -> None:
    url = f"/collections/{coming_ks1.pk}/taking-part/"
    assert f"/collections/{coming_ks1.pk}/taking-part/" in head_a.get("/").content.decode()
    page = head_a.get(url).content.decode()
    assert "You have not told the LA yet" in page
    assert school_a.name in page and school_b.name not in page
    head_a.post(url, {"taking_part": "yes"})
    assert ExpectedSchool.objects.get().school == school_a
    assert "The LA expects" in head_a.get(url).content.decode()
    page_b = head_b.get(url).content.decode()
    assert "You have not told the LA yet" in page_b and school_a.name not in page_b
    head_b.post(url, {"taking_part": "no"})
    assert "The LA does not expect" in head_b.get(url).content.decode()
    chosen = dict(ExpectedSchool.objects.values_list("school__urn", "why"))
    assert chosen == {school_a.urn: "opted_in", school_b.urn: "opted_out"}


def test_only_the_head_chooses_and_only_before_the_window(
    school_a: School, head_a: Client, coming_ks1: Collection, la_client: Client
) -> None:
    url = f"/collections/{coming_ks1.pk}/taking-part/"
    staff = signed_in(make_staff(school_a))
    assert "Your head teacher says" in staff.get(url).content.decode()
    staff.post(url, {"taking_part": "yes"})
    assert not ExpectedSchool.objects.exists()
    assert la_client.get(url).status_code == 404  # a school's page
    Collection.objects.filter(pk=coming_ks1.pk).update(opens=timezone.localdate())
    late = head_a.post(url, {"taking_part": "yes"}, follow=True).content.decode()
    assert "ask the LA&#x27;s data team to change it" in late
    assert not ExpectedSchool.objects.exists()


def test_a_statutory_collection_offers_no_choice(school_a: School, head_a: Client) -> None:
    today = timezone.localdate()
    ks2 = make_window("KS2", opens=today, deadline=today, closes=today)
    page = head_a.get(f"/collections/{ks2.pk}/taking-part/").content.decode()
    assert "Every school with Year 6 pupils sends KS2" in page
    head_a.post(f"/collections/{ks2.pk}/taking-part/", {"taking_part": "no"})
    assert not ExpectedSchool.objects.exists()


def test_a_workbook_in_place_of_the_csv_is_refused_with_what_to_do(admin: Client) -> None:
    workbook = SimpleUploadedFile("edubase.xlsx", b"PK\x03\x04" + b"\0" * 64)
    refused = admin.post("/la/schools/upload/", {"extract": workbook})
    assert "save it as CSV" in refused.content.decode()
    assert not RegisterLoad.objects.exists()
