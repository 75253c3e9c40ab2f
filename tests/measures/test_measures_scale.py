"""The synthetic LA: figures in plausible ranges, a cross-check by an independent count, and
the synthetic data's published-like GLD of about 68%."""

from __future__ import annotations

import json

import pytest
from measure_builders import CODESET, figure, find

from keystage.measures import compute, suppress
from keystage.measures.cli import run
from keystage.synth import SynthConfig, generate_la, write_la


@pytest.fixture(scope="module")
def la(tmp_path_factory):
    """20 schools' EYFSP and KS1 files, a folder each (as `keystage synth` writes them)."""
    out = tmp_path_factory.mktemp("la")
    for collection in ("EYFSP", "KS1"):
        write_la(out=out / collection, la="330", schools=20, collection=collection, seed=1)
    return out


def measures_of(folder, capsys):
    assert run([str(folder)], json_out=True, collection=None, year="2025-26") == 0
    out = json.loads(capsys.readouterr().out)
    return out, {(m["measure"], m["group"]): m for m in out["measures"]}


def test_eyfsp_in_range(la, capsys):
    out, found = measures_of(la / "EYFSP" / "EYFSP", capsys)
    assert out["collection"] == "EYFSP"
    assert out["pupils"] > 500
    assert 60 <= found["eyfsp_gld", "all"]["percent"] <= 75
    assert 13.0 <= found["eyfsp_avg_elgs_expected", "all"]["value"] <= 15.0
    assert (
        found["eyfsp_all_elgs_expected", "all"]["percent"] <= found["eyfsp_gld", "all"]["percent"]
    )
    # the gaps point the published way
    assert found["eyfsp_gld", "sex=F"]["percent"] > found["eyfsp_gld", "sex=M"]["percent"]
    assert (
        found["eyfsp_gld", "term_of_birth=autumn"]["percent"]
        > found["eyfsp_gld", "term_of_birth=summer"]["percent"]
    )
    assert found["eyfsp_gld", "sen=support"]["percent"] < found["eyfsp_gld", "sen=none"]["percent"]
    cohort = found["eyfsp_gld", "all"]["denominator"]
    share = {g: found["eyfsp_gld", g]["denominator"] / cohort for g in
             ("disadvantaged=yes", "eal=yes", "sen=support", "sen=ehcp")}  # fmt: skip
    assert 0.2 <= share["disadvantaged=yes"] <= 0.45
    assert 0.25 <= share["eal=yes"] <= 0.5
    assert 0.05 <= share["sen=support"] <= 0.15
    assert share["sen=ehcp"] <= 0.04


def test_ks1_in_range(la, capsys):
    out, found = measures_of(la / "KS1" / "KS1", capsys)
    assert out["collection"] == "KS1"
    expected = {
        "ks1_reading_exs_plus": (60, 76), "ks1_writing_exs_plus": (52, 68),
        "ks1_maths_exs_plus": (62, 77), "ks1_science_exs": (72, 86),
        "ks1_reading_gds": (12, 26), "ks1_writing_gds": (4, 12), "ks1_maths_gds": (10, 22),
        "ks1_rwm_exs_plus": (42, 62),
    }  # fmt: skip
    for name, (low, high) in expected.items():
        assert low <= found[name, "all"]["percent"] <= high, name
    assert (
        found["ks1_rwm_exs_plus", "all"]["percent"]
        <= found["ks1_writing_exs_plus", "all"]["percent"]
    )


@pytest.mark.slow
def test_the_whole_synthetic_la_has_about_68_percent_gld():
    pupils = [
        p for f in generate_la(SynthConfig(schools=300, collection="EYFSP")) for p in f.pupils
    ]
    found = compute(pupils, "EYFSP", CODESET)
    numerator, denominator, percent = figure(found, "eyfsp_gld")
    assert 66.0 <= percent <= 70.0
    # an independent count: every GLD goal "2", over children not all "A"
    roles = {a.key: a.role for a in CODESET.assessments}

    def levels(p):
        return {roles.get(a.key): a.result for a in p.assessments}

    profiles = [levels(p) for p in pupils]
    assessed = [lv for lv in profiles if set(lv.values()) != {"A"}]
    assert denominator == len(assessed)
    assert numerator == sum(all(lv.get(g) == "2" for g in CODESET.gld) for lv in assessed)
    # beyond the school: an LA's large groups keep their figures
    shown = suppress(found)
    assert not find(shown, "eyfsp_gld", "sex=F").suppressed
    assert not find(shown, "eyfsp_gld", "ethnicity=chinese").suppressed
