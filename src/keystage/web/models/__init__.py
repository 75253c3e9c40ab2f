from keystage.web.models.accounts import Role, School, User
from keystage.web.models.collections import Collection
from keystage.web.models.submissions import (
    Answer,
    Confirmation,
    FindingRecord,
    PupilRecord,
    Submission,
)

__all__ = [
    "Answer",
    "Collection",
    "Confirmation",
    "FindingRecord",
    "PupilRecord",
    "Role",
    "School",
    "Submission",
    "User",
]
