"""Code tables for tests: the shipped text made into another year's, or changed a little."""

from __future__ import annotations

from keystage import codesets


def table_text(year: str = "2025-26", *, threshold: int = 32, ctf: str = '"25.0", "24.0"') -> str:
    """The shipped 2025-26 table's text, as `year`'s, with its threshold and CTF versions."""
    start = int(year[:4])
    return (
        codesets.shipped_text("2025-26")
        .replace('academic_year = "2025-26"', f'academic_year = "{year}"')
        .replace("start_year = 2025", f"start_year = {start}")
        .replace('assessment_year = "2026"', f'assessment_year = "{start + 1}"')
        .replace('ctf_versions = ["25.0", "24.0"]', f"ctf_versions = [{ctf}]")
        .replace("phonics_threshold = 32", f"phonics_threshold = {threshold}")
    )


def without_exs_in_ks1(text: str) -> str:
    """KS1 reading, writing and maths no longer accept EXS: a change every clean KS1 file shows."""
    changed = text.replace('ks1_core = { codes = ["GDS", "EXS", ', 'ks1_core = { codes = ["GDS", ')
    assert changed != text
    return changed
