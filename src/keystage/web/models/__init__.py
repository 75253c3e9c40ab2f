from keystage.web.models.accounts import Role, School, User
from keystage.web.models.audit import AuditEvent
from keystage.web.models.collections import Collection
from keystage.web.models.results import ComparisonFigure, Publication, Report
from keystage.web.models.submissions import (
    Answer,
    Confirmation,
    FindingRecord,
    PupilRecord,
    Submission,
)
from keystage.web.models.workspace import (
    Lock,
    MoveDecision,
    QueryMessage,
    Reminder,
    TeamQuery,
    UnattributedFile,
)

__all__ = [
    "Answer",
    "AuditEvent",
    "Collection",
    "ComparisonFigure",
    "Confirmation",
    "FindingRecord",
    "Lock",
    "MoveDecision",
    "Publication",
    "PupilRecord",
    "QueryMessage",
    "Reminder",
    "Report",
    "Role",
    "School",
    "Submission",
    "TeamQuery",
    "UnattributedFile",
    "User",
]
