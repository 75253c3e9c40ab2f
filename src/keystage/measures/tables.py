"""Code-table facts the measures need that the year's code table does not hold yet.

Every one of these belongs in the code tables (src/keystage/codesets/data/<year>.toml) and is
kept here, in one place, only until the table's schema has keys for them. Nothing else in
`keystage.measures` writes a code or a threshold as a literal: the rest comes from the Codeset.
"""

from __future__ import annotations

from types import MappingProxyType

# KS2 test scaled scores: the expected standard and the higher standard (STA: 100 and 110).
KS2_EXPECTED_SCORE = 100
KS2_HIGH_SCORE = 110

# First language (LanguageType F): English, or believed to be English. Any other known code
# (OTB "believed to be other than English" included) is English as an additional language.
ENGLISH_LANGUAGES = frozenset({"ENG", "ENB"})
# Not obtained, refused: unclassified, reported as eal=unknown (DfE: "unclassified").
UNCLASSIFIED_LANGUAGES = frozenset({"NOT", "REF"})

# SENprovision of the latest SEN record; anything else (N, missing, no record) is "none".
SEN_GROUPS = MappingProxyType({"K": "support", "E": "ehcp"})

# The DfE's major ethnic group from the first letter of its 4-letter ethnicity code
# (WBRI, MWBC, APKN, BCRB, CHNE, OOTH ...). REFU (refused), NOBT (not obtained), a missing
# code and any other letter are "unknown".
ETHNIC_GROUPS = MappingProxyType(
    {"W": "white", "M": "mixed", "A": "asian", "B": "black", "C": "chinese", "O": "other"}
)
