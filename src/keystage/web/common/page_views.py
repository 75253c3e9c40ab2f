"""Page views of pupil-level data, in the audit trail (AuditEvent.Action.VIEW).

A page that shows pupils' names, UPNs or the findings about them records each time it is
drawn with any: who (the signed-in user and their address), which school and collection, which
page (its URL name and the ids it was drawn for) and how many pupils it showed. Never a name
or a UPN: a page about one pupil gives that pupil's ID (keystage.web.common.pupil_ids), so the
LA can still answer "who looked at this child's record" without the trail naming the child. A page
drawn with no pupil on it (a clean file, no shared pupils) records nothing: the trail says who
saw pupils, and stays readable.

tests/web/test_view_audit.py walks every page and fails on one that shows a pupil unrecorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest

from keystage.web.common.audit import Action, record
from keystage.web.common.pupil_ids import pseudonym
from keystage.web.models import Collection, School


def viewed(
    request: HttpRequest,
    page: str,
    *,
    upns: Iterable[str],
    school: School | None = None,
    collection: Collection | None = None,
    **ids: int,
) -> None:
    """`page` in words, as the audit page shows it ("version 3's findings"); `upns`, the pupils
    the page shows."""
    shown = {u for u in upns if u}
    if not shown:
        return
    match = request.resolver_match
    detail: dict[str, Any] = {"page": match.url_name if match else "", "pupils": len(shown), **ids}
    if len(shown) == 1 and collection is not None:
        detail["pupil"] = pseudonym(collection, next(iter(shown)))
    pupils = f"{len(shown)} pupil{'s' if len(shown) != 1 else ''}"
    record(
        Action.VIEW, f"viewed {page}: {pupils}", request=request, school=school,
        collection=collection, **detail,
    )  # fmt: skip
