"""The return to the DfE (EYFSP and phonics: a COLLECT XML file a confirmed, locked school and
the LA's CSV, in a ZIP): who goes in, the DfE's checks shown before the file with the school
to chase, a decision on a pupil in two schools' files applied, and the round trip: the files
read back give the pupils and the headline figures of the LA's results page."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from django.test import Client
from export_support import confirm, csv_rows, ready, send, zip_members
from portal_builders import make_answers, make_head, make_window
from portal_support import ctf_bytes, run_tasks, signed_in
from setting_support import children, make_setting, post_template, setting_template
from signing import sign

from keystage.checks.rules.header import school_name
from keystage.codesets import codeset_for
from keystage.codesets import providers as codesets_providers
from keystage.ctf.model import Pupil, SchoolRef
from keystage.exports import collect_checks
from keystage.exports.collect import Establishment
from keystage.exports.collect_reader import pupils_of, read_return
from keystage.exports.collect_spec import spec_for
from keystage.measures import Measure, compute
from keystage.web.exports import files as exports
from keystage.web.models import AuditEvent, Collection, PupilRecord, School, Submission, User
from keystage.web.results.page import results_context
from keystage.web.results.pupils import pupils
from keystage.web.schools import providers
from keystage.web.submissions.locks import lock

CODESET = codeset_for("2025-26")


def name_of(school: School, number: int = 1) -> str:
    return f"{school.laestab}_FTF_{school.la}DfE_{number:03d}.xml"


def headlines(collection: Collection) -> dict[str, float | None]:
    """The LA's figures as its results page shows them (percentages and averages)."""
    overall = results_context(collection, None)["overall"]
    return {c.measure: c.ours.percent if c.ours.kind == "percent" else c.ours.value
            for c in overall}  # fmt: skip


@pytest.mark.parametrize(("kind", "headline"), [("EYFSP", "eyfsp_gld"), ("PHON", "phon_y1_met")])
def test_the_return_read_back_gives_the_results_pages_pupils_and_figures(
    kind: str, headline: str, schools: list[School], la_folder: Path, officer: User,
    la_client: Client,
) -> None:  # fmt: skip
    collection = make_window(kind)
    ready(schools, collection, la_folder, officer)
    spec = spec_for(kind)

    members = zip_members(la_client.get(f"/la/collections/{collection.pk}/exports/dfe.zip"))

    assert "NOT-INCLUDED.txt" not in members
    everyone: list[Pupil] = []
    for school in schools:
        back = read_return(members[name_of(school)], spec)
        assert back.header.la == "330" and back.header.collection == spec.collection.value
        assert (back.establishment.la, back.establishment.estab) == (school.la, school.estab)
        theirs = pupils(collection, school)
        assert [c.upn for c in back.children] == [p.upn for p in theirs]
        everyone += pupils_of(back.children, spec, CODESET)
    assert len({p.upn for p in everyone}) == len(everyone)
    figures = {m.measure: (m.percent if m.kind == "percent" else m.value)
               for m in _all(everyone, kind)}  # fmt: skip
    page = headlines(collection)
    assert page[headline] is not None
    assert {m: figures[m] for m in page} == page
    (csv_name,) = [n for n in members if n.endswith(".csv")]
    assert csv_name == f"330_{kind}_2025-26_pupils.csv"
    assert len(csv_rows(members[csv_name])) == len(everyone)


def _all(found: list[Pupil], kind: str) -> list[Measure]:
    return [m for m in compute(found, kind, CODESET) if m.group == "all"]


