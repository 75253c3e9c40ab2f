"""The May-days rule: which school reports a pupil that two schools' files both hold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from keystage.ctf.model import Pupil, SchoolHistoryEntry
from keystage.ctf.reader import read_ctf
from keystage.moves import days_in_may, suggest
from keystage.synth import write_la

OLD, NEW, THIRD = "3301111", "3302222", "3303333"
NAMES = {OLD: "Old Lane Primary", NEW: "New Road Primary", THIRD: "Third Way Infants"}


def at(laestab: str, entry: str | None = None, leaving: str | None = None) -> SchoolHistoryEntry:
    return SchoolHistoryEntry(
        la=laestab[:3], estab=laestab[3:], name=NAMES.get(laestab), entry_date=entry,
        leaving_date=leaving,
    )  # fmt: skip


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# days_in_may: one stay


@pytest.mark.parametrize(
    ("entry", "leaving", "days"),
    [
        ("2022-09-05", None, 31),  # on roll since before May and still there
        ("2022-09-05", "2026-05-09", 9),  # left on 9 May: 1 to 9 May
        ("2026-05-10", None, 22),  # joined on 10 May: 10 to 31 May
        ("2026-05-20", None, 12),
        ("2022-09-05", "2026-05-19", 19),
        ("2026-05-10", "2026-05-10", 1),  # the leaving day counts
        ("2022-09-05", "2026-04-30", 0),  # left before May
        ("2026-06-01", None, 0),  # joined after May
        ("2022-09-05", "2026-07-20", 31),  # left after May
        (None, "2026-03-31", 0),  # no entry date, but gone before May
        (None, "2026-05-09", None),  # no entry date: May cannot be counted
        (None, None, None),
        ("2026-05-12", "2026-05-01", 0),  # dates the wrong way round: no days
    ],
)
def test_days_in_may(entry: str | None, leaving: str | None, days: int | None) -> None:
    assert days_in_may(d(entry) if entry else None, d(leaving) if leaving else None, 2026) == days


def test_leap_years_make_no_difference() -> None:
    for year in (2024, 2025, 2028, 2100):
        assert days_in_may(dt.date(year, 2, 28), None, year) == 31
        assert days_in_may(dt.date(year, 5, 10), None, year) == 22
        assert days_in_may(dt.date(year - 3, 9, 1), dt.date(year, 5, 9), year) == 9


def test_a_stay_in_another_year_has_no_days_in_this_may() -> None:
    assert days_in_may(d("2022-09-05"), d("2025-05-20"), 2026) == 0
    assert days_in_may(d("2027-05-01"), None, 2026) == 0


# suggest: two schools' records


def test_a_move_on_10_may_goes_to_the_new_school() -> None:
    old = (at(OLD, "2022-09-05", "2026-05-09"),)
    new = (at(OLD, "2022-09-05", "2026-05-09"), at(NEW, "2026-05-10"))
    advice = suggest({OLD: old, NEW: new}, 2026, NAMES)
    assert advice.school == NEW
    assert advice.days == {OLD: 9, NEW: 22}
    assert advice.reason == (
        "New Road Primary should report this pupil: registered for 22 days at New Road Primary "
        "and 9 days at Old Lane Primary in May 2026."
    )


def test_a_move_on_20_may_stays_with_the_old_school() -> None:
    old = (at(OLD, "2022-09-05", "2026-05-19"),)
    new = (at(OLD, "2022-09-05", "2026-05-19"), at(NEW, "2026-05-20"))
    advice = suggest({OLD: old, NEW: new}, 2026, NAMES)
    assert advice.school == OLD
    assert advice.days == {OLD: 19, NEW: 12}


def test_records_may_be_pupils_or_pairs() -> None:
    old = Pupil(upn="A1", school_history=(at(OLD, "2022-09-05", "2026-05-09"),))
    new = Pupil(upn="A1", school_history=(at(NEW, "2026-05-10"),))
    assert suggest([(OLD, old), (NEW, new)], 2026).school == NEW


def test_the_old_school_leaving_date_can_come_from_the_new_school_file() -> None:
    """The old school's file still shows the pupil on roll; the new school's says they left."""
    old = (at(OLD, "2022-09-05"),)
    new = (at(OLD, "2022-09-05", "2026-05-09"), at(NEW, "2026-05-10"))
    advice = suggest({OLD: old, NEW: new}, 2026, NAMES)
    assert advice.school == NEW
    assert advice.days == {OLD: 9, NEW: 22}
    (stay,) = advice.stays[OLD]
    assert (stay.entry, stay.entry_from) == (d("2022-09-05"), OLD)
    assert (stay.leaving, stay.leaving_from) == (d("2026-05-09"), NEW)


def test_a_leaving_date_from_an_earlier_stay_does_not_close_a_later_one() -> None:
    """The pupil left the old school in 2024 and came back in March: they are there in May."""
    old = (at(OLD, "2022-09-05", "2024-01-31"), at(OLD, "2026-03-02"))
    new = (at(OLD, "2022-09-05", "2024-01-31"), at(NEW, "2024-02-01", "2026-02-27"))
    advice = suggest({OLD: old, NEW: new}, 2026, NAMES)
    assert advice.days == {OLD: 31, NEW: 0}
    assert advice.school == OLD


def test_a_school_whose_own_file_does_not_list_it_uses_the_other_file() -> None:
    old: tuple[SchoolHistoryEntry, ...] = ()  # the old school's MIS sent no history
    new = (at(OLD, "2022-09-05", "2026-05-09"), at(NEW, "2026-05-10"))
    advice = suggest({OLD: old, NEW: new}, 2026, NAMES)
    assert advice.days == {OLD: 9, NEW: 22}
    assert advice.school == NEW
    assert advice.stays[OLD][0].leaving_from == NEW


def test_an_entry_is_matched_to_its_school_by_lea_and_estab() -> None:
    """A school with the same Estab in another LA is a different school."""
    elsewhere = SchoolHistoryEntry(la="336", estab=OLD[3:], entry_date="2022-09-05")
    old = (elsewhere, at(OLD, "2026-05-25"))
    new = (at(NEW, "2022-09-05"),)
    advice = suggest({OLD: old, NEW: new}, 2026)
    assert advice.days == {OLD: 7, NEW: 31}
    assert advice.school == NEW


def test_no_dates_no_suggestion() -> None:
    old = (at(OLD),)
    new = (at(NEW),)
    advice = suggest({OLD: old, NEW: new}, 2026, NAMES)
    assert advice.school is None
    assert advice.days == {OLD: None, NEW: None}
    assert advice.reason == (
        "No suggestion: the files do not give the dates the pupil was registered at "
        "Old Lane Primary and New Road Primary, so the days in May 2026 cannot be counted."
    )


def test_no_history_at_all_no_suggestion() -> None:
    advice = suggest({OLD: (), NEW: ()}, 2026)
    assert advice.school is None
    assert advice.days == {OLD: None, NEW: None}


def test_one_school_without_dates_no_suggestion() -> None:
    """The new school's days are known, the old school's are not: it could be either."""
    old = (at(OLD),)
    new = (at(NEW, "2026-05-10"),)
    advice = suggest({OLD: old, NEW: new}, 2026, NAMES)
    assert advice.school is None
    assert advice.days == {OLD: None, NEW: 22}
    assert "Old Lane Primary" in advice.reason and "New Road" not in advice.reason


def test_equal_days_no_suggestion() -> None:
    """Both schools kept the pupil on roll all May (dual registration, or no leaving date)."""
    old = (at(OLD, "2022-09-05"),)
    new = (at(NEW, "2022-09-05"),)
    advice = suggest({OLD: old, NEW: new}, 2026, NAMES)
    assert advice.school is None
    assert advice.days == {OLD: 31, NEW: 31}
    assert advice.reason == (
        "No suggestion: the pupil was registered for 31 days at New Road Primary and 31 days "
        "at Old Lane Primary in May 2026."
    )


def test_entry_before_may_and_no_leaving_date_is_the_whole_month() -> None:
    old = (at(OLD, "2022-09-05", "2026-04-17"),)
    new = (at(OLD, "2022-09-05", "2026-04-17"), at(NEW, "2026-04-20"))
    advice = suggest({OLD: old, NEW: new}, 2026)
    assert advice.days == {OLD: 0, NEW: 31}
    assert advice.school == NEW


def test_a_move_after_may_stays_with_the_old_school() -> None:
    old = (at(OLD, "2022-09-05", "2026-06-12"),)
    new = (at(NEW, "2026-06-15"),)
    assert suggest({OLD: old, NEW: new}, 2026).school == OLD


def test_two_stays_at_one_school_count_each_day_once() -> None:
    old = (at(OLD, "2022-09-05", "2026-05-05"), at(OLD, "2026-05-03", "2026-05-10"))
    new = (at(NEW, "2026-05-11"),)
    advice = suggest({OLD: old, NEW: new}, 2026)
    assert advice.days == {OLD: 10, NEW: 21}
    assert advice.school == NEW


def test_three_schools_the_longest_in_may_reports() -> None:
    old = (at(OLD, "2022-09-05", "2026-05-04"),)
    new = (at(NEW, "2026-05-05", "2026-05-20"),)
    third = (at(THIRD, "2026-05-21"),)
    advice = suggest({OLD: old, NEW: new, THIRD: third}, 2026, NAMES)
    assert advice.days == {OLD: 4, NEW: 16, THIRD: 11}
    assert advice.school == NEW
    assert "16 days at New Road Primary, 11 days at Third Way Infants and 4 days at" in (
        advice.reason
    )


def test_one_day_is_not_plural() -> None:
    old = (at(OLD, "2022-09-05", "2026-05-01"),)
    new = (at(NEW, "2026-05-02"),)
    assert "and 1 day at" in suggest({OLD: old, NEW: new}, 2026).reason


def test_synthetic_files_give_every_pupil_its_own_school_days(tmp_path: Path) -> None:
    """keystage.synth writes each pupil's history as real MIS exports do: the school itself
    last, with no leaving date; an earlier school elsewhere may come before it."""
    write_la(out=tmp_path, la="330", schools=2, collection="KS1", seed=3, workers=1)
    files = sorted((tmp_path / "KS1").glob("*.xml"))
    assert len(files) == 2
    for path in files:
        with read_ctf(path) as reader:
            laestab, pupils = reader.header.source.laestab, list(reader)
        assert laestab is not None
        for pupil in pupils:
            advice = suggest({laestab: pupil}, 2026)
            assert advice.days == {laestab: 31}, pupil.school_history
            assert advice.school == laestab
