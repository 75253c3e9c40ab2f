"""PVI early years settings as providers beside schools: the model, the LA's provider list
loaded as a plan then applied (page and command), who expects them, and their accounts."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from portal_builders import make_admin, make_school, make_window
from portal_support import signed_in
from setting_support import PROVIDER_LIST, make_setting

from keystage.web.accounts.heads import make_accounts, schools_without_account
from keystage.web.models import RegisterLoad, School, User
from keystage.web.schools import expected
from keystage.web.schools.gias import RegisterError
from keystage.web.schools.plan import Kind
from keystage.web.schools.register import apply, load_register, plan_settings

pytestmark = pytest.mark.django_db


# -- The model -----------------------------------------------------------------------------------


def test_a_setting_is_named_by_its_ey_urn_and_has_its_la_without_a_laestab():
    setting = make_setting()
    school = make_school()
    assert setting.is_setting and not school.is_setting
    assert setting.reference == "Little Acorns Nursery (EY URN 512345)"
    assert (setting.la, setting.urn, setting.kind, setting.laestab) == (
        "330",
        "512345",
        "setting",
        "",
    )
    assert (school.la, school.reference) == ("330", "Meadow Lane Primary (3309999)")
    assert (setting.number, school.number) == ("512345", "3309999")
    assert (
        setting.contact_name == "Jo Bloggs" and setting.contact_email == "jo@littleacorns.example"
    )


def test_settings_blank_laestabs_never_collide_but_schools_still_do():
    make_setting()
    make_setting(urn="612345", name="Other Nursery")  # both blank: allowed
    make_school()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_school(urn="188888", name="Another open school, same LAESTAB")


# -- The provider list -----------------------------------------------------------------------------


def test_the_provider_list_is_planned_then_applied_with_its_contacts():
    plan = plan_settings(PROVIDER_LIST, la="330")
    assert [c.name for c in plan.of(Kind.NEW)] == ["Little Acorns Nursery", "Sam Childminder"]
    assert plan.groups[0][0] == "New settings"
    assert not School.objects.exists()  # a plan writes nothing
    apply(plan)
    acorns = School.objects.get(urn="512345")
    assert acorns.is_setting and acorns.la == "330" and acorns.laestab == ""
    assert (acorns.type, acorns.contact_name, acorns.contact_email, acorns.contact_phone,
            acorns.district) == ("Private nursery", "Jo Bloggs", "jo@littleacorns.example",
                                 "0121 496 0001", "B13")  # fmt: skip
    again = plan_settings(PROVIDER_LIST.replace("Jo Bloggs", "Jo Smith"), la="330")
    [change] = again.changes
    assert [(d.label, d.was, d.becomes) for d in change.differences] == [
        ("Contact's surname", "Bloggs", "Smith")]  # fmt: skip


def test_headings_as_people_write_them_are_read():
    text = "Early Years URN,Provider Name,Type of provider,Manager,E-mail,Phone,LA\n" \
           "712345,Tiny Steps,Voluntary,Ann Lee,ann@tiny.example,0121,331\n"  # fmt: skip
    apply(plan_settings(text))
    tiny = School.objects.get(urn="712345")
    assert (tiny.name, tiny.type, tiny.contact_name, tiny.la) == (
        "Tiny Steps", "Voluntary", "Ann Lee", "331")  # fmt: skip


@pytest.mark.parametrize("urn", ["412345", "51234", "5123456", "51234X", ""])
def test_a_row_without_an_early_years_urn_is_refused_with_its_row(urn: str):
    text = PROVIDER_LIST + f"{urn},Bad Row Nursery,Private nursery,,,,\n"
    with pytest.raises(RegisterError) as refused:
        plan_settings(text, la="330")
    said = str(refused.value)
    assert "Row 4: Bad Row Nursery" in said
    assert "6 digits starting 5, 6 or 7" in said
    assert not School.objects.exists()


def test_the_la_number_comes_from_the_schools_register_when_the_list_has_none(la_folder: Path):
    with pytest.raises(RegisterError, match="no LA number"):
        plan_settings(PROVIDER_LIST)
    apply(load_register(la_folder / "schools.csv"))
    apply(plan_settings(PROVIDER_LIST))
    assert School.objects.get(urn="512345").la == "330"


def test_each_list_leaves_the_other_kinds_providers_alone(la_folder: Path):
    apply(plan_settings(PROVIDER_LIST, la="330"))
    register = load_register(la_folder / "schools.csv")
    assert not register.missing  # the settings are not "missing" from the register
    apply(register)
    again = plan_settings(PROVIDER_LIST, la="330")
    assert not again.missing and not again.changes  # nor the schools from the list


def test_a_urn_held_by_the_other_kind_is_refused_not_turned_into_it():
    """A provider list naming a school's URN would make the school a setting (its LAESTAB
    blanked, its versions a setting's): refused, naming both."""
    school = make_school(name="Oak Lane Primary", laestab="3302001", urn="512345")
    with pytest.raises(RegisterError) as refused:
        plan_settings(PROVIDER_LIST, la="330")
    assert "URN 512345 is Little Acorns Nursery in this file" in str(refused.value)
    assert "Oak Lane Primary (3302001)" in str(refused.value)
    school.refresh_from_db()
    assert (school.kind, school.laestab) == ("school", "3302001")


