"""Who the pupil is: UPN, name, date of birth, sex."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable

from keystage.checks.model import ERROR, QUERY, Finding
from keystage.checks.registry import Accumulator, finding, rule
from keystage.checks.run import Run
from keystage.checks.text import FIX, join, who
from keystage.codesets.funded import funded_window
from keystage.ctf import upn
from keystage.ctf.model import Pupil

# NCyearActual as a primary school writes it: R for Reception, else the year's number.
NC_YEARS = {"R": 0, **{str(n): n for n in range(1, 7)}}
# The year group a collection is for, when the file does not say.
USUAL_YEAR = {"EYFSP": "R", "PHON": "1", "KS1": "2", "KS2": "6"}
RECHECK_YEAR = "2"  # NCyearActual of a pupil taking the phonics re-check


@rule(code="UPN-MISSING", severity=ERROR, scope="pupil", fields=("UPN",), summary="No UPN.")
def upn_missing(pupil: Pupil, run: Run) -> Iterable[Finding]:
    if pupil.upn:
        return ()
    message = f"{who(pupil)} has no UPN. Add the pupil's UPN in your MIS and make the file again."
    return (finding("UPN-MISSING", message, pupil, "UPN"),)


def upn_problem(value: str) -> str:
    """Why a UPN is invalid, in words a school office can act on."""
    if len(value) != 13:
        return f"it has {len(value)} characters, not 13"
    body_ok = value[1:12].isdigit() and (value[12].isdigit() or value[12] in upn.ALPHABET)
    if value[0] not in upn.ALPHABET or not body_ok:
        return (
            "it has characters a UPN cannot have (a letter, then 11 digits, then a digit or letter)"
        )
    return "its check letter does not fit the rest: a character has probably been mistyped"


@rule(
    code="UPN-INVALID",
    severity=ERROR,
    scope="pupil",
    fields=("UPN",),
    summary="Not 13 characters of the UPN pattern, or the check letter is wrong.",
)
def upn_invalid(pupil: Pupil, run: Run) -> Iterable[Finding]:
    if upn.status(pupil.upn) is not upn.UPNStatus.INVALID:
        return ()
    message = f"{who(pupil)}: the UPN is not valid ({upn_problem(pupil.upn or '')}). {FIX}"
    return (finding("UPN-INVALID", message, pupil, "UPN"),)


@rule(
    code="UPN-TEMPORARY",
    severity=QUERY,
    scope="pupil",
    fields=("UPN",),
    summary="A temporary UPN.",
)
def upn_temporary(pupil: Pupil, run: Run) -> Iterable[Finding]:
    if upn.status(pupil.upn) is not upn.UPNStatus.TEMPORARY:
        return ()
    message = (
        f"{who(pupil)} has a temporary UPN. If the pupil now has a permanent UPN, record it in "
        "your MIS and make the file again; otherwise confirm the temporary one."
    )
    return (finding("UPN-TEMPORARY", message, pupil, "UPN"),)


@rule(
    code="UPN-DUPLICATE",
    severity=ERROR,
    scope="file",
    fields=("UPN",),
    summary="The same UPN twice in the file (reported on the second and later pupils).",
)
class DuplicateUPN(Accumulator):
    def __init__(self, run: Run) -> None:
        super().__init__(run)
        self.position = 0
        self.first: dict[str, tuple[str, int | None, int]] = {}  # UPN -> (name, line, position)

    def pupil(self, pupil: Pupil) -> Iterable[Finding]:
        self.position += 1
        if not pupil.upn:
            return ()
        first = self.first.get(pupil.upn)
        if first is None:
            self.first[pupil.upn] = (pupil.display_name, pupil.line, self.position)
            return ()
        name, line, position = first
        # A line helps only where the two pupils are on different lines: in a file written on
        # one line (as some MIS write them) every pupil is on the same one.
        where = f"line {line}" if line and line != pupil.line else f"pupil {position} in the file"
        message = (
            f"{who(pupil)}: the same UPN is given to {name} ({where}). Each pupil has "
            f"their own UPN. {FIX}"
        )
        return (finding("UPN-DUPLICATE", message, pupil, "UPN"),)


@rule(
    code="NAME-MISSING",
    severity=ERROR,
    scope="pupil",
    fields=("Surname", "Forename"),
    summary="Surname or forename empty.",
)
def name_missing(pupil: Pupil, run: Run) -> Iterable[Finding]:
    if pupil.surname and pupil.forename:
        return ()
    missing = [f for f, v in (("Surname", pupil.surname), ("Forename", pupil.forename)) if not v]
    return [
        finding(
            "NAME-MISSING",
            f"{who(pupil)} has no {name.lower()}. Add it in your MIS and make the file again.",
            pupil,
            name,
        )
        for name in missing
    ]


# The longest value Keystage keeps of each pupil detail that no other rule bounds: the portal
# stores them in columns this wide (a portal test holds it to that). A longer surname or
# forename is not a real one (other details typed into it, or two fields run together), and an
# NC year is at most two characters (N1, R, 6, 14).
LONGEST = {"Surname": 100, "Forename": 100, "NCyearActual": 4}
_SHOWN = 20  # characters of a too-long NC year quoted in the message


def _too_long(pupil: Pupil, field: str, value: str) -> str:
    if field == "NCyearActual":
        shown = value if len(value) <= _SHOWN else value[:_SHOWN] + "…"
        return (
            f"{who(pupil)}: the NC year is '{shown}'. It must be R for Reception or the year "
            f"group's number (such as 6), at most {LONGEST[field]} characters. {FIX}"
        )
    name = field.lower()
    return (
        f"{who(pupil)}: the {name} is {len(value)} characters long; a {name} can have at most "
        f"{LONGEST[field]}. A {name} this long usually has other details typed into it. {FIX}"
    )


@rule(
    code="FIELD-TOO-LONG",
    severity=ERROR,
    scope="pupil",
    fields=tuple(LONGEST),
    summary="Surname or forename over 100 characters, or NC year over 4: longer than any real "
    "one, and than Keystage keeps.",
)
def field_too_long(pupil: Pupil, run: Run) -> Iterable[Finding]:
    given = {"Surname": pupil.surname, "Forename": pupil.forename, "NCyearActual": pupil.nc_year}
    return [
        finding("FIELD-TOO-LONG", _too_long(pupil, field, value), pupil, field)
        for field, value in given.items()
        if value and len(value) > LONGEST[field]
    ]


@rule(
    code="DOB-INVALID",
    severity=ERROR,
    scope="pupil",
    fields=("DOB",),
    summary="Date of birth missing or not a real date.",
)
def dob_invalid(pupil: Pupil, run: Run) -> Iterable[Finding]:
    if pupil.dob_date is not None:
        return ()
    if pupil.dob:
        problem = f"the date of birth '{pupil.dob}' is not a real date (year-month-day)"
    else:
        problem = "there is no date of birth"
    return (finding("DOB-INVALID", f"{who(pupil)}: {problem}. {FIX}", pupil, "DOB"),)


@functools.cache
def year_group_range(start_year: int, nc_year: int) -> tuple[dt.date, dt.date]:
    """Born 1 Sep (Y-n-5) to 31 Aug (Y-n-4) for year n of the academic year starting in Y."""
    return dt.date(start_year - nc_year - 5, 9, 1), dt.date(start_year - nc_year - 4, 8, 31)


def _year_name(nc_year: int) -> str:
    return "Reception" if nc_year == 0 else f"Year {nc_year}"


def day_text(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _usual_year(pupil: Pupil, run: Run) -> int | None:
    """The collection's year group, for a pupil whose file does not give NCyearActual; a
    phonics pupil with an earlier year's mark is a Year 2 re-check pupil."""
    if run.collection is None:
        return None
    if run.collection == "PHON":
        this_year = run.codeset.assessment_year
        if any(a.year and a.year < this_year for a, _ in run.results(pupil).own):
            return NC_YEARS[RECHECK_YEAR]
    return NC_YEARS[USUAL_YEAR[run.collection]]


