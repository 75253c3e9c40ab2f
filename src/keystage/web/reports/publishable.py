"""Whose reports are published: the rule in one place, for the publish page, the tasks and the
school's own page.

A school's reports are made from data someone has stood behind:
- confirmed: its head's confirmation of its current version stands (the school is Submitted,
  or Submitted and since asked a question by the data team); or
- locked by decision: the data team locked the school, or the whole collection, although it had
  not confirmed, taking its current version as the data it has.
Every other school is left out, and the publish page lists it with why. A school left out keeps
the reports it already has exactly as they were: a new upload voids the head's confirmation,
not the reports published from what the head confirmed. Once it is publishable again (the head
signs, or the data team locks it) its reports are made again and it is told.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from keystage.web.common.clock import today
from keystage.web.models import Collection, Report, School
from keystage.web.submissions.sources import figures_source, from_nca
from keystage.web.submissions.state import Standing, State, standings_for


def nca_school_ids(collection: Collection) -> frozenset[int] | None:
    """For a collection whose figures come from the NCA Portal (KS2 from 2026), the schools it
    has results for; None for any other collection."""
    if not from_nca(collection):
        return None
    return frozenset(figures_source(collection).values_list("school_id", flat=True))


def publishable(
    standing: Standing, school: School | None = None, nca: frozenset[int] | None = None
) -> bool:
    """Confirmed, or locked by decision (see above), and with a version to report on. Where the
    figures come from the NCA Portal, the STA's results stand behind them: a school with
    results imported is publishable (its head confirms its own upload, not the STA's data)."""
    if from_nca(standing.collection):
        ids = nca if nca is not None else nca_school_ids(standing.collection) or frozenset()
        return school is not None and school.pk in ids
    return standing.current is not None and (standing.confirmation is not None or standing.locked)


def why_left_out(
    standing: Standing, school: School | None = None, nca: frozenset[int] | None = None
) -> str:
    """Why a school gets no new reports now, for the data team; "" when it does."""
    if publishable(standing, school, nca):
        return ""
    if from_nca(standing.collection):
        return "No KS2 results from the NCA Portal have been imported for it"
    if standing.step == State.NOT_STARTED:
        return "It has not sent a file"
    if standing.current is None:
        return "No file of it has passed the checks yet"
    return "Not confirmed by its head teacher, and not locked"


@dataclass(frozen=True)
class LeftOut:
    """A school publishing passes over, and the reports it keeps (if it has any)."""

    school: School
    standing: Standing
    kept: Report | None  # its latest school-level report, kept as it was
    nca: frozenset[int] | None = None  # the schools with NCA Portal results (KS2 from 2026)

    @property
    def why(self) -> str:
        return why_left_out(self.standing, self.school, self.nca)


@dataclass(frozen=True)
class Sorted:
    chosen: list[tuple[School, Standing]]
    left_out: list[LeftOut]


def sort_schools(collection: Collection, schools: Iterable[School] | None = None) -> Sorted:
    """Every school (or those given), publishable or left out, by name."""
    found = sorted(
        School.objects.all() if schools is None else schools,
        key=lambda s: (s.name.casefold(), s.laestab),
    )
    standings = standings_for(collection, found, today())
    latest = _latest_reports(collection)
    nca = nca_school_ids(collection)
    chosen, left_out = [], []
    for school in found:
        here = standings[school.pk]
        if publishable(here, school, nca):
            chosen.append((school, here))
        else:
            left_out.append(LeftOut(school, here, latest.get(school.pk), nca))
    return Sorted(chosen, left_out)


def publishable_now(collection: Collection, school: School) -> Standing | None:
    """The school's standing when it is publishable, else None."""
    here = standings_for(collection, [school], today())[school.pk]
    return here if publishable(here, school) else None


def publishable_ids(collection: Collection, school_ids: Iterable[int]) -> list[int]:
    schools = School.objects.filter(pk__in=list(school_ids))
    return [school.pk for school, _ in sort_schools(collection, schools).chosen]


def _latest_reports(collection: Collection) -> dict[int, Report]:
    latest: dict[int, Report] = {}
    rows = Report.objects.filter(collection=collection, kind=Report.Kind.SCHOOL).order_by(
        "school_id", "-version"
    )
    for report in rows.select_related("made_from"):
        latest.setdefault(report.school_id, report)
    return latest
