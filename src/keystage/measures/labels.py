"""The measures and pupil groups in words for people, and the measures each collection leads
with: one definition for the reports, the LA's pages and the exports."""

from __future__ import annotations

LABELS = {
    "eyfsp_gld": "Good level of development",
    "eyfsp_all_elgs_expected": "Expected level in all 17 goals",
    "eyfsp_avg_elgs_expected": "Average number of goals at the expected level",
    "eyfsp_not_assessed": "Not assessed (every goal A)",
    "phon_y1_met": "Year 1: met the expected standard",
    "phon_recheck_met": "Year 2 re-check: met the expected standard",
    "phon_y2_met_by_end": "Met the standard by the end of Year 2",
    "ks1_reading_exs_plus": "Reading: expected standard or above",
    "ks1_writing_exs_plus": "Writing: expected standard or above",
    "ks1_maths_exs_plus": "Maths: expected standard or above",
    "ks1_science_exs": "Science: expected standard",
    "ks1_reading_gds": "Reading: greater depth",
    "ks1_writing_gds": "Writing: greater depth",
    "ks1_maths_gds": "Maths: greater depth",
    "ks1_rwm_exs_plus": "Reading, writing and maths: expected or above",
    "ks2_rwm_exs_plus": "Reading, writing and maths: expected standard",
    "ks2_rwm_high": "Reading, writing and maths: higher standard",
    "ks2_reading_exs_plus": "Reading: expected standard",
    "ks2_writing_exs_plus": "Writing: expected standard",
    "ks2_maths_exs_plus": "Maths: expected standard",
    "ks2_gps_exs_plus": "Grammar, punctuation and spelling: expected standard",
    "ks2_reading_avg_score": "Reading: average scaled score",
    "ks2_maths_avg_score": "Maths: average scaled score",
    "ks2_gps_avg_score": "Grammar, punctuation and spelling: average scaled score",
}


def label(measure: str) -> str:
    """The measure in words; an unknown name is shown as it is."""
    return LABELS.get(measure, measure)


# The measures each collection leads with, the headline first (DESIGN.md's table): the LA's
# results page shows them for every school and breaks the first down by group; a school's
# report charts them and breaks them down by group (the percentages: a chart of shares has no
# place for an average).
HEADLINES = {
    "EYFSP": ("eyfsp_gld", "eyfsp_all_elgs_expected", "eyfsp_avg_elgs_expected"),
    "PHON": ("phon_y1_met", "phon_recheck_met"),
    # KS1's headline is each subject's (the DfE publishes England's for each, not combined).
    "KS1": ("ks1_reading_exs_plus", "ks1_writing_exs_plus", "ks1_maths_exs_plus",
            "ks1_rwm_exs_plus"),
    "KS2": ("ks2_rwm_exs_plus", "ks2_reading_exs_plus", "ks2_writing_exs_plus",
            "ks2_maths_exs_plus"),
}  # fmt: skip

# Short names for table headings and chart labels, where the full label is given nearby.
SHORT = {
    "eyfsp_gld": "GLD", "eyfsp_all_elgs_expected": "All 17 goals",
    "phon_y1_met": "Year 1 met", "phon_recheck_met": "Re-check met",
    "ks1_rwm_exs_plus": "RWM EXS+", "ks1_reading_exs_plus": "Reading EXS+",
    "ks1_writing_exs_plus": "Writing EXS+", "ks1_maths_exs_plus": "Maths EXS+",
    "ks2_rwm_exs_plus": "RWM expected", "ks2_reading_exs_plus": "Reading expected",
    "ks2_writing_exs_plus": "Writing expected", "ks2_maths_exs_plus": "Maths expected",
}  # fmt: skip


def short_label(measure: str) -> str:
    """The measure's short name; one without is shown as it is."""
    return SHORT.get(measure, measure)


# Each breakdown's name, and each group's, as the reports and the LA's pages say them: the
# DfE's words where its statistics name the group (first language: "other than English").
DIMENSIONS = {
    "sex": "Sex",
    "disadvantaged": "Disadvantaged (free school meals in the last six years)",
    "sen": "Special educational needs",
    "eal": "First language",
    "term_of_birth": "Term of birth",
    "ethnicity": "Major ethnic group",
}
GROUPS = {
    "all": "All pupils",
    "sex=F": "Girls", "sex=M": "Boys", "sex=unknown": "Sex not recorded",
    "disadvantaged=yes": "Disadvantaged", "disadvantaged=no": "Not disadvantaged",
    "disadvantaged=unknown": "Disadvantage not known",
    "sen=none": "No SEN", "sen=support": "SEN support", "sen=ehcp": "EHC plan",
    "sen=unknown": "SEN not known",
    "eal=yes": "First language other than English", "eal=no": "First language English",
    "eal=unknown": "First language not known",
    "term_of_birth=autumn": "Autumn-born (September to December)",
    "term_of_birth=spring": "Spring-born (January to April)",
    "term_of_birth=summer": "Summer-born (May to August)",
    "term_of_birth=unknown": "Date of birth not known",
    "ethnicity=white": "White", "ethnicity=mixed": "Mixed",
    "ethnicity=asian": "Asian or Asian British", "ethnicity=black": "Black or Black British",
    "ethnicity=chinese": "Chinese", "ethnicity=other": "Any other ethnic group",
    "ethnicity=unknown": "Ethnicity not known",
}  # fmt: skip


def group_label(group: str) -> str:
    """The group in words; one outside the standard groups is named by its breakdown and
    value ("Sex: X"), never as the machine writes it ("sex=X")."""
    if group in GROUPS:
        return GROUPS[group]
    dimension, _, value = group.partition("=")
    if not value:
        return group
    return f"{DIMENSIONS.get(dimension, dimension).split(' (')[0]}: {value}"