@rule(
    code="DOB-RANGE",
    severity=QUERY,
    scope="pupil",
    fields=("DOB", "NCyearActual"),
    summary="Date of birth outside the year group's normal range (by NCyearActual); for a PVI "
    "setting's EYFSP, outside the funded birth window.",
)
def dob_range(pupil: Pupil, run: Run) -> Iterable[Finding]:
    if run.context.setting and run.collection == "EYFSP":
        return _outside_funded_window(pupil, run)
    born = pupil.dob_date
    nc_year = NC_YEARS.get(pupil.nc_year or "")
    if nc_year is None:
        nc_year = _usual_year(pupil, run)
    if born is None or nc_year is None:
        return ()
    first, last = year_group_range(run.codeset.start_year, nc_year)
    if first <= born <= last:
        return ()
    message = (
        f"{who(pupil)}: born {born.isoformat()}, outside the usual range for "
        f"{_year_name(nc_year)} ({day_text(first)} to {day_text(last)}). If the pupil is taught "
        "out of their year group, confirm it; otherwise correct the date of birth or NC year in "
        "your MIS."
    )
    return (finding("DOB-RANGE", message, pupil, "DOB"),)


def _outside_funded_window(pupil: Pupil, run: Run) -> Iterable[Finding]:
    """A PVI setting returns only its funded children (codesets.funded): a child born outside
    the window is a query, not the school's Reception range."""
    born = pupil.dob_date
    if born is None:
        return ()
    first, last = funded_window(run.codeset.start_year)
    if first <= born <= last:
        return ()
    message = (
        f"{who(pupil)}: born {day_text(born)}, outside the funded window for this year's EYFSP "
        f"({day_text(first)} to {day_text(last)}). A setting returns only children receiving "
        "funded early education in that window: correct the date of birth, or remove the child if "
        "they are not funded (a child at school returns through the school)."
    )
    return (finding("DOB-RANGE", message, pupil, "DOB"),)


@rule(
    code="SEX-INVALID",
    severity=ERROR,
    scope="pupil",
    fields=("Sex",),
    summary="Sex (or Gender) not one of the code table's values (M or F).",
)
def sex_invalid(pupil: Pupil, run: Run) -> Iterable[Finding]:
    allowed = run.codeset.code_set("sex")
    if pupil.sex in allowed:
        return ()
    # never guessed from a forename: the school records what it holds
    said = f"'{pupil.sex}'" if pupil.sex else "missing"
    message = (
        f"{who(pupil)}: sex is {said}; it must be {join(sorted(allowed), 'or')}. "
        "Check the pupil's record in your MIS and make the file again."
    )
    return (finding("SEX-INVALID", message, pupil, "Sex"),)