def test_the_loadsettings_command_shows_then_applies(tmp_path: Path):
    path = tmp_path / "providers.csv"
    path.write_text(PROVIDER_LIST)
    out = io.StringIO()
    call_command("loadsettings", str(path), "--la", "330", "--dry-run", stdout=out)
    assert "New settings: 2" in out.getvalue() and not School.objects.exists()
    call_command("loadsettings", str(path), "--la", "330", stdout=io.StringIO())
    assert School.objects.filter(kind="setting").count() == 2


def test_the_la_admin_uploads_the_list_sees_the_plan_and_applies_it(la_folder: Path):
    apply(load_register(la_folder / "schools.csv"))
    admin = signed_in(make_admin())
    upload = SimpleUploadedFile("providers.csv", PROVIDER_LIST.encode())
    assert admin.post("/la/settings/upload/", {"providers": upload}).status_code == 302
    page = admin.get("/la/settings/").content.decode()
    assert "New settings (2)" in page and "Little Acorns Nursery" in page
    assert not School.objects.filter(kind="setting").exists()
    fingerprint = plan_settings(PROVIDER_LIST).fingerprint()
    admin.post("/la/settings/apply/", {"fingerprint": fingerprint})
    assert School.objects.filter(kind="setting").count() == 2
    assert RegisterLoad.objects.get(kind="setting").applied_at is not None
    page = admin.get("/la/settings/").content.decode()
    assert "EY URN 512345" in page and "Jo Bloggs" in page
    schools_page = admin.get("/la/schools/").content.decode()
    assert "Little Acorns" not in schools_page  # the schools page lists schools only


def test_a_bad_list_is_refused_on_the_page_with_the_row():
    admin = signed_in(make_admin())
    bad = PROVIDER_LIST + "41234,Bad Row Nursery,,,,,\n"
    upload = SimpleUploadedFile("providers.csv", bad.encode())
    response = admin.post("/la/settings/upload/", {"providers": upload})
    assert response.status_code == 400
    assert "Row 4: Bad Row Nursery: EY URN" in response.content.decode()
    assert not RegisterLoad.objects.exists()


# -- Who expects a setting, and its account --------------------------------------------------------


@pytest.mark.parametrize("listed", [True, False])
def test_a_setting_is_expected_for_the_eyfsp_only(listed: bool):
    setting, school = make_setting(), make_school()
    windows = {kind: make_window(kind) for kind in ("EYFSP", "PHON", "KS1", "KS2")}
    if listed:
        for window in windows.values():
            expected.propose(window)
    assert setting.pk in expected.expected_school_ids(windows["EYFSP"])
    for kind in ("PHON", "KS1", "KS2"):
        assert setting.pk not in expected.expected_school_ids(windows[kind])
        assert not expected.is_expected(windows[kind], setting)
    assert school.pk in expected.expected_school_ids(windows["EYFSP"])
    entries, _ = expected.entries(windows["PHON"])
    assert [e.expected for e in entries if e.school == setting] == [False]


def test_accounts_in_bulk_are_made_for_settings_signing_in_with_the_ey_urn():
    setting = make_setting()
    assert setting in schools_without_account()
    request = RequestFactory().post("/")
    request.user = make_admin()
    [account] = make_accounts(request, [setting])
    assert account.username == "512345" and account.school == setting
    assert (account.first_name, account.last_name, account.email) == (
        "Jo", "Bloggs", "jo@littleacorns.example")  # fmt: skip
    assert User.objects.get(username="512345").role == "head"
