"""Comparators kept apart (issue 17): every figure carries who published it and how final it
is; NCER's emerging figures and the DfE's provisional ones for one year are both kept; the DfE's
published files are read in their own layouts to the decimal; one function chooses which figure
the results page and the reports use, and the page shows the others beside it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone
from portal_builders import make_admin
from portal_support import ctf_bytes, run_tasks, signed_in, upload

from keystage.web.models import Collection, ComparisonFigure, School, User
from keystage.web.reports.figures import national
from keystage.web.reports.school_report import school_context
from keystage.web.results.comparators import chosen
from keystage.web.results.comparisons import ComparisonImportError, import_figures

DATA = Path(__file__).parent / "data"
ENGLAND_FILE = DATA / "dfe_eyfsp_headline_timeseries_england.csv"
LA_FILE = DATA / "dfe_eyfsp_local_authority.csv"
KS2_LA_FILE = DATA / "dfe_ks2_regional_and_local_authority.csv"
NCER = DATA / "ncer_emerging_national_2025-26.csv"
DFE_SOURCE = "DfE, EYFSP results, 5 Headline measures timeseries (national only)"
NCER_SOURCE = "NCER, emerging national EYFSP figures, July 2026"

pytestmark = pytest.mark.django_db


def gld(year: str = "2025-26", **more: str) -> ComparisonFigure:
    return ComparisonFigure.objects.get(
        measure="eyfsp_gld", group="all", level="national", area="England", academic_year=year,
        **more,
    )  # fmt: skip


def both_sources() -> None:
    """NCER's emerging figures in July, the DfE's provisional ones in the autumn."""
    import_figures(NCER, source=NCER_SOURCE, publisher="ncer", status="emerging")
    import_figures(ENGLAND_FILE, source=DFE_SOURCE, status="provisional")


# -- Kept apart --------------------------------------------------------------------------------


def test_two_sources_for_one_year_are_both_kept() -> None:
    both_sources()
    held = ComparisonFigure.objects.filter(
        measure="eyfsp_gld", level="national", academic_year="2025-26"
    )
    assert sorted((f.origin, f.value) for f in held) == [
        ("DfE provisional", 68.1), ("NCER emerging", 67.9)
    ]  # fmt: skip
    assert gld(publisher="ncer").source == NCER_SOURCE
    assert gld(publisher="dfe").source == DFE_SOURCE
    # The DfE's revised figures later in the year are a third, not a replacement either.
    import_figures(ENGLAND_FILE, source="DfE, revised", status="revised")
    assert held.all().count() == 3


def test_importing_the_same_sources_file_again_updates_it() -> None:
    both_sources()
    count = ComparisonFigure.objects.count()
    changed = ENGLAND_FILE.read_text().replace(",70.1,68.1\n", ",70.1,68.2\n")
    summary = import_figures(io.StringIO(changed), source="DfE, corrected", status="provisional")
    assert summary.created == 0 and summary.updated == summary.figures > 0
    assert ComparisonFigure.objects.count() == count
    assert (gld(publisher="dfe").value, gld(publisher="dfe").source) == (68.2, "DfE, corrected")
    assert gld(publisher="ncer").value == 67.9  # NCER's untouched


def test_an_import_must_say_how_final_its_figures_are() -> None:
    with pytest.raises(ComparisonImportError, match="emerging, provisional, revised or final"):
        import_figures(ENGLAND_FILE, source=DFE_SOURCE)
    with pytest.raises(ComparisonImportError, match="Say who published"):
        import_figures(NCER, source=NCER_SOURCE, status="emerging")
    assert not ComparisonFigure.objects.exists()


# -- The DfE's files, as published ----------------------------------------------------------


def test_the_england_headline_file_read_as_published() -> None:
    summary = import_figures(ENGLAND_FILE, source=DFE_SOURCE, status="final")
    assert summary.layout == "DfE England headline file" and summary.rows == 6
    assert summary.created == 6 * 3  # six years, three measures
    figure = gld("2024-25")
    assert (figure.publisher, figure.status, figure.value) == ("dfe", "final", 68.3)
    assert figure.denominator == 589471 and figure.numerator is None
    average = ComparisonFigure.objects.get(measure="eyfsp_avg_elgs_expected",
                                           academic_year="2025-26")  # fmt: skip
    assert average.value == 14.2
    broken = ComparisonFigure.objects.get(measure="eyfsp_gld", academic_year="2020-21")
    assert broken.value is None  # 2020/21's b: a break in the series, held as no figure


def test_the_la_level_file_read_to_the_decimal() -> None:
    summary = import_figures(LA_FILE, source="DfE, EYFSP 2024/25, LA file", status="final")
    assert summary.layout == "DfE local authority file"
    england = gld("2024-25")
    assert england.value == 68.296998 and repr(england.value) == "68.296998"  # unrounded
    assert (england.numerator, england.denominator) == (402591, 589471)
    girls = ComparisonFigure.objects.get(measure="eyfsp_gld", group="sex=F", area="England")
    assert girls.value == 75.309074
    birmingham = ComparisonFigure.objects.get(measure="eyfsp_gld", level="la", area="Birmingham")
    assert (birmingham.value, birmingham.denominator) == (64.491336, 14312)
    average = ComparisonFigure.objects.get(measure="eyfsp_avg_elgs_expected", area="West Midlands")
    assert average.level == "regional" and average.value == 13.903412
    assert summary.skipped == {
        "at a level not compared (Local authority district)": 1,
        "repeating an area, year and sex already read (the first is kept)": 1,
    }


def test_the_ks2_la_file_takes_its_status_from_its_version_column() -> None:
    summary = import_figures(KS2_LA_FILE, source="DfE, KS2 attainment 2024/25")
    assert summary.layout == "DfE local authority file"
    rwm = ComparisonFigure.objects.get(measure="ks2_rwm_exs_plus", group="all", area="England")
    assert (rwm.value, rwm.numerator, rwm.denominator) == (62.0, 409200, 660000)
    assert (rwm.publisher, rwm.status) == ("dfe", "revised")
    assert ComparisonFigure.objects.get(measure="ks2_rwm_high", area="Birmingham").value == 7.0
    assert ComparisonFigure.objects.get(measure="ks2_reading_exs_plus", group="sex=F").value == 78
    assert summary.skipped == {"of a breakdown this service does not report": 1}
    # A row's own version column is what the DfE published: a status said at import is for
    # rows that do not say, so it never files a revised figure as provisional.
    import_figures(KS2_LA_FILE, source="DfE, as provisional", status="provisional")
    held = ComparisonFigure.objects.filter(measure="ks2_rwm_exs_plus", area="England", group="all")
    assert list(held.values_list("status", flat=True)) == ["revised"]


def test_one_file_with_a_years_provisional_and_revised_rows_keeps_both(tmp_path: Path) -> None:
    """The DfE's files carry one row a version: each row's stage is its own, none skipped."""
    lines = KS2_LA_FILE.read_text().splitlines()
    header, england = lines[0], next(line for line in lines[1:] if ",National," in line)
    columns = header.split(",")
    cells = england.split(",")
    provisional = dict(zip(columns, cells, strict=True)) | {"version": "Provisional"}
    provisional["pt_rwm_met_expected_standard"] = "61"
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("\n".join([header, england, ",".join(provisional[c] for c in columns)]))
    summary = import_figures(mixed, source="DfE, KS2 2024/25", status="revised")
    held = ComparisonFigure.objects.filter(measure="ks2_rwm_exs_plus", area="England", group="all")
    assert sorted(held.values_list("status", "value")) == [("provisional", 61.0), ("revised", 62.0)]
    assert not summary.skipped


def test_the_command_asks_for_publisher_and_status(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("importcomparisons", str(NCER), "--source", NCER_SOURCE,
                 "--publisher", "ncer", "--status", "emerging")  # fmt: skip
    call_command("importcomparisons", str(ENGLAND_FILE), "--source", DFE_SOURCE,
                 "--status", "provisional")  # fmt: skip
    out = capsys.readouterr().out
    assert "Read 6 rows (DfE England headline file)." in out
    assert {f.origin for f in ComparisonFigure.objects.filter(academic_year="2025-26")} == {
        "NCER emerging", "DfE provisional"
    }  # fmt: skip


# -- Which one is used -------------------------------------------------------------------------


def used(collection: Collection) -> ComparisonFigure:
    return chosen(collection, ["eyfsp_gld"])[("eyfsp_gld", "all")].used


def test_the_dfes_latest_is_preferred(eyfsp: Collection) -> None:
    eyfsp.academic_year = "2025-26"
    import_figures(NCER, source=NCER_SOURCE, publisher="ncer", status="emerging")
    assert used(eyfsp).origin == "NCER emerging"  # the summer: NCER's alone for the year
    import_figures(ENGLAND_FILE, source=DFE_SOURCE, status="provisional")
    assert used(eyfsp).origin == "DfE provisional"
    import_figures(ENGLAND_FILE, source="DfE, revised", status="revised")
    choice = chosen(eyfsp, ["eyfsp_gld"])[("eyfsp_gld", "all")]
    assert choice.used.origin == "DfE revised"
    assert [f.origin for f in choice.others] == ["DfE provisional", "NCER emerging"]
    # A year with no figure yet: the latest before it, whoever published it.
    eyfsp.academic_year = "2026-27"
    assert (used(eyfsp).academic_year, used(eyfsp).origin) == ("2025-26", "DfE revised")


def test_the_setting_overrides_the_preference(eyfsp: Collection) -> None:
    eyfsp.academic_year = "2025-26"
    both_sources()
    with override_settings(PREFER_COMPARATOR="ncer"):
        assert used(eyfsp).origin == "NCER emerging"
        # The reports choose through the same function.
        england = national(eyfsp, ["eyfsp_gld"])[("eyfsp_gld", "all")]
        assert (england.origin, england.value) == ("NCER emerging", 67.9)
    with override_settings(PREFER_COMPARATOR="dfe, ncer"):
        assert used(eyfsp).origin == "DfE provisional"
    with override_settings(PREFER_COMPARATOR="ofsted"), pytest.raises(ImproperlyConfigured) as e:
        used(eyfsp)
    assert "KEYSTAGE_PREFER_COMPARATOR names ofsted" in str(e.value) and "ncer" in str(e.value)


# -- Shown side by side ---------------------------------------------------------------------


@pytest.fixture
def with_results(schools: list[School], la_folder: Path) -> Collection:
    """An EYFSP collection of 2025-26 with two schools' files, and both sources' figures."""
    today = timezone.localdate()
    collection = Collection.objects.create(
        kind="EYFSP", academic_year="2025-26", opens=today, deadline=today, closes=today
    )
    for school in schools[:2]:
        head = signed_in(User.objects.get(username=school.urn))
        upload(head, collection, ctf_bytes(la_folder, school, "EYFSP"), "eyfsp.xml")
    run_tasks()
    both_sources()
    return collection


def test_the_results_page_shows_both_sources_side_by_side(
    la_client: Client, with_results: Collection
) -> None:
    html = la_client.get(f"/la/collections/{with_results.pk}/results/").content.decode()
    table = html.split('id="england-by-source"')[1].split("</table>")[0]
    assert table.index(">DfE provisional</th>") < table.index(">NCER emerging</th>")
    row = table.split(">Good level of development</th>")[1].split("</tr>")[0]
    cells = row.split("<td")[2:]  # after the year
    assert "68.1%" in cells[0] and ">Used</strong>" in cells[0]
    assert "67.9%" in cells[1] and "Used" not in cells[1]
    # The figures above the table say which they use, with its status and source.
    comparison = html.split('id="comparison"')[1].split("</table>")[0]
    assert "2025-26, <strong>DfE provisional</strong>: " + DFE_SOURCE in comparison
    assert "the DfE\N{RIGHT SINGLE QUOTATION MARK}s most final figure" in html
    with override_settings(PREFER_COMPARATOR="ncer"):
        html = la_client.get(f"/la/collections/{with_results.pk}/results/").content.decode()
    comparison = html.split('id="comparison"')[1].split("</table>")[0]
    assert "<strong>NCER emerging</strong>: " + NCER_SOURCE in comparison
    assert "67.9%" in comparison


def test_the_comparison_figures_page_marks_the_one_used(la_client: Client) -> None:
    both_sources()
    html = la_client.get("/la/comparisons/?measure=eyfsp_gld&year=2025-26").content.decode()
    rows = html.split('id="figures"')[1].split("<tbody")[1].split("</tr>")
    dfe = next(r for r in rows if "DfE provisional" in r)
    ncer = next(r for r in rows if "NCER emerging" in r)
    assert ">Used</strong>" in dfe and "Used" not in ncer
    assert "68.1" in dfe and "67.9" in ncer
    assert "Good level of development" in dfe and "All pupils" in dfe  # words, not names
    only_ncer = la_client.get("/la/comparisons/?publisher=ncer").content.decode()
    assert "NCER emerging" in only_ncer and "DfE provisional" not in only_ncer


def test_importing_on_the_page_asks_for_publisher_and_status() -> None:
    admin_client = signed_in(make_admin())
    posted = admin_client.post("/la/comparisons/", {
        "file": SimpleUploadedFile("ncer.csv", NCER.read_bytes()), "source": NCER_SOURCE,
        "publisher": "ncer", "status": "emerging",
    })  # fmt: skip
    assert posted.status_code == 302
    assert gld().origin == "NCER emerging"
    refused = admin_client.post("/la/comparisons/", {
        "file": SimpleUploadedFile("dfe.csv", ENGLAND_FILE.read_bytes()), "source": DFE_SOURCE,
    })  # fmt: skip
    assert refused.status_code == 200
    assert "Say how final these figures are" in refused.content.decode()


def test_the_school_report_names_the_source_it_uses(with_results: Collection) -> None:
    school = School.objects.filter(submissions__collection=with_results).first()
    assert school is not None
    context = school_context(school, with_results)
    headline = next(r for r in context["headline"] if r.label == "Good level of development")
    assert headline.england == "68.1%"
    sources = " ".join(source for source, _ in context["england_sources"])
    assert f"DfE provisional figures, 2025-26 ({DFE_SOURCE})" in sources
    assert "NCER" not in sources
