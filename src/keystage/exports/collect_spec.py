"""Every detail of the EYFSP and phonics returns to the DfE's COLLECT that Keystage writes, in
one place, each with its status and the reason for it.

The DfE's technical specifications hold the XML structure (Table 3), the validation rules
(Tables 4-7) and the valid values; the copies read for `reference/dfe-returns.md` held only
their opening pages. So a value here is either "confirmed" (seen in a source, named) or
"inferred" (our reasoning, its basis given): each inferred one is a setting awaiting the
DfE's specification for the year, changed here and nowhere else. `docs/exports.md` lists them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from keystage.codesets import Codeset, funded

Status = Literal["confirmed", "inferred"]
CONFIRMED: Status = "confirmed"
INFERRED: Status = "inferred"


@dataclass(frozen=True)
class Setting[V]:
    """One value of the return, with whether a source shows it and which."""

    value: V
    status: Status
    basis: str


@dataclass(frozen=True)
class Tags:
    """The element names of a return file, outermost first (dfe-returns §2.4)."""

    root: str = "Message"
    header: str = "Header"
    collection_details: str = "CollectionDetails"
    source: str = "Source"
    content: str = "Content"
    levels: str = "CBDSLevels"
    level: str = "CBDSLevel"
    establishment: str = "School"
    children: str = "Pupils"
    child: str = "Pupil"
    ey_urn: str = "EYURN"
    results: str = "Assessments"
    result: str = "Assessment"
    component: str = "A_comp"
    value: str = "Result"


@dataclass(frozen=True)
class CollectSpec:
    """One collection's return: the header's fixed items, the element names, how results
    are keyed, the file name. `kind` is Keystage's collection (EYFSP, PHON)."""

    kind: str
    collection: Setting[str]
    term: Setting[str]
    source_level: Setting[str]
    reference_day: Setting[tuple[int, int]]  # (month, day) in the assessment year
    software_code: Setting[str]
    levels: Setting[tuple[str, ...]]
    tags: Setting[Tags]
    components: Setting[Mapping[str, str]]  # the code table's role -> A_comp
    file_name: Setting[str]
    one_file_per_establishment: Setting[bool]
    takes_settings: Setting[bool]  # PVI settings are in the return
    nc_year: Setting[bool]  # the child block carries NCyearActual
    outcomes: Setting[tuple[str, str]] | None = None  # phonics: (met, not met) from the mark

    def year(self, codeset: Codeset) -> str:
        """Header Year: the calendar year of the collection (inferred: the EY census's Year
        is its calendar year, dfe-returns §2.4)."""
        return codeset.assessment_year

    def reference_date(self, codeset: Codeset) -> dt.date:
        month, day = self.reference_day.value
        return dt.date(int(codeset.assessment_year), month, day)

    def name(self, la: str, establishment: str, number: int) -> str:
        return self.file_name.value.format(la=la, establishment=establishment, number=number)


_KEYPAS_NAME = Setting(
    "{la}{establishment}_FTF_{la}DfE_{number:03d}.xml",
    INFERRED,
    "Keypas names DfE return files nnnDDDD_FTF_nnnDfE_xxx (EYFSP and phonics file-spec "
    "pages); the DfE's own wording (EYFSP spec §2.3) was not seen. A PVI setting has no DfE "
    "number: its early years URN takes the DDDD place (our choice).",
)
_ONE_FILE = Setting(
    True,
    INFERRED,
    "One XML file a school or setting, zipped: 2008 FSP guidance and Keypas 'the DfE return "
    "for each school' (dfe-returns §2.2); current DfE wording not seen.",
)
_TERM = Setting("SUM", INFERRED, "Summer collection; the COLLECT term code was not seen.")
_SOURCE_LEVEL = Setting(
    "L", INFERRED, "An LA-made return, as the EY census's SourceLevel L (Aspen template)."
)
_REFERENCE_DAY = Setting(
    (6, 30),
    INFERRED,
    "30 June of the assessment year: the day results reach the LA (EYFSP handbook); the "
    "DfE's ReferenceDate rule was not seen.",
)
_SOFTWARE = Setting(
    "Keystage", CONFIRMED, "Our own name: the SoftwareCode item (CBDS 800006) names the software."
)
_ELG_CODES = MappingProxyType(
    {
        "elg01": "COM_E01", "elg02": "COM_E02", "elg03": "PSE_E03", "elg04": "PSE_E04",
        "elg05": "PSE_E05", "elg06": "PHY_E06", "elg07": "PHY_E07", "elg08": "LIT_E08",
        "elg09": "LIT_E09", "elg10": "LIT_E10", "elg11": "MAT_E11", "elg12": "MAT_E12",
        "elg13": "UTW_E13", "elg14": "UTW_E14", "elg15": "UTW_E15", "elg16": "EXP_E16",
        "elg17": "EXP_E17",
    }
)  # fmt: skip

