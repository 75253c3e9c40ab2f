"""The synthetic LA's register of schools: plausible, distinct, and the same for the same seed."""

from __future__ import annotations

import csv
import re

from keystage.synth import School, generate_schools, write_register
from keystage.synth.population import DISTRICTS
from keystage.synth.schools import GIAS_COLUMNS

SCHOOLS = generate_schools("330", 300, seed=1)


def test_count_order_and_determinism():
    assert len(SCHOOLS) == 300
    assert [s.estab for s in SCHOOLS] == sorted(s.estab for s in SCHOOLS)
    assert generate_schools("330", 300, seed=1) == SCHOOLS
    assert generate_schools("330", 300, seed=2) != SCHOOLS


def test_identifiers_are_distinct_and_in_their_bands():
    for attribute in ("estab", "urn", "name", "email", "telephone"):
        assert len({getattr(s, attribute) for s in SCHOOLS}) == 300, attribute
    assert SCHOOLS[0].estab == "2001"
    for school in SCHOOLS:
        assert re.fullmatch(r"\d{4}", school.estab)
        assert school.laestab == f"330{school.estab}"
        urn = int(school.urn)
        if school.type.startswith("Academy"):
            assert 140000 <= urn <= 149999
        else:
            assert 103000 <= urn <= 104999
        if school.type.startswith("Voluntary"):
            assert school.estab.startswith("3")
        assert re.fullmatch(r"enquiry@[a-z0-9-]+\.bham\.sch\.uk", school.email)
        assert re.fullmatch(r"B\d{1,2} \d[A-Z]{2}", school.postcode)


def test_a_mix_of_types_districts_and_phases():
    types = {s.type for s in SCHOOLS}
    assert {"Community school", "Academy converter", "Voluntary aided school"} <= types
    assert {s.district for s in SCHOOLS} == {d.name for d in DISTRICTS}
    assert all(s.phase == "Primary" for s in SCHOOLS)
    assert any("Catholic" in s.name for s in SCHOOLS)
    juniors = [s for s in SCHOOLS if s.low_age == 7]
    infants = {s.estab for s in SCHOOLS if s.high_age == 7}
    assert juniors and all(s.infant_estab in infants for s in juniors)
    assert all(not s.takes("KS1") and s.takes("KS2") for s in juniors)


def test_year_group_sizes_follow_forms_of_entry():
    sizes = {s.year_group_size for s in SCHOOLS}
    assert sizes <= {15, 30, 45, 60, 90}


def test_register_has_the_gias_column_names(tmp_path):
    path = tmp_path / "schools.csv"
    write_register(SCHOOLS[:3], path)
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == GIAS_COLUMNS
    first = SCHOOLS[0]
    assert rows[0]["URN"] == first.urn
    assert rows[0]["LA (code)"] == "330"
    assert rows[0]["LA (name)"] == "Birmingham"
    assert rows[0]["EstablishmentNumber"] == first.estab
    assert rows[0]["MainEmail"] == first.email
    assert rows[0]["EstablishmentStatus (name)"] == "Open"


def test_a_small_la_has_no_infant_junior_pairs_and_other_las_work():
    small = generate_schools("886", 5, seed=3)
    assert len(small) == 5
    assert all(isinstance(s, School) and s.la == "886" and s.low_age <= 4 for s in small)