def test_a_failing_check_is_shown_with_the_school_to_chase_and_keeps_it_out(
    schools: list[School], la_folder: Path, officer: User, la_client: Client, eyfsp: Collection
) -> None:
    ready(schools, eyfsp, la_folder, officer)
    a, b = schools[0], schools[1]
    record = PupilRecord.objects.filter(submission__school=a, submission__is_current=True)[0]
    record.data = {**record.data, "sex": "X"}  # as a code-table change might leave it
    record.save()

    page = la_client.get(f"/la/collections/{eyfsp.pk}/exports/").content.decode()

    checks = page[page.index('id="dfe-checks"') : page.index('id="dfe-zip"')]
    assert "EYR-SEX" in checks and a.name in checks
    assert f'href="/la/collections/{eyfsp.pk}/schools/{a.pk}/"' in checks
    assert "the return takes F or M" in checks
    members = zip_members(la_client.get(f"/la/collections/{eyfsp.pk}/exports/dfe.zip"))
    assert name_of(a) not in members and name_of(b) in members
    note = members["NOT-INCLUDED.txt"].decode()
    assert f"{a.name} ({a.laestab}): 1 error in the DfE's checks" in note
    response = la_client.get(f"/la/collections/{eyfsp.pk}/exports/dfe/{a.pk}.xml", follow=True)
    assert "sex is X" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.DOWNLOAD)
    assert name_of(a) not in event.detail["files"] and a.number in event.detail["left_out"]


def test_a_child_in_two_schools_files_keeps_both_out_until_the_la_decides(
    schools: list[School], la_folder: Path, officer: User, la_client: Client, eyfsp: Collection
) -> None:
    a, b, c = schools
    send(a, eyfsp, ctf_bytes(la_folder, a, "EYFSP"))
    taken = pupils(eyfsp, a)[0]

    def change(found: list[Pupil]) -> list[Pupil]:
        return [dataclasses.replace(found[0], upn=taken.upn), *found[1:]]

    send(b, eyfsp, ctf_bytes(la_folder, b, "EYFSP", change=change))  # type: ignore[arg-type]
    send(c, eyfsp, ctf_bytes(la_folder, c, "EYFSP"))
    for school in schools:
        confirm(school, eyfsp)
    lock(eyfsp, None, officer)
    page = la_client.get(f"/la/collections/{eyfsp.pk}/exports/").content.decode()
    assert page.count("EYR-CHILD-ONCE") == 2 and "shared pupils page" in page

    la_client.post(f"/la/collections/{eyfsp.pk}/moves/{taken.upn}/", {"school": b.pk})
    members = zip_members(la_client.get(f"/la/collections/{eyfsp.pk}/exports/dfe.zip"))

    spec = spec_for("EYFSP")
    holding = [n for n, body in members.items() if n.endswith(".xml")
               and taken.upn in {ch.upn for ch in read_return(body, spec).children}]  # fmt: skip
    assert holding == [name_of(b)] and "NOT-INCLUDED.txt" not in members


def test_only_confirmed_and_locked_schools_go_and_the_others_are_listed(
    schools: list[School], la_folder: Path, officer: User, la_client: Client, phon: Collection
) -> None:
    a, b, c = schools
    for school in (a, b):
        send(school, phon, ctf_bytes(la_folder, school, "PHON"))
        confirm(school, phon)
    lock(phon, a, officer)  # A locked on its own; B confirmed but not locked; C not started
    page = la_client.get(f"/la/collections/{phon.pk}/exports/").content.decode()
    included = page[page.index('id="included"') : page.index('id="missing"')]
    missing = page[page.index('id="missing"') :]
    assert a.name in included and b.name not in included and c.name not in included
    assert b.name in missing and "Not locked" in missing
    assert 'id="dfe-checks-clear"' in page

    members = zip_members(la_client.get(f"/la/collections/{phon.pk}/exports/dfe.zip"))
    assert sorted(members) == sorted([name_of(a), "330_PHON_2025-26_pupils.csv",
                                      "NOT-INCLUDED.txt"])  # fmt: skip
    assert f"{b.name} ({b.laestab}): Not locked" in members["NOT-INCLUDED.txt"].decode()
    response = la_client.get(f"/la/collections/{phon.pk}/exports/dfe/{b.pk}.xml", follow=True)
    assert "cannot go yet: Not locked" in response.content.decode()
    single = la_client.get(f"/la/collections/{phon.pk}/exports/dfe/{a.pk}.xml")
    assert single.status_code == 200 and name_of(a, 2) in single["Content-Disposition"]
    assert read_return(single.content, spec_for("PHON")).header.serial_no == "002"


def test_nothing_to_export_says_so(
    la_client: Client, schools: list[School], eyfsp: Collection
) -> None:
    response = la_client.get(f"/la/collections/{eyfsp.pk}/exports/dfe.zip", follow=True)
    assert "No school is both confirmed and locked yet" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).exists()


