"""The LA's readiness page for a window: which expected schools' heads have no account, an
account turned off, or have never signed in, with when their last invitation went; sending it
again to one head (accounts' page) or to every head who has not signed in (here). The data
team may send them as well as the LA administrators: they chase schools before a window."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from keystage.web.accounts import invitations, tasks
from keystage.web.accounts.access import la_user_required, signed_in
from keystage.web.models import Collection
from keystage.web.schools import readiness


@la_user_required
@require_safe
def coming_window(request: HttpRequest) -> HttpResponse:
    window = readiness.coming()
    if window is None:
        messages.info(request, "No collection is open or coming: add its window first.")
        return redirect("portal:la")
    return redirect("portal:la_readiness", collection_id=window.pk)


@la_user_required
@require_safe
def heads_ready(request: HttpRequest, collection_id: int) -> HttpResponse:
    window = get_object_or_404(Collection, pk=collection_id)
    heads = readiness.heads_for(window)
    return render(request, "la/readiness.html", {
        "collection": window, "expected": len(heads),
        "ready": sum(1 for h in heads if h.ready),
        "not_ready": [h for h in heads if not h.ready],
        "to_invite": len(readiness.not_signed_in(heads)), "lasts": invitations.lasts(),
    })  # fmt: skip


@la_user_required
@require_POST
def invite_not_signed_in(request: HttpRequest, collection_id: int) -> HttpResponse:
    window = get_object_or_404(Collection, pk=collection_id)
    queued = tasks.queue(readiness.not_signed_in(readiness.heads_for(window)),
                         invited_by=signed_in(request))  # fmt: skip
    if queued:
        messages.success(request, f"We are emailing {queued} head teacher"
                         f"{'s' if queued != 1 else ''} a new invitation now. Each link works "
                         f"for {invitations.lasts()}.")  # fmt: skip
    else:
        messages.info(request, "Every head teacher with an account has signed in already.")
    return redirect("portal:la_readiness", collection_id=window.pk)
