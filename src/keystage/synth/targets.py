"""The outcome distributions the synthetic LA aims at, and how characteristics shift them.

Rates are England's recent published headlines (reference/measures.md): GLD about 67%,
phonics Year 1 80%, KS1 (2023) reading 68/19, writing 60/8, maths 70/16, science 79, KS2
combined about 61% with average scaled scores near 105. Distributions are listed from the
lowest result up, as shares (they need not add to exactly 1).
"""

from __future__ import annotations

# Shifts of the latent attainment (in standard deviations of ability) by characteristic,
# sized from the published gaps: girls and autumn-born children ahead most in the EYFSP,
# disadvantaged pupils about a third of a deviation behind, SEN pupils far behind.
EFFECTS: dict[str, dict[str, float]] = {
    "EYFSP": {"girl": 0.35, "month": -0.06, "disadvantaged": -0.30, "eal": -0.12,
              "K": -1.2, "E": -2.8},
    "PHON": {"girl": 0.20, "month": -0.04, "disadvantaged": -0.30, "eal": -0.05,
             "K": -1.1, "E": -2.6},
    "KS1": {"girl": 0.15, "month": -0.035, "disadvantaged": -0.35, "eal": -0.05,
            "K": -1.1, "E": -2.6},
    "KS2": {"girl": 0.10, "month": -0.015, "disadvantaged": -0.40, "eal": 0.0,
            "K": -1.2, "E": -2.6},
}  # fmt: skip

# The spread of one subject (or goal) around the pupil's latent: small, so subjects agree.
NOISE = {"EYFSP": 0.3, "PHON": 0.35, "KS1": 0.45, "KS2": 0.45}

# EYFSP: share of children at the expected level in each goal (by the code table's role).
ELG_EXPECTED = dict(zip(
    (f"elg{n:02d}" for n in range(1, 18)),
    (0.85, 0.85, 0.85, 0.87, 0.89, 0.91, 0.86, 0.83, 0.77, 0.71, 0.79, 0.78,
     0.84, 0.85, 0.86, 0.87, 0.87),
    strict=True,
))  # fmt: skip
ELG_DEFAULT = 0.83  # for a goal a later code table adds
ELG_EMERGING, ELG_EXPECTED_LEVEL, NOT_ASSESSED = "1", "2", "A"
EYFSP_ALL_A = 0.003  # the whole profile could not be assessed

# Phonics: the Year 1 mark distribution, 0 .. 40 (the threshold's spike at 32 is real).
PHONICS_MARKS = (
    (0.6,) + (0.2,) * 9 + (0.45,) * 10 + (0.8,) * 8 + (1.2, 1.4, 1.6, 1.5)
    + (6.0, 6.0, 6.5, 7.5, 8.5, 9.5, 11.0, 12.0, 14.0)
)  # fmt: skip
PHONICS_ABSENT = 0.008
PHONICS_LEFT = 0.003
PHONICS_DISAPPLIED_EHC = 0.5  # of pupils with an EHC plan
ABSENT, LEFT, DISAPPLIED, BELOW_TEST = "A", "L", "D", "B"
RECHECK_GAIN = (7.0, 4.0)  # mean and spread of the marks gained from Year 1 to the re-check

# KS1 teacher assessment, lowest first.
KS1_CORE = {
    "ks1_reading": (("EM", 0.004), ("PK1", 0.006), ("PK2", 0.01), ("PK3", 0.015),
                    ("PK4", 0.03), ("WTS", 0.255), ("EXS", 0.49), ("GDS", 0.19)),
    "ks1_writing": (("EM", 0.005), ("PK1", 0.008), ("PK2", 0.01), ("PK3", 0.017),
                    ("PK4", 0.04), ("WTS", 0.32), ("EXS", 0.52), ("GDS", 0.08)),
    "ks1_maths": (("EM", 0.004), ("PK1", 0.006), ("PK2", 0.01), ("PK3", 0.015),
                  ("PK4", 0.035), ("WTS", 0.23), ("EXS", 0.54), ("GDS", 0.16)),
}  # fmt: skip
SCIENCE = ("HNM", "EXS")  # not met, met (KS1 and KS2)
KS1_SCIENCE_EXS = 0.79
KS1_ABSENT = 0.002  # A: too much absence to judge

# KS2 tests: scaled score = mean + spread * z, kept in 80-120; the lowest pupils are
# working below the test's standard (B) and get a pre-key stage teacher assessment instead.
KS2_TESTS = {
    "ks2_reading_test": (105.5, 8.0),
    "ks2_maths_test": (104.5, 7.5),
    "ks2_gps_test": (105.0, 8.0),
}
KS2_BELOW_TEST = 0.02  # B
KS2_TEST_ABSENT = 0.01  # A
KS2_BELOW_TA = (("EM", 0.05), ("PK1", 0.05), ("PK2", 0.1), ("PK3", 0.2), ("PK4", 0.25),
                ("PK5", 0.2), ("PK6", 0.15))  # fmt: skip
KS2_WRITING = (
    ("EM", 0.002), ("PK1", 0.003), ("PK2", 0.005), ("PK3", 0.01), ("PK4", 0.015),
    ("PK5", 0.02), ("PK6", 0.02), ("WTS", 0.205), ("EXS", 0.59), ("GDS", 0.13),
)  # fmt: skip
KS2_SCIENCE_EXS = 0.81  # the rest HNM
# Multiplication tables check, 0 .. 25: a third of pupils score full marks.
MTC_SCORES = (0.47,) * 10 + (1.2, 1.3, 1.5, 1.8, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 6.0, 7.0,
                              8.0, 10.0, 34.0)  # fmt: skip
MTC_ABSENT = 0.015