def test_ks1_is_not_returned_to_the_dfe(
    schools: list[School], la_folder: Path, officer: User, la_client: Client, ks1: Collection
) -> None:
    ready(schools, ks1, la_folder, officer)
    base = f"/la/collections/{ks1.pk}/exports/"
    page = la_client.get(base).content.decode()
    assert 'id="dfe-not-this"' in page and "dfe.zip" not in page
    for url in ("dfe.zip", f"dfe/{schools[0].pk}.xml", "la.csv"):
        assert la_client.get(base + url).status_code == 404, url


def test_a_school_cannot_download_the_return(
    schools: list[School], la_folder: Path, officer: User, head_a: Client, eyfsp: Collection
) -> None:
    ready(schools, eyfsp, la_folder, officer)
    base = f"/la/collections/{eyfsp.pk}/exports/"
    for url in ("", "dfe.zip", f"dfe/{schools[0].pk}.xml"):
        assert head_a.get(base + url).status_code in (403, 404), url
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).exists()


def test_a_school_and_a_setting_map_to_their_establishments() -> None:
    """The one mapping from the portal's providers: a school by its DfE number, a PVI setting
    (School.is_setting) by its early years URN."""
    school = School(laestab="3302001", urn="103210", name="Oak Lane")
    assert exports.establishment_of(school) == Establishment("330", "2001", name="Oak Lane")
    setting = School(
        kind="setting", laestab="", la_number="330", urn="512345", name="Little Acorns"
    )
    made = exports.establishment_of(setting)
    assert (made.is_setting, made.ey_urn, made.estab, made.la) == (True, "512345", None, "330")
    assert made.label == setting.reference == "Little Acorns (EY URN 512345)"
    ref = SchoolRef(name="Little Acorns", urn="512345")
    assert school_name(ref) == setting.reference  # the upload's checks name it the same


# -- A PVI setting in the return, from its template to the ZIP -----------------------------------


def setting_sends(setting: School, window: Collection, officer: User, number: int = 0) -> None:
    """The setting's user uploads its filled template (number 1: the demo's setting with a child
    born before the funded window); it is checked, its queries answered, signed through the
    confirmation page, and the setting locked."""
    user = signed_in(make_head(setting, email="jo@littleacorns.example"))
    pupils = children(setting, window, number)
    assert post_template(user, window, setting_template(setting, window, pupils)).status_code == 302
    run_tasks()
    version = Submission.objects.get(school=setting, collection=window, is_current=True)
    assert (version.status, version.errors) == ("checked", 0)
    make_answers(version, text="The date of birth is right.")
    sign(setting, window)
    lock(window, setting, officer)


def test_a_settings_template_goes_in_the_zip_under_its_early_years_urn(
    schools: list[School], la_folder: Path, officer: User, la_client: Client, eyfsp: Collection
) -> None:
    setting = make_setting()
    setting_sends(setting, eyfsp, officer)
    ready(schools, eyfsp, la_folder, officer)  # (locks the whole collection)

    page = la_client.get(f"/la/collections/{eyfsp.pk}/exports/").content.decode()
    included = page[page.index('id="included"') : page.index('id="missing"')]
    assert setting.name in included and 'id="dfe-checks-clear"' in page
    members = zip_members(la_client.get(f"/la/collections/{eyfsp.pk}/exports/dfe.zip"))

    assert "NOT-INCLUDED.txt" not in members
    back = read_return(members["330512345_FTF_330DfE_001.xml"], spec_for("EYFSP"))
    assert back.establishment == Establishment("330", None, ey_urn="512345", is_setting=True)
    assert [c.upn for c in back.children] == [p.upn for p in pupils(eyfsp, setting)]
    assert len(back.children) == len(children(setting, eyfsp)) > 0
    for school in schools:  # the schools' files are still keyed by their DfE numbers
        assert read_return(members[name_of(school)], spec_for("EYFSP")).establishment.estab


def test_one_ey_urn_rule_for_the_provider_list_and_the_returns_checks() -> None:
    assert providers.EY_URN is collect_checks.EY_URN is codesets_providers.EY_URN
