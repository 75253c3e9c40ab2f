"""Each school's pupils: valid identities, results the code table accepts, one child one UPN."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from keystage import codesets
from keystage.codesets.model import as_mark
from keystage.ctf import upn
from keystage.synth import SynthConfig, generate_cohort, generate_la, generate_schools
from keystage.synth.cohort import NC_YEAR
from keystage.synth.pupils import dob_range

CODESET = codesets.load("2025-26")
CONFIG = SynthConfig(schools=12, collection="ALL", seed=7)
FILES = list(generate_la(CONFIG))


def test_every_school_sends_what_its_year_groups_take():
    schools = generate_schools("330", 12, seed=7)
    expected = {(c, s.estab) for c in CONFIG.collections for s in schools if s.takes(c)}
    assert {(f.collection, f.school.estab) for f in FILES} == expected


def test_headers_name_the_school_and_the_year():
    for item in FILES:
        header, school = item.header, item.school
        assert header.document_name == "Common Transfer File"
        assert header.ctf_version == CODESET.ctf_versions[0]
        assert header.source.la == "330" and header.source.estab == school.estab
        assert header.source.urn == school.urn and header.source.name == school.name
        assert header.source.academic_year == str(CODESET.start_year)
        assert header.dest.la == "330" and header.dest.estab == "LLLL"
        assert header.date_time and header.date_time.startswith(CODESET.assessment_year)
        assert item.name == f"330{school.estab}_CTF_330LLLL_001.xml"


def test_identities_are_valid_and_inside_the_year_group():
    for item in FILES:
        for pupil in item.pupils:
            assert upn.status(pupil.upn) == upn.UPNStatus.VALID
            assert pupil.surname and pupil.forename and pupil.sex in ("M", "F")
            first, last = dob_range(CODESET.start_year, pupil.nc_year or "")
            assert pupil.dob_date is not None and first <= pupil.dob_date <= last
            expected = NC_YEAR[item.collection]
            if item.collection == "PHON":
                assert pupil.nc_year in ("1", "2")
            else:
                assert pupil.nc_year == expected
            assert pupil.first_language and pupil.ethnicity
            assert pupil.school_history[-1].estab == item.school.estab


def test_one_upn_one_child_across_the_la():
    seen: dict[str, tuple[str | None, ...]] = {}
    for collection in CONFIG.collections:
        upns = [p.upn for f in FILES if f.collection == collection for p in f.pupils]
        assert len(upns) == len(set(upns)), collection
    for item in FILES:
        for p in item.pupils:
            identity = (p.surname, p.forename, p.dob, p.sex)
            assert seen.setdefault(p.upn or "", identity) == identity


def test_every_result_is_in_the_code_table_and_every_required_one_is_there():
    for item in FILES:
        required = {a.key for a in CODESET.for_collection(item.collection) if a.required}
        for pupil in item.pupils:
            for result in pupil.assessments:
                kind = CODESET.lookup(result)
                assert kind is not None and kind.collection == item.collection
                assert kind.results.accepts(result.result), (kind.role, result.result)
                assert (result.locale, result.result_status) == ("ENG", "R")
            assert required <= {a.key for a in pupil.assessments}


def test_recheck_pupils_did_not_meet_the_standard_last_year_and_are_in_ks1_too():
    ks1 = {p.upn: p for f in FILES if f.collection == "KS1" for p in f.pupils}
    rechecks = [p for f in FILES if f.collection == "PHON" for p in f.pupils if p.nc_year == "2"]
    assert rechecks
    last_year = str(int(CODESET.assessment_year) - 1)
    for pupil in rechecks:
        prior, current = pupil.assessments
        assert prior.year == last_year and current.year == CODESET.assessment_year
        assert as_mark(prior.result) is not None
        assert as_mark(prior.result) < CODESET.phonics_threshold  # type: ignore[operator]
        assert ks1[pupil.upn].dob == pupil.dob and ks1[pupil.upn].surname == pupil.surname


def test_eyfsp_all_a_is_all_or_nothing():
    for pupil in (p for f in FILES if f.collection == "EYFSP" for p in f.pupils):
        results = {a.result for a in pupil.assessments}
        assert "A" not in results or results == {"A"}


def test_one_collection_alone_is_the_same_as_with_the_others():
    alone = list(generate_la(SynthConfig(schools=12, collection="KS1", seed=7)))
    together = [f for f in FILES if f.collection == "KS1"]
    assert [(f.header, f.pupils) for f in alone] == [(f.header, f.pupils) for f in together]


def test_generate_cohort_is_seeded_by_its_generator():
    school = generate_schools("330", 3, seed=1)[0]
    first = generate_cohort(school, "KS2", CODESET, random.Random(5), size=25)
    again = generate_cohort(school, "KS2", CODESET, random.Random(5), size=25)
    other = generate_cohort(school, "KS2", CODESET, random.Random(6), size=25)
    assert first == again != other
    assert len(first) == 25


@pytest.mark.parametrize("collection", ["EYFSP", "PHON", "KS1", "KS2"])
def test_results_vary_between_pupils(collection):
    counts: dict[str, set[str]] = defaultdict(set)
    for item in FILES:
        if item.collection == collection:
            for pupil in item.pupils:
                for result in pupil.assessments:
                    counts[result.component].add(result.result or "")
    assert all(len(values) >= 2 for values in counts.values())
