"""A PVI setting in the EYFSP return to the DfE: a child it cannot return (born outside the
funded window) is left out of its file and named, with the setting, in NOT-INCLUDED.txt and on
the exports page; the setting itself still goes. The LA's CSV beside the return holds the
return's pupils and no others, and the audit names left-out providers by their DfE number."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from django.test import Client
from export_support import confirm, csv_rows, send, zip_members
from portal_builders import make_head
from portal_support import ctf_bytes, run_tasks, signed_in
from setting_support import children, make_setting, post_template, setting_template

from keystage.codesets import codeset_for
from keystage.codesets.funded import funded_window
from keystage.exports.collect_reader import read_return
from keystage.exports.collect_spec import spec_for
from keystage.web.models import AuditEvent, Collection, PupilRecord, School, User
from keystage.web.submissions.locks import lock

SETTING_FILE = "330512345_FTF_330DfE_001.xml"


@pytest.fixture
def with_setting(
    schools: list[School], la_folder: Path, officer: User, eyfsp: Collection
) -> tuple[School, str]:
    """Two schools and a setting confirmed and locked; the setting's first child unfunded
    (born the day before the window). Returns the setting and that child's UPN."""
    setting = make_setting()
    head = make_head(setting, email="jo@littleacorns.example")
    pupils = children(setting, eyfsp)
    post_template(signed_in(head), eyfsp, setting_template(setting, eyfsp, pupils))
    run_tasks()
    for school in schools[:2]:
        send(school, eyfsp, ctf_bytes(la_folder, school, "EYFSP"))
    first, _ = funded_window(codeset_for(eyfsp.academic_year).start_year)
    records = PupilRecord.objects.filter(submission__school=setting, submission__is_current=True)
    unfunded = records.order_by("pk")[0]
    unfunded.data = {**unfunded.data, "dob": first.replace(day=1, month=3).isoformat()}
    unfunded.save()
    for school in [*schools[:2], setting]:
        confirm(school, eyfsp)
    lock(eyfsp, None, officer)
    return setting, unfunded.upn


def test_an_unfunded_child_is_left_out_and_the_setting_still_goes(
    with_setting: tuple[School, str], la_client: Client, eyfsp: Collection
) -> None:
    setting, upn = with_setting
    members = zip_members(la_client.get(f"/la/collections/{eyfsp.pk}/exports/dfe.zip"))

    back = read_return(members[SETTING_FILE], spec_for("EYFSP"))
    assert back.children and upn not in {c.upn for c in back.children}
    note = members["NOT-INCLUDED.txt"].decode()
    assert note.startswith("Schools and settings not in this")
    left = note[note.index("Children left out") :]
    assert "Little Acorns Nursery (EY URN 512345): " in left and upn in left
    (csv_name,) = [n for n in members if n.endswith(".csv")]
    assert upn not in members[csv_name].decode()
    page = html.unescape(la_client.get(f"/la/collections/{eyfsp.pk}/exports/").content.decode())
    shown = page[page.index('id="children-left-out"') :]
    assert setting.reference in shown and "left out of the setting's file" in shown
    assert "EYR-FUNDED" not in page[page.index('id="dfe') : page.index('id="children-left-out"')]


def test_the_las_csv_holds_the_returns_pupils_only(
    with_setting: tuple[School, str], schools: list[School], la_client: Client, eyfsp: Collection
) -> None:
    _, upn = with_setting
    a = schools[0]
    record = PupilRecord.objects.filter(submission__school=a, submission__is_current=True)[0]
    record.data = {**record.data, "sex": "X"}  # an error keeps school A out of the return
    record.save()

    body = la_client.get(f"/la/collections/{eyfsp.pk}/exports/la.csv").content
    members = zip_members(la_client.get(f"/la/collections/{eyfsp.pk}/exports/dfe.zip"))

    (csv_name,) = [n for n in members if n.endswith(".csv")]
    assert body == members[csv_name]
    upns = {row["UPN"] for row in csv_rows(body)}
    assert upn not in upns and record.upn not in upns
    files = [n for n in members if n.endswith(".xml")]
    in_files = {c.upn for n in files for c in read_return(members[n], spec_for("EYFSP")).children}
    assert upns == in_files
    event = AuditEvent.objects.filter(detail__export="dfe-return").get()
    assert a.number in event.detail["left_out"] and a.urn not in event.detail["left_out"]
