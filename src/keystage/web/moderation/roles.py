"""What KS2 moderation looks at: the KS2 collection's teacher assessments, by role."""

from __future__ import annotations

from keystage.codesets import Codeset
from keystage.codesets.model import AssessmentType

KIND = "KS2"  # the collection moderated


def moderated_roles(codeset: Codeset) -> dict[str, AssessmentType]:
    """The KS2 teacher assessments (writing, science, and reading and maths for pupils not
    sitting the tests), by role, in the code table's order."""
    return {a.role: a for a in codeset.for_collection(KIND) if a.key.method == "TA"}
