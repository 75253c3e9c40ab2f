"""Which schools each collection expects, and why.

A school is proposed when the register's statutory ages include the year group the collection
is about (Reception for EYFSP, Year 1 for phonics, Year 2 for KS1, Year 6 for KS2) and it is
open on the deadline. KS1 is optional: proposed as not expected until the school opts in (on
its own page before the window opens) or the LA records it. The LA may decide either way for
any school, with a reason; proposing again never undoes a decision or a school's choice.

For progress, reminders and exports:

    expected_school_ids(collection) -> set of School ids
    is_expected(collection, school) -> bool

A PVI early years setting (School.is_setting) is proposed for the EYFSP only: it returns its
funded children's profiles, and nothing else.

Until a collection has a list (nothing proposed, decided or chosen for it yet: the register
never loaded, or the collection made since), every school open on the deadline is expected, as
before there were lists: nobody goes unchased because a list was never made. Once it has one, a
school no row names yet (new in the register since) counts as proposed. A school closed by the
deadline is never expected, whatever was decided before it closed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from keystage.web.common.clock import now, today
from keystage.web.models import Collection, ExpectedSchool, School, User

Why = ExpectedSchool.Why

# A year group: its pupils' age on 1 September, the words for it.
YEAR_GROUPS = {"EYFSP": (4, "Reception"), "PHON": (5, "Year 1"), "KS1": (6, "Year 2"),
               "KS2": (10, "Year 6")}  # fmt: skip
SETTINGS_SEND = frozenset({"EYFSP"})  # the collections a PVI setting sends
OPTIONAL = frozenset({"KS1"})  # schools opt in; the others are statutory
NO_PRIMARY_YEARS = frozenset({"Nursery", "16 plus"})  # phases whose ages can mislead (2-5)


def year_group(collection: Collection) -> str:
    return YEAR_GROUPS[collection.kind][1]


def has_year_group(school: School, kind: str) -> bool:
    """The register's ages include the year group: pupils aged a to a+1 in it."""
    if school.phase in NO_PRIMARY_YEARS or school.low_age is None or school.high_age is None:
        return False
    age = YEAR_GROUPS[kind][0]
    return school.low_age <= age and school.high_age >= age + 1


def proposal(collection: Collection, school: School) -> tuple[bool, str]:
    """What the register suggests, and why, in the words the LA's page shows."""
    if not school.is_open_on(collection.deadline):
        return False, "Closed by the deadline"
    if school.is_setting:
        if collection.kind in SETTINGS_SEND:
            return True, "Early years setting: its funded children's EYFSP"
        return False, f"Early years setting: no {collection.kind}"
    group = year_group(collection)
    if not has_year_group(school, collection.kind):
        return False, f"No {group} ({_ages(school)})"
    if collection.kind in OPTIONAL:
        return False, f"Has {group}; {collection.kind} is optional: not expected unless it opts in"
    return True, f"Has {group} ({_ages(school)})"


def _ages(school: School) -> str:
    if school.phase in NO_PRIMARY_YEARS:
        return f"phase {school.phase}"
    if school.low_age is None or school.high_age is None:
        return "no age range in the register"
    return f"ages {school.low_age}\u2013{school.high_age}"


def propose(collection: Collection) -> int:
    """Records the register's proposal for every school; changes no decision or choice and
    nothing already proposed the same way. Returns how many rows it wrote."""
    rows = {r.school_id: r for r in ExpectedSchool.objects.filter(collection=collection)}
    at = now()
    new, changed = [], []
    for school in School.objects.all():
        expected, reason = proposal(collection, school)
        row = rows.get(school.pk)
        if row is None:
            new.append(ExpectedSchool(collection=collection, school=school, expected=expected,
                                      why=Why.PROPOSED, reason=reason, at=at))  # fmt: skip
        elif not row.decided and (row.expected, row.reason) != (expected, reason):
            row.expected, row.reason, row.at = expected, reason, at
            changed.append(row)
    ExpectedSchool.objects.bulk_create(new)
    ExpectedSchool.objects.bulk_update(changed, ["expected", "reason", "at"])
    return len(new) + len(changed)