EYFSP = CollectSpec(
    kind="EYFSP",
    collection=Setting("EYFSP", INFERRED, "The COLLECT collection code was not seen."),
    term=_TERM,
    source_level=_SOURCE_LEVEL,
    reference_day=_REFERENCE_DAY,
    software_code=_SOFTWARE,
    levels=Setting(
        ("School", "Pupil"),
        INFERRED,
        "Table 5 is the 'school module' and Table 6 the 'pupil identifiers module' (2024 "
        "spec contents); the CBDSLevel names themselves were not seen.",
    ),
    tags=Setting(
        Tags(),
        INFERRED,
        "Message/Header/CollectionDetails/Source/Content/CBDSLevels is the shared COLLECT "
        "envelope (EY and school census, Aspen templates); UPN, Surname, Forename, DOB, Sex "
        "are the CBDS names of the 2024 guide's data items; the body's element names (Table 3) "
        "were not seen.",
    ),
    components=Setting(
        _ELG_CODES,
        INFERRED,
        "The NPD's FSP_COM_E01 ... FSP_EXP_E17 stems (DfE GIAP code); that A_comp uses them "
        "is not confirmed. The goals' order is confirmed (handbook).",
    ),
    file_name=_KEYPAS_NAME,
    one_file_per_establishment=_ONE_FILE,
    takes_settings=Setting(
        True, CONFIRMED, "Funded children in PVI settings are returned (2024 return guide)."
    ),
    nc_year=Setting(False, INFERRED, "Not among the 2024 guide's data items (list cut off)."),
)

PHON = CollectSpec(
    kind="PHON",
    collection=Setting("PHON", INFERRED, "The COLLECT collection code was not seen."),
    term=_TERM,
    source_level=_SOURCE_LEVEL,
    reference_day=_REFERENCE_DAY,
    software_code=_SOFTWARE,
    levels=Setting(
        ("School", "Pupil"),
        INFERRED,
        "The 2018 and 2020 specs validate at establishment and pupil level (§4.2, §4.3).",
    ),
    tags=Setting(Tags(), INFERRED, "As EYFSP: the shared envelope, the body not seen."),
    components=Setting(
        MappingProxyType({"phonics_mark": "PHONICS_MARK", "phonics_outcome": "PHONICS_OUTCOME"}),
        INFERRED,
        "The NPD phonics record holds PHONICS_MARK and PHONICS_OUTCOME (DfE GIAP code); the "
        "return's own names were not seen. The outcome is Wa/Wt from the mark, or the code "
        "A, D, L or Q when there is no mark.",
    ),
    file_name=_KEYPAS_NAME,
    one_file_per_establishment=_ONE_FILE,
    takes_settings=Setting(
        False, CONFIRMED, "Maintained schools, academies, special and free schools (2026 guide)."
    ),
    nc_year=Setting(True, INFERRED, "NCYEARACTUAL is in the NPD phonics record (GIAP)."),
    outcomes=Setting(
        ("Wa", "Wt"),
        INFERRED,
        "The CTF's outcome codes (met, working towards), derived from the mark and the year's "
        "threshold (ctf-format §3.2); that the return carries them is inferred from the NPD.",
    ),
)

SPECS: Mapping[str, CollectSpec] = MappingProxyType({"EYFSP": EYFSP, "PHON": PHON})
DFE_COLLECTIONS = tuple(SPECS)  # the collections returned to the DfE this way


def _window_text(start_year: int) -> str:
    first, last = funded.funded_window(start_year)
    year = f"{start_year}-{(start_year + 1) % 100:02d}"
    return f"{first.day} {first:%b} - {last.day} {last:%b %Y} for {year}"


# The basis quotes the 2024 guide's own dates (the source); every other date in it is computed
# by keystage.codesets.funded, the one place the window is worked out.
FUNDED_WINDOW = Setting(
    (funded.FIRST_MONTH_DAY, funded.LAST_MONTH_DAY, funded.YEARS_BEFORE_START),
    INFERRED,
    f"PVI children born in a window {funded.YEARS_BEFORE_START} years before the academic "
    "year starts (2024 return guide: 1 Apr - 31 Aug 2019 for 2023-24); that it moves with the "
    f"cohort, so {_window_text(2025)}, is inferred.",
)


def spec_for(kind: str) -> CollectSpec:
    try:
        return SPECS[kind]
    except KeyError:
        raise ValueError(f"the DfE return is for {' and '.join(SPECS)} only") from None


def funded_window(codeset: Codeset) -> tuple[dt.date, dt.date]:
    """The birth dates of the PVI children the EYFSP return takes, for the code table's year:
    the one window the upload's checks use too (keystage.codesets.funded)."""
    return funded.funded_window(codeset.start_year)


def settings_of(spec: CollectSpec) -> dict[str, Setting[object]]:
    """Every setting of a return by name, for the docs and the tests."""
    found = {name: value for name, value in vars(spec).items() if isinstance(value, Setting)}
    return {**found, "funded_window": FUNDED_WINDOW}
