"""What KS2 moderation looks at: the KS2 collection's teacher assessments, by role."""

from __future__ import annotations

from keystage.codesets import Codeset, codeset_for
from keystage.codesets.model import AssessmentType

KIND = "KS2"  # the collection moderated


def moderated_roles(codeset: Codeset) -> dict[str, AssessmentType]:
    """The KS2 teacher assessments (writing, science, and reading and maths for pupils not
    sitting the tests), by role, in the code table's order."""
    return {a.role: a for a in codeset.for_collection(KIND) if a.key.method == "TA"}


def labels(academic_year: str) -> dict[str, str]:
    """Each moderated assessment's name, by role: "Writing teacher assessment"."""
    return {r: a.label for r, a in moderated_roles(codeset_for(academic_year)).items()}


def judgements_allowed(academic_year: str) -> dict[str, list[str]]:
    """The judgements the year's table allows for each moderated assessment, by role."""
    kinds = moderated_roles(codeset_for(academic_year))
    return {r: sorted(a.results.codes) for r, a in kinds.items()}
