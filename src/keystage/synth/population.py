"""The shape of a Birmingham-like population, as data the generators draw from.

Shares follow Birmingham's published EYFSP 2021/22 cohort (reference/measures.md and
reference/data): White 31%, Mixed 11%, Asian 35%, Black 12%, Other 6%, unclassified 5%;
32.7% FSM, 38% first language other than English, 9.9% SEN support, 1.5% EHC plan.
Birmingham's schools are far from uniform, so each district shifts the ethnic mix and the
share of disadvantaged pupils; the LA-wide shares come out near the figures above.
"""

from __future__ import annotations

from typing import NamedTuple


class Ethnicity(NamedTuple):
    code: str  # the DfE main ethnicity code written to the CTF
    group: str  # W, M, A, B, O (Chinese counts with Other here), U unclassified
    share: float  # percent of Birmingham pupils, before a district's shift
    heritage: tuple[str, ...]  # name lists (names.NAMES) a pupil's names come from
    other_language: float  # chance the first language is not English
    languages: tuple[tuple[str, float], ...]  # DfE language codes when it is not


ETHNICITIES: tuple[Ethnicity, ...] = (
    Ethnicity("WBRI", "W", 25.0, ("english",), 0.0, ()),
    Ethnicity("WIRI", "W", 0.6, ("irish",), 0.0, ()),
    Ethnicity("WOTH", "W", 4.6, ("east_european",), 0.75,
              (("POL", 0.45), ("RMN", 0.3), ("LIT", 0.1), ("POR", 0.1), ("SPA", 0.05))),
    Ethnicity("WROM", "W", 0.5, ("east_european",), 0.8, (("ROM", 0.7), ("RMN", 0.3))),
    Ethnicity("MWBC", "M", 4.5, ("english", "caribbean"), 0.0, ()),
    Ethnicity("MWBA", "M", 1.2, ("english", "african"), 0.15, (("YOR", 0.5), ("SOM", 0.5))),
    Ethnicity("MWAS", "M", 2.0, ("english", "pakistani", "indian"), 0.15,
              (("URD", 0.5), ("PNJ", 0.5))),
    Ethnicity("MOTH", "M", 2.8, ("english", "arab", "african"), 0.1, (("ARA", 1.0),)),
    Ethnicity("AIND", "A", 5.5, ("indian",), 0.55,
              (("PNJ", 0.6), ("GUJ", 0.25), ("HIN", 0.1), ("TAM", 0.05))),
    Ethnicity("APKN", "A", 20.0, ("pakistani",), 0.6, (("URD", 0.6), ("PNJ", 0.3), ("PAS", 0.1))),
    Ethnicity("ABAN", "A", 5.0, ("bangladeshi",), 0.8, (("BNG", 1.0),)),
    Ethnicity("AOTH", "A", 4.9, ("pakistani", "indian"), 0.75,
              (("PAS", 0.35), ("TAM", 0.25), ("NEP", 0.2), ("ARA", 0.2))),
    Ethnicity("BCRB", "B", 2.5, ("caribbean",), 0.0, ()),
    Ethnicity("BAFR", "B", 8.0, ("african",), 0.6,
              (("SOM", 0.35), ("YOR", 0.15), ("IGB", 0.1), ("ARA", 0.1), ("FRN", 0.1),
               ("SHO", 0.1), ("AKA", 0.1))),
    Ethnicity("BOTH", "B", 1.6, ("african", "caribbean"), 0.2, (("SOM", 1.0),)),
    Ethnicity("CHNE", "O", 0.6, ("chinese",), 0.7, (("CHI", 1.0),)),
    Ethnicity("OOTH", "O", 5.4, ("arab",), 0.85, (("ARA", 0.55), ("KUR", 0.25), ("PRS", 0.2))),
    Ethnicity("REFU", "U", 1.0, ("english", "pakistani"), 0.3, (("URD", 0.5), ("POL", 0.5))),
    Ethnicity("NOBT", "U", 3.5, ("english", "pakistani", "african"), 0.4,
              (("URD", 0.4), ("SOM", 0.3), ("POL", 0.3))),
)  # fmt: skip


class District(NamedTuple):
    name: str
    fsm: float  # share of disadvantaged pupils in a typical school of the district
    shift: dict[str, float]  # ethnic group -> multiplier of the LA share
    postcodes: tuple[str, ...]  # outward codes of the district's schools


# Birmingham's ten parliamentary constituencies; the multipliers average about 1 per group.
DISTRICTS: tuple[District, ...] = (
    District("Edgbaston", 0.28, {"W": 1.0, "M": 1.2, "A": 0.8, "B": 1.3, "O": 1.2},
             ("B15", "B17", "B32")),
    District("Erdington", 0.37, {"W": 1.5, "M": 1.3, "A": 0.4, "B": 1.2, "O": 0.8},
             ("B23", "B24")),
    District("Hall Green", 0.30, {"W": 0.5, "M": 0.8, "A": 2.0, "B": 0.7, "O": 1.0},
             ("B11", "B12", "B13", "B28")),
    District("Hodge Hill", 0.46, {"W": 0.5, "M": 0.7, "A": 2.0, "B": 0.8, "O": 1.2},
             ("B8", "B9", "B34", "B36")),
    District("Ladywood", 0.48, {"W": 0.4, "M": 1.0, "A": 1.5, "B": 1.6, "O": 1.5},
             ("B1", "B16", "B18", "B19")),
    District("Northfield", 0.33, {"W": 2.0, "M": 1.2, "A": 0.2, "B": 0.6, "O": 0.5},
             ("B31", "B38")),
    District("Perry Barr", 0.38, {"W": 0.5, "M": 1.0, "A": 1.4, "B": 1.6, "O": 1.2},
             ("B20", "B42", "B43", "B44")),
    District("Selly Oak", 0.27, {"W": 1.4, "M": 1.1, "A": 0.6, "B": 0.8, "O": 0.8},
             ("B29", "B30", "B14")),
    District("Sutton Coldfield", 0.10, {"W": 2.2, "M": 0.9, "A": 0.3, "B": 0.3, "O": 0.4},
             ("B72", "B73", "B74", "B75", "B76")),
    District("Yardley", 0.36, {"W": 1.0, "M": 1.0, "A": 1.2, "B": 0.9, "O": 1.0},
             ("B25", "B26", "B27", "B33")),
)  # fmt: skip

SEN_SUPPORT = 0.10  # K
EHC_PLAN = 0.015  # E

# Neighbouring LAs, for the few pupils who joined from a school outside the LA.
OTHER_LAS = ("332", "333", "334", "335", "336", "885", "937")

# Management information systems whose CTF exports the LA receives (the header SupplierID).
SUPPLIERS = (("SIMS", 0.5), ("Arbor", 0.25), ("Bromcom", 0.15), ("ScholarPack", 0.1))
