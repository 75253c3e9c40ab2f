"""What a school has been told of its pupils that are also in another school's return: the
query the checks raised, and the LA's decision once made. Never which other school.

The data team's side of the same pupils (the decision and what follows) is
keystage.web.workspace.shared_pupils; this is what a school's own pages show of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from keystage.web.common.pupil_ids import display_name
from keystage.web.models import Collection, FindingRecord, MoveDecision, PupilRecord, School

CROSS_SCHOOL_CODE = "PUPIL-OTHER-SCHOOL"


def current_records(collection: Collection) -> QuerySet[PupilRecord]:
    """Pupils as the schools' current versions for the collection give them."""
    return PupilRecord.objects.filter(
        submission__collection=collection, submission__is_current=True
    ).exclude(upn="")


def settled_text(ours: bool | None, kind: str = "") -> str:
    """What a school is told of the LA's decision (None: different children). For the EYFSP,
    where PVI settings send too, the words fit a school and a setting alike and never say which
    kind the other provider is."""
    if kind == "EYFSP":
        return _settled_eyfsp(ours)
    if ours is None:
        return (
            "The LA checked: the pupil in the other school's return is a different child. "
            "Your school keeps this pupil."
        )
    if ours:
        return "The LA decided that your school reports this pupil."
    return (
        "The LA decided that another school reports this pupil: the pupil is left out of your "
        "school's figures for this collection."
    )


def _settled_eyfsp(ours: bool | None) -> str:
    if ours is None:
        return (
            "The LA checked: the child in the other return is a different child. You keep "
            "this child."
        )
    if ours:
        return "The LA decided that you report this child."
    return (
        "The LA decided that another provider, where the child spends most time, reports this "
        "child: the child is left out of your figures for this collection."
    )


def our_school(school: School, reporting: School | None) -> bool | None:
    return None if reporting is None else school.pk == reporting.pk


@dataclass(frozen=True)
class Outcome:
    """For a school's page: one of its pupils that the checks or the LA told it of: asked as a
    query (UPN and date of birth in another school's return), or settled by the LA in a decision
    made for this school. Nothing here says which other school."""

    upn: str
    pupil: str  # as the school's own file names them
    decided: bool
    ours: bool | None  # the school reports the pupil; None: a different child in each file
    kind: str = ""  # the collection's

    @property
    def text(self) -> str:
        if not self.decided:
            if self.kind == "EYFSP":
                return "Also in another school's or setting's return: the LA will settle it"
            return "Also in another school's return: the LA will settle it"
        return settled_text(self.ours, self.kind)


def outcomes_for_school(school: School, collection: Collection) -> list[Outcome]:
    """The school's current pupils it has been told of: a PUPIL-OTHER-SCHOOL query on its
    current version, or a decision of the LA made for this school."""
    own = current_records(collection).filter(submission__school=school)
    asked = set(
        FindingRecord.objects.filter(
            submission__school=school,
            submission__collection=collection,
            submission__is_current=True,
            code=CROSS_SCHOOL_CODE,
        ).values_list("upn", flat=True)
    )
    decisions = {
        d.upn: d
        for d in MoveDecision.objects.filter(
            collection=collection, upn__in=own.values("upn"), parties=school
        )
    }
    told = asked | set(decisions)
    if not told:
        return []
    named = own.filter(upn__in=list(told)).only("upn", "surname", "forename")
    pupils = {r.upn: display_name(r) for r in named}
    return [
        _outcome(school, upn, pupils[upn], decisions.get(upn), collection.kind)
        for upn in sorted(told & set(pupils), key=lambda u: (pupils[u], u))
    ]


def _outcome(
    school: School, upn: str, pupil: str, decision: MoveDecision | None, kind: str
) -> Outcome:
    return Outcome(
        upn=upn,
        pupil=pupil,
        decided=decision is not None,
        ours=None if decision is None else our_school(school, decision.school),
        kind=kind,
    )
