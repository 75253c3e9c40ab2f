"""The data team imports the NCA Portal's KS2 download: each school's pupils become its NCA
Portal version, checked and kept in history; a later download replaces it and shows what
changed; a file that cannot be imported whole is refused and nothing of it is stored."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from portal_builders import make_officer, make_school, make_window
from portal_support import run_tasks, signed_in

from keystage.web.models import AuditEvent, Collection, NcaImport, School, Submission
from keystage.web.privacy import retention
from keystage.web.submissions.locks import lock
from keystage.web.submissions.nca import NcaRefusedError, import_download, school_for
from keystage.web.submissions.nca_changes import changes_in
from keystage.web.submissions.uploads import UploadNotSavedError

SAMPLES = Path(__file__).parents[1] / "data" / "nca"
NCA = Submission.Channel.NCA


@pytest.fixture
def meadow(db: None) -> School:
    return make_school()  # LAESTAB 3309999, as the samples


@pytest.fixture
def brook(db: None) -> School:
    return make_school(laestab="3309998", urn="199998", name="Brook Street Primary")


@pytest.fixture
def ks2(db: None) -> Collection:
    return make_window("KS2")


@pytest.fixture
def team(db: None) -> Client:
    return signed_in(make_officer())


def sample(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else (SAMPLES / name).read_bytes())


def imported(ks2: Collection, name: str, data: bytes | None = None) -> NcaImport:
    made = import_download(ks2, sample(name, data), user=None)
    run_tasks()
    return made


def stored_files() -> list[str]:
    root = Path(default_storage.path(""))
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_a_combined_ctf_becomes_each_schools_nca_version_checked_like_a_schools_file(
    ks2: Collection, meadow: School, brook: School, team: Client
) -> None:
    response = team.post(f"/la/collections/{ks2.pk}/nca/", {"file": sample("ks2_la_combined.xml")})
    made = NcaImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/la/collections/{ks2.pk}/nca/{made.pk}/"
    run_tasks()
    versions = {v.school: v for v in Submission.objects.filter(collection=ks2)}
    assert set(versions) == {meadow, brook}
    for school, pupils in ((meadow, 3), (brook, 2)):
        version = versions[school]
        assert (version.channel, version.nca_import, version.status) == (NCA, made, "checked")
        assert version.pupils == pupils and version.is_current_nca and not version.is_current
        assert version.finding_set.filter(code="HDR-SCHOOL").count() == 0  # the school's header
    assert (made.kind, made.pupils, made.unknown) == ("CTF", 5, [])
    audit = AuditEvent.objects.get(action="import")
    assert audit.detail["nca_import"] == made.pk and "2 schools, 5 pupils" in audit.what
    page = team.get(f"/la/collections/{ks2.pk}/nca/{made.pk}/").content.decode()
    assert "Meadow Lane Primary (3309999)" in page and "First import for this school" in page


def test_a_later_csv_replaces_the_ctf_and_the_la_sees_the_re_marked_score(
    ks2: Collection, meadow: School, brook: School, team: Client
) -> None:
    first = imported(ks2, "ks2_la_combined.xml")
    later = imported(ks2, "ks2_results_with_ta_later.csv")
    old = Submission.objects.get(nca_import=first, school=meadow)
    new = Submission.objects.get(nca_import=later, school=meadow)
    assert not old.is_current_nca and new.is_current_nca and new.version == old.version + 1
    assert Submission.objects.filter(school=meadow, channel=NCA).count() == 2  # history kept
    found = {c.school: c for c in changes_in(later)}
    assert found[brook].before is not None and not found[brook].any
    changed = found[meadow].changed
    assert [(p.pupil, [(c.label, c.before, c.after) for c in p.changes]) for p in changed] == [
        ("BRIGHT, Callum", [("Reading test scaled score", "98", "100")])
    ]
    page = team.get(f"/la/collections/{ks2.pk}/nca/{later.pk}/").content.decode()
    assert "BRIGHT, Callum" in page and "Reading test scaled score" in page
    assert "1 pupil changed, 0 added, 0 removed" in page and "No change" in page


def test_pupils_added_and_removed_and_an_outcome_in_place_of_a_score_are_differences(
    ks2: Collection, meadow: School, brook: School
) -> None:
    imported(ks2, "ks2_results_with_ta.csv")
    lines = (SAMPLES / "ks2_results_with_ta.csv").read_text().splitlines()
    ashworth, bright = lines[1], lines[2]
    newcomer = bright.replace("G330999919002", "K330999919004").replace("BRIGHT", "NEWTON")
    maladministered = ashworth.replace(",104,AS,", ",,Q,")  # the reading result annulled
    text = "\n".join([lines[0], maladministered, newcomer, *lines[3:]]) + "\n"
    later = imported(ks2, "later.csv", text.encode())
    meadow_changes = next(c for c in changes_in(later) if c.school == meadow)
    assert [str(p) for p in meadow_changes.added] == ["NEWTON, Callum (K330999919004)"]
    assert [str(p) for p in meadow_changes.removed] == ["BRIGHT, Callum (G330999919002)"]
    assert [(c.before, c.after) for c in meadow_changes.changed[0].changes] == [("104", "Q")]


def test_pupils_go_to_the_open_school_of_their_laestab_and_unknown_laestabs_are_listed(
    ks2: Collection, meadow: School, team: Client
) -> None:
    make_school(laestab="3309999", urn="100001", name="Old Meadow Infants", status="Closed")
    made = imported(ks2, "ks2_la_combined.xml")  # Brook Street (3309998) is not ours
    assert school_for("3309999") == meadow
    assert [v.school for v in made.versions.all()] == [meadow]
    assert made.unknown == [{"laestab": "3309998", "pupils": 2}] and made.unknown_pupils == 2
    page = team.get(f"/la/collections/{ks2.pk}/nca/{made.pk}/").content.decode()
    assert "LAESTAB 3309998: 2 pupils" in page and "were not stored" in page
    listing = team.get(f"/la/collections/{ks2.pk}/nca/").content.decode()
    assert "(2 pupils not stored)" in listing


def refused_page(team: Client, ks2: Collection, upload: SimpleUploadedFile) -> str:
    before = stored_files()
    response = team.post(f"/la/collections/{ks2.pk}/nca/", {"file": upload})
    assert response.status_code == 400
    assert not NcaImport.objects.exists() and not Submission.objects.exists()
    assert stored_files() == before  # nothing half-written
    return response.content.decode()


@pytest.mark.usefixtures("meadow", "brook")
def test_a_file_of_the_wrong_type_is_refused_saying_what_to_import(
    ks2: Collection, team: Client
) -> None:
    page = refused_page(team, ks2, sample("results.pdf", b"%PDF-1.4 letters"))
    assert "“results.pdf” is a PDF. Import the NCA Portal&#x27;s KS2 download as a CTF" in page
    page = refused_page(
        team, ks2, sample("results.csv", (SAMPLES / "ks2_la_combined.xml").read_bytes())
    )
    assert "This is an XML file, not a CSV: import it as a CTF." in page


@pytest.mark.usefixtures("meadow", "brook")
def test_a_malformed_csv_is_refused_row_by_row_and_nothing_is_stored(
    ks2: Collection, team: Client
) -> None:
    text = (SAMPLES / "ks2_results_with_ta.csv").read_text().replace(",98,NS,", ",98,NS,,")
    page = refused_page(team, ks2, sample("ks2.csv", text.encode()))
    assert "The CSV could not be imported: nothing was stored." in page
    assert "Line 3: has 17 values where the heading row has 16" in page


@pytest.mark.usefixtures("db")
def test_a_download_of_no_school_of_ours_is_refused_listing_its_laestabs(
    ks2: Collection, team: Client
) -> None:
    page = refused_page(team, ks2, sample("ks2_la_combined.xml"))
    assert "None of the schools in the download is in Keystage&#x27;s register" in page
    assert "LAESTAB 3309999: 3 pupils" in page and "LAESTAB 3309998: 2 pupils" in page


@pytest.mark.usefixtures("brook")
def test_a_school_locked_by_the_la_refuses_the_whole_download(
    ks2: Collection, meadow: School, team: Client
) -> None:
    lock(ks2, meadow, by=make_officer("locker"))
    page = refused_page(team, ks2, sample("ks2_la_combined.xml"))
    assert "locked for 1 of the download&#x27;s schools, so nothing was stored" in page
    assert "Meadow Lane Primary (3309999)" in page


@pytest.mark.usefixtures("meadow", "brook")
def test_another_collection_or_the_same_file_twice_is_refused(ks2: Collection) -> None:
    ks1 = make_window("KS1")
    with pytest.raises(NcaRefusedError, match="KS1 2026 does not take the NCA Portal"):
        import_download(ks1, sample("ks2_la_combined.xml"), user=None)
    imported(ks2, "ks2_la_combined.xml")
    with pytest.raises(NcaRefusedError, match=r"already imported, as import 1 on .*, the newest"):
        import_download(ks2, sample("ks2_la_combined.xml"), user=None)
    # An older import's file is the LA going back to it: imported again, not refused.
    imported(ks2, "ks2_results_with_ta_later.csv")
    again = imported(ks2, "ks2_la_combined.xml")
    assert again.number == 3
    earlier_year = make_window("KS2", academic_year="2026-27")
    with pytest.raises(NcaRefusedError, match="academic year starting 2025, not 2026-27"):
        import_download(earlier_year, sample("ks2_la_combined.xml"), user=None)


@pytest.mark.usefixtures("meadow")
def test_a_store_failing_part_way_leaves_no_import_no_version_and_no_file(brook: School) -> None:
    # A year no other test stores: Brook Street's folder for it cannot be made (a file is in
    # the way), so its version fails after Meadow Lane's was written.
    window = make_window("KS2", academic_year="2026-27")
    blocker = Path(default_storage.path("submissions")) / brook.laestab / "KS2-2026-27"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("in the way")
    before = stored_files()
    with pytest.raises(UploadNotSavedError):
        import_download(window, sample("ks2_results_with_ta.csv"), user=None)
    assert not NcaImport.objects.exists() and not Submission.objects.exists()
    assert stored_files() == before
    blocker.unlink()


def test_the_command_imports_a_download_and_lists_unknown_laestabs(
    ks2: Collection, meadow: School
) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("importnca", str(SAMPLES / "ks2_results_with_ta.csv"), stdout=out)
    said = out.getvalue()
    assert "import 1 of KS2 2026: 5 pupils, 1 schools" in said
    assert "LAESTAB 3309998 is not in Keystage: 2 pupils not stored" in said
    assert Submission.objects.get(channel=NCA).school == meadow


@pytest.mark.usefixtures("meadow", "brook")
def test_the_retention_purge_deletes_the_imported_download_with_its_collection(
    ks2: Collection,
) -> None:
    made = imported(ks2, "ks2_la_combined.xml")
    Collection.objects.filter(pk=ks2.pk).update(retain_until=dt.date(2030, 8, 31))
    assert made.file.name in retention.stored_files(ks2)
    assert retention.purge(ks2, today=dt.date(2030, 9, 1)) is not None
    assert not default_storage.exists(made.file.name)