def has_list(collection: Collection) -> bool:
    """Anything proposed, decided or chosen for the collection: else every open school counts."""
    return ExpectedSchool.objects.filter(collection=collection).exists()


def propose_if_registered(collection: Collection) -> int:
    """A new collection's list, at once, when the register has been loaded (its schools have
    ages); with no register there is nothing to propose from, and every open school counts."""
    if not School.objects.filter(low_age__isnull=False).exists():
        return 0
    return propose(collection)


def expected_school_ids(collection: Collection) -> set[int]:
    decided = dict(
        ExpectedSchool.objects.filter(collection=collection).values_list("school_id", "expected")
    )
    listed = bool(decided)
    return {
        s.pk for s in School.objects.all() if _expects(collection, s, decided.get(s.pk), listed)
    }


def is_expected(collection: Collection, school: School) -> bool:
    rows = ExpectedSchool.objects.filter(collection=collection)
    row = rows.filter(school=school).first()
    listed = row is not None or rows.exists()
    return _expects(collection, school, row.expected if row else None, listed)


def _expects(collection: Collection, school: School, recorded: bool | None, listed: bool) -> bool:
    if not school.is_open_on(collection.deadline):
        return False
    if recorded is not None:
        return recorded
    if listed or school.is_setting:  # with no list, every open school, but settings by kind
        return proposal(collection, school)[0]
    return True


def decide(
    collection: Collection, school: School, *, expected: bool, reason: str, by: User
) -> ExpectedSchool:
    """The LA's decision, with its reason: it stands until the LA changes it (or, for an
    optional collection, the school chooses before the window opens)."""
    row, _ = ExpectedSchool.objects.update_or_create(
        collection=collection, school=school,
        defaults={"expected": expected, "why": Why.LA, "reason": reason, "by": by, "at": now()},
    )  # fmt: skip
    return row


class ChoiceClosedError(ValueError):
    """The school may not choose for this collection (any more)."""


def may_choose(collection: Collection, school: School) -> bool:
    """A school chooses for itself only an optional collection, for a year group it has,
    before the window opens (after that, the LA records a change)."""
    return (
        collection.kind in OPTIONAL
        and today() < collection.opens
        and has_year_group(school, collection.kind)
        and school.is_open_on(collection.deadline)
    )


def choose(
    collection: Collection, school: School, *, taking_part: bool, by: User
) -> ExpectedSchool:
    if not may_choose(collection, school):
        raise ChoiceClosedError(f"{school} cannot choose for {collection} now")
    row, _ = ExpectedSchool.objects.update_or_create(
        collection=collection, school=school,
        defaults={"expected": taking_part, "why": Why.OPTED_IN if taking_part else Why.OPTED_OUT,
                  "reason": "", "by": by, "at": now()},
    )  # fmt: skip
    return row


def choices_to_make(school: School) -> list[tuple[Collection, ExpectedSchool | None]]:
    """The optional collections the school may still opt in to or out of, with its choice."""
    upcoming: Iterable[Collection] = Collection.objects.filter(
        kind__in=OPTIONAL, opens__gt=today()
    ).order_by("opens")
    rows = {r.collection_id: r for r in ExpectedSchool.objects.filter(school=school)}
    return [(c, rows.get(c.pk)) for c in upcoming if may_choose(c, school)]


@dataclass(frozen=True)
class Entry:
    """A school on the LA's list for a collection: expected or not, and what was recorded."""

    school: School
    expected: bool
    row: ExpectedSchool | None
    proposed: str  # the register's reason, whatever was decided

    @property
    def decided(self) -> bool:
        return self.row is not None and self.row.decided


def entries(collection: Collection) -> tuple[list[Entry], int]:
    """Every school open on the deadline, by name; and how many closed schools are left off."""
    rows = {r.school_id: r for r in
            ExpectedSchool.objects.filter(collection=collection).select_related("by")}  # fmt: skip
    found, closed = [], 0
    for school in School.objects.order_by("name", "urn"):
        if not school.is_open_on(collection.deadline):
            closed += 1
            continue
        row = rows.get(school.pk)
        proposed, reason = proposal(collection, school)
        expected = (
            row.expected if row is not None else proposed if rows or school.is_setting else True
        )
        found.append(Entry(school, expected, row, reason))
    return found, closed
