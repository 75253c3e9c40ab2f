"""From 2026 the NCA Portal's results alone feed the KS2 figures, results page, reports and
exports; schools' own KS2 uploads (for checking TA) stay possible, shown apart: a school sees
its own upload, never the imported results; the LA sees both, labelled. Moderation and appeals
attach to the imported results (tests/web/moderation/test_nca_results.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone
from moderation_world import figures
from portal_builders import make_window
from portal_support import ctf_bytes, run_tasks, upload

from keystage.web.exports.files import readiness
from keystage.web.models import Collection, MoveDecision, Report, School, Submission, User
from keystage.web.ops.demo_nca import import_combined
from keystage.web.reminders.sending import send_reminders
from keystage.web.reports.publish import publish
from keystage.web.reports.publishable import sort_schools
from keystage.web.results.pupils import measures_for
from keystage.web.submissions.sources import figures_source, from_nca
from keystage.web.submissions.state import standing
from keystage.web.submissions.tasks import could_not_check
from keystage.web.workspace.shared_pupils import excluded_records

NCA = Submission.Channel.NCA


def ks2_upload(head: Client, ks2: Collection, la_folder: Path, school: School) -> Submission:
    upload(head, ks2, ctf_bytes(la_folder, school, "KS2"), name="ks2.xml")
    run_tasks()
    return Submission.objects.get(school=school, collection=ks2, is_current=True)


def all_pupils(collection: Collection, school: School | None = None) -> int:
    found = {m.measure: m for m in measures_for(collection, school) if m.group == "all"}
    return found["ks2_rwm_exs_plus"].denominator or 0 if found else 0


def test_the_ks2_figures_wait_for_the_nca_portal_and_then_read_only_its_results(
    head_a: Client, la_client: Client, la_folder: Path, school_a: School
) -> None:
    ks2 = make_window("KS2")
    own = ks2_upload(head_a, ks2, la_folder, school_a)
    assert all_pupils(ks2) == 0 and not figures_source(ks2).exists()
    page = la_client.get(f"/la/collections/{ks2.pk}/results/").content.decode()
    assert "No KS2 results from the NCA Portal have been imported for KS2 2026 yet" in page
    made = import_combined(ks2)
    nca = Submission.objects.get(nca_import=made, school=school_a)
    assert list(figures_source(ks2)) == [nca]
    assert all_pupils(ks2, school_a) <= nca.pupils == own.pupils
    page = la_client.get(f"/la/collections/{ks2.pk}/results/").content.decode()
    assert "made from the results imported from the NCA Portal" in page
    assert "have been imported for" not in page
    # A new upload of the school's own changes nothing the figures show.
    before = figures(ks2)
    fewer = ctf_bytes(la_folder, school_a, "KS2", change=lambda pupils: pupils[:5])
    upload(head_a, ks2, fewer, name="again.xml")
    run_tasks()
    assert Submission.objects.get(school=school_a, is_current=True).pupils == 5
    assert figures(ks2) == before


def test_a_school_sees_its_own_upload_never_the_imported_results_and_the_la_sees_both(
    head_a: Client, la_client: Client, la_folder: Path, school_a: School
) -> None:
    ks2 = make_window("KS2")
    own = ks2_upload(head_a, ks2, la_folder, school_a)
    state_before = standing(school_a, ks2, dt.date.today()).state
    import_combined(ks2)
    nca = Submission.objects.get(school=school_a, channel=NCA)
    here = standing(school_a, ks2, dt.date.today())
    assert (here.current, here.latest, here.state) == (own, own, state_before)
    assert head_a.get(f"/files/{nca.pk}/").status_code == 404
    assert head_a.get(f"/files/{nca.pk}/download/").status_code == 404
    assert head_a.get(f"/files/{own.pk}/").status_code == 200
    page = head_a.get(f"/collections/{ks2.pk}/").content.decode()
    # The page says where KS2 results come from (the inset), and shows no NCA version.
    outside_inset = page.replace(page[page.index('id="from-nca"') :].split("</div>")[0], "")
    assert "nca-import-" not in page and "NCA Portal" not in outside_inset
    la_page = la_client.get(f"/la/collections/{ks2.pk}/schools/{school_a.pk}/").content.decode()
    assert "Uploaded by the school" in la_page and "Current NCA Portal results" in la_page


def test_exports_and_reports_take_the_schools_with_nca_results(
    head_a: Client, la_folder: Path, school_a: School, school_b: School
) -> None:
    ks2 = make_window("KS2")
    ks2_upload(head_a, ks2, la_folder, school_a)  # not confirmed, not locked
    assert readiness(ks2, dt.date.today()).included == []
    import_combined(ks2)
    ready = readiness(ks2, dt.date.today())
    assert ready.included == [school_a]
    assert school_b in [m.school for m in ready.missing]
    assert "No KS2 results from the NCA Portal" in next(
        m.reason for m in ready.missing if m.school == school_b
    )
    sorted_ = sort_schools(ks2, [school_a, school_b])
    assert [s for s, _ in sorted_.chosen] == [school_a]
    assert sorted_.left_out[0].why == "No KS2 results from the NCA Portal have been imported for it"


def test_ks2_before_the_nca_portal_still_reads_the_schools_own_files(
    head_a: Client, la_folder: Path, school_a: School
) -> None:
    old = make_window("KS2", academic_year="2024-25")
    assert not from_nca(old) and from_nca(make_window("KS2", academic_year="2026-27"))
    assert not from_nca(make_window("KS1"))
    upload(head_a, old, ctf_bytes(la_folder, school_a, "KS2"), name="ks2.xml")
    run_tasks()
    assert figures_source(old).get().channel == Submission.Channel.PORTAL


def test_ks2_reports_are_made_from_the_nca_results_without_the_heads_sign_off(
    head_a: Client, la_folder: Path, school_a: School, school_b: School, officer: User
) -> None:
    ks2 = make_window("KS2")
    ks2_upload(head_a, ks2, la_folder, school_a)  # the school's own: not signed, not locked
    import_combined(ks2)
    mail.outbox.clear()
    assert publish(ks2, officer) == 1  # school B has no results: left out
    run_tasks()
    nca = Submission.objects.get(school=school_a, channel=NCA)
    made = Report.objects.filter(school=school_a, collection=ks2)
    assert made.count() == 2 and {r.made_from for r in made} == {nca}
    told = next(m for m in mail.outbox if "reports" in m.subject.lower())
    assert "made from the KS2 results the STA published on the NCA Portal" in " ".join(
        told.body.split()
    )


def test_decisions_on_schools_own_uploads_never_trim_the_nca_portals_results(
    head_a: Client, la_folder: Path, school_a: School, school_b: School, officer: User
) -> None:
    """The STA's results already say where each pupil sat: a shared-pupil decision the data
    team made over schools' own KS2 uploads leaves the imported results whole."""
    ks2 = make_window("KS2")
    ks2_upload(head_a, ks2, la_folder, school_a)
    import_combined(ks2)
    nca = Submission.objects.get(school=school_a, channel=NCA)
    before = all_pupils(ks2, school_a)
    upn = nca.pupil_set.values_list("upn", flat=True).first()
    decision = MoveDecision.objects.create(
        collection=ks2, upn=upn, school=school_b, suggested=False,
        decided_by=officer, decided_at=timezone.now(),
    )  # fmt: skip
    decision.parties.set([school_a, school_b])
    assert excluded_records(ks2) == set()
    assert all_pupils(ks2, school_a) == before


