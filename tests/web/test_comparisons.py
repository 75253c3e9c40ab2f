"""Importing comparison figures: the DfE's EYFSP file as published, its later layout, the
simple layout, and the management command."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from keystage.web.models import ComparisonFigure
from keystage.web.results.comparisons import (
    ENGLAND_HEADLINES,
    ComparisonImportError,
    import_figures,
    load_england_headlines,
)
from keystage.web.results.layouts import academic_year

DFE_2022 = (
    Path(__file__).parent
    / "data"
    / ("eyfsp_headline_measures_2021-22_england_westmidlands_birmingham.csv")
)
SOURCE = "DfE, EYFSP results 2021/22, 1_eyfsp_headline_measures_2022.csv"

pytestmark = pytest.mark.django_db


def figure(measure: str, group: str, level: str, area: str) -> ComparisonFigure:
    return ComparisonFigure.objects.get(
        measure=measure, group=group, level=level, area=area, academic_year="2021-22"
    )


def test_the_dfe_2021_22_file_as_published() -> None:
    summary = import_figures(DFE_2022, source=SOURCE, status="final")
    assert summary.rows == 378 and summary.layout == "DfE layout, 2021/22"
    england = figure("eyfsp_gld", "all", "national", "England")
    assert (england.value, england.numerator, england.denominator) == (65.2, 405723, 622583)
    assert england.source == SOURCE
    birmingham = figure("eyfsp_gld", "all", "la", "Birmingham")
    assert (birmingham.value, birmingham.denominator) == (62.7, 15083)
    assert figure("eyfsp_gld", "sex=F", "national", "England").value == 71.9
    assert figure("eyfsp_gld", "sex=M", "regional", "West Midlands").denominator is not None
    average = figure("eyfsp_avg_elgs_expected", "all", "la", "Birmingham")
    assert (average.value, average.numerator, average.denominator) == (13.4, None, 15083)
    all_goals = figure("eyfsp_all_elgs_expected", "all", "national", "England")
    assert (all_goals.value, all_goals.numerator) == (63.4, 394514)

    # Every breakdown the service reports. Chinese and "any other" come from the DfE's minor
    # ethnic groups (its major "Other ethnic group" includes Chinese pupils): England and the
    # regions only, as the DfE publishes minor groups for no LA.
    def groups(area: str) -> set[str]:
        held = ComparisonFigure.objects.filter(measure="eyfsp_gld", area=area)
        return set(held.values_list("group", flat=True))

    assert groups("England") == groups("West Midlands") == {
        "all", "sex=F", "sex=M", "disadvantaged=yes", "disadvantaged=no",
        "sen=none", "sen=support", "sen=ehcp", "eal=no", "eal=yes", "eal=unknown",
        "term_of_birth=autumn", "term_of_birth=spring", "term_of_birth=summer",
        "ethnicity=white", "ethnicity=mixed", "ethnicity=asian", "ethnicity=black",
        "ethnicity=chinese", "ethnicity=other", "ethnicity=unknown",
    }  # fmt: skip
    assert groups("Birmingham") == groups("England") - {"ethnicity=chinese", "ethnicity=other"}
    assert figure("eyfsp_gld", "ethnicity=chinese", "national", "England").value is not None
    # (21 + 21 + 19 groups) x 3 measures; the rest skipped, each for a reason.
    assert summary.created == 61 * 3 and summary.updated == 0
    assert summary.skipped["at a level not compared (Local authority district)"] == 6
    assert summary.skipped["crossing a breakdown with sex"] > 0
    assert sum(summary.skipped.values()) == 378 - 61


def _renamed(text: str) -> str:
    """The 2021/22 file with the column names of 2024/25."""
    head, rest = text.split("\n", 1)
    head = head.replace("characteristic_type", "breakdown").replace(
        "characteristic", "breakdown_topic").replace("gender", "sex")  # fmt: skip
    return f"{head}\n{rest}"


def test_the_renamed_columns_of_2024_25_import_the_same() -> None:
    import_figures(DFE_2022, source=SOURCE, status="final")
    before = {
        (f.measure, f.group, f.level, f.area): (f.value, f.numerator, f.denominator)
        for f in ComparisonFigure.objects.all()
    }
    ComparisonFigure.objects.all().delete()
    renamed = _renamed(DFE_2022.read_text(encoding="utf-8"))
    assert "breakdown_topic,breakdown,sex" in renamed
    summary = import_figures(io.BytesIO(renamed.encode()), source=SOURCE, status="final")
    assert summary.layout == "DfE layout, 2024/25"
    after = {
        (f.measure, f.group, f.level, f.area): (f.value, f.numerator, f.denominator)
        for f in ComparisonFigure.objects.all()
    }
    assert after == before


def test_a_small_file_in_the_later_layout() -> None:
    text = (
        "time_period,time_identifier,geographic_level,country_code,country_name,region_name,"
        "la_name,breakdown_topic,breakdown,sex,children_number,gld_number,gld_percentage\n"
        "202425,Academic year,National,E92000001,England,,,Total,Total,Total,600000,409800,68.3\n"
        "202425,Academic year,National,E92000001,England,,,Total,Total,Girls,290000,z,z\n"
        "202425,Academic year,National,E92000001,England,,,Free school meal eligibility,"
        "FSM eligible,Total,150000,x,52.0\n"
    )
    summary = import_figures(io.StringIO(text), source="DfE 2024/25", status="final")
    assert summary.created == 3
    england = ComparisonFigure.objects.get(group="all", academic_year="2024-25")
    assert (england.measure, england.value, england.denominator) == ("eyfsp_gld", 68.3, 600000)
    girls = ComparisonFigure.objects.get(group="sex=F")
    assert girls.value is None and girls.numerator is None  # z: not applicable
    assert ComparisonFigure.objects.get(group="disadvantaged=yes").value == 52.0


def test_an_unknown_layout_names_the_missing_columns() -> None:
    text = "year,area,gld\n2022,England,65.2\n"
    with pytest.raises(ComparisonImportError) as raised:
        import_figures(io.StringIO(text), source=SOURCE, status="final")
    message = str(raised.value)
    assert "not laid out like a DfE statistics table" in message
    for column in ("time_period", "characteristic_type", "breakdown_topic", "measure"):
        assert column in message
    assert not ComparisonFigure.objects.exists()


def test_importing_again_updates_and_does_not_duplicate() -> None:
    import_figures(DFE_2022, source="first", status="final")
    held = ComparisonFigure.objects.count()
    changed = DFE_2022.read_text(encoding="utf-8").replace(
        "622583,14.100000,394514,63.400000,417453,67.100000,405723,65.200000",
        "622583,14.100000,394514,63.400000,417453,67.100000,405800,65.200000",
    )
    summary = import_figures(io.StringIO(changed), source="second", status="final")
    assert summary.created == 0 and summary.updated == held
    assert ComparisonFigure.objects.count() == held
    england = figure("eyfsp_gld", "all", "national", "England")
    assert (england.numerator, england.source) == (405800, "second")


def test_the_simple_layout_and_the_england_headlines() -> None:
    summary = load_england_headlines()
    with ENGLAND_HEADLINES.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert summary.created == len(rows) and not summary.skipped
    ks2 = ComparisonFigure.objects.get(measure="ks2_rwm_exs_plus", academic_year="2018-19")
    assert (ks2.value, ks2.level, ks2.area) == (65.0, "national", "England")
    assert ks2.source == (
        "DfE, Key stage 2 attainment: 2018/19, England "
        "(explore-education-statistics.service.gov.uk)"
    )
    # Each figure cites its publication, never a file of Keystage's own.
    sources = set(ComparisonFigure.objects.values_list("source", flat=True))
    assert all(s.startswith("DfE, ") and ".md" not in s for s in sources), sources
    gld = ComparisonFigure.objects.filter(measure="eyfsp_gld").values_list("academic_year", "value")
    assert sorted(gld) == [("2021-22", 65.2), ("2022-23", 67.2), ("2023-24", 67.7),
                           ("2024-25", 68.3)]  # fmt: skip
    assert ComparisonFigure.objects.filter(measure="phon_y1_met").count() == 5
    assert load_england_headlines().updated == len(rows)


def test_the_simple_layout_skips_rows_it_cannot_use() -> None:
    text = (
        "measure,group,level,area,academic_year,value,numerator,denominator\n"
        "ks1_reading_exs_plus,all,national,England,2022-23,68,,\n"
        "ks1_reading_wibble,all,national,England,2022-23,68,,\n"
        "ks1_reading_exs_plus,all,planet,Earth,2022-23,68,,\n"
        "ks1_reading_exs_plus,sex=X1,national,England,2022-23,68,,\n"
    )
    summary = import_figures(io.StringIO(text), source="typed in", publisher="dfe", status="final")
    assert summary.created == 1 and sum(summary.skipped.values()) == 3
    assert ComparisonFigure.objects.get().source == "typed in"


def test_a_row_the_database_could_not_keep_is_skipped_not_a_failure() -> None:
    """Checked on PostgreSQL too (make test): an area longer than its column, or a count no
    integer column holds, used to fail the whole import there with a server error."""
    longest = ComparisonFigure._meta.get_field("area").max_length
    assert longest is not None
    text = (
        "measure,group,level,area,academic_year,value,numerator,denominator\n"
        "ks1_reading_exs_plus,all,national,England,2022-23,68,,\n"
        f"ks1_reading_exs_plus,all,la,{'B' * (longest + 1)},2022-23,68,,\n"
        "ks1_reading_exs_plus,all,regional,North,2022-23,68,1,99999999999\n"
        "ks1_reading_exs_plus,all,regional,South,2022-23,68,-3,10\n"
        "ks1_reading_exs_plus,all,regional,East,2022-23,inf,1,10\n"
    )
    summary = import_figures(io.StringIO(text), source="typed in", publisher="dfe", status="final")
    assert summary.created == 1 and sum(summary.skipped.values()) == 4
    assert f"with area longer than {longest} characters" in summary.skipped
    assert ComparisonFigure.objects.get().area == "England"


def test_no_usable_row_is_an_error() -> None:
    text = "measure,group,level,area,academic_year,value,numerator,denominator\n"
    with pytest.raises(ComparisonImportError, match="no figure"):
        import_figures(io.StringIO(text), source="typed in", publisher="dfe", status="final")


def test_academic_years() -> None:
    assert academic_year("202122") == "2021-22"
    assert academic_year("2021/22") == "2021-22"
    assert academic_year("1999-00") == "1999-00"
    with pytest.raises(ValueError):
        academic_year("202123")


def test_the_management_command(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("importcomparisons", str(DFE_2022), "--source", SOURCE, "--status", "final")
    out = capsys.readouterr().out
    assert "Read 378 rows (DfE layout, 2021/22)." in out
    assert "183 figures added, 0 updated." in out
    assert "6 at a level not compared (Local authority district)" in out
    with pytest.raises(CommandError, match="no such file"):
        call_command("importcomparisons", "/nowhere.csv", "--source", SOURCE, "--status", "final")