def test_a_schools_ks2_page_says_its_results_come_from_the_sta_and_it_is_not_chased(
    head_a: Client, school_a: School
) -> None:
    ks2 = make_window("KS2", opens=dt.date(2026, 5, 11), deadline=dt.date(2026, 6, 26),
                      closes=dt.date(2026, 7, 17))  # fmt: skip
    page = head_a.get(f"/collections/{ks2.pk}/").content.decode()
    assert 'id="from-nca"' in page and "the LA does not chase it" in page
    with time_machine.travel(dt.datetime(2026, 6, 29, 7, tzinfo=dt.UTC), tick=False):
        assert not send_reminders(dt.date(2026, 6, 29)).sent  # past the deadline, nothing sent
    earlier = make_window("KS2", academic_year="2024-25", opens=dt.date(2025, 5, 12),
                          deadline=dt.date(2025, 6, 27), closes=dt.date(2025, 7, 18))  # fmt: skip
    assert 'id="from-nca"' not in head_a.get(f"/collections/{earlier.pk}/").content.decode()


def test_an_nca_version_that_cannot_be_checked_tells_its_importer_never_the_school(
    head_a: Client, la_folder: Path, school_a: School, officer: User
) -> None:
    ks2 = make_window("KS2")
    ks2_upload(head_a, ks2, la_folder, school_a)  # the demo's combined file is made from it
    User.objects.filter(pk=officer.pk).update(email="officer@la.example")
    made = import_combined(ks2, user=User.objects.get(pk=officer.pk))
    nca = Submission.objects.get(nca_import=made, school=school_a)
    Submission.objects.filter(pk=nca.pk).update(status=Submission.Status.CHECKING)
    mail.outbox.clear()
    could_not_check(nca.pk)
    (told,) = mail.outbox
    assert told.to == ["officer@la.example"]
    assert f"/la/collections/{ks2.pk}/nca/{made.pk}/" in told.body
    assert "The school has not been told" in told.body
