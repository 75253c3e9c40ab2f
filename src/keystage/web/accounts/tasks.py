"""Invitations sent in bulk (the LA's new heads' accounts, or every head who has not signed in
yet), in a task: a few hundred emails take longer than a page may. The task's import path is
stored with queued work: keep it stable."""

from __future__ import annotations

import datetime as dt

from django.tasks import task

from keystage.web.accounts import invitations
from keystage.web.common import clock, task_order
from keystage.web.models import User


@task(priority=task_order.INVITATIONS)
def send_invitations(account_ids: list[int], invited_by_id: int, queued_at: str) -> str:
    """Each account's invitation, unless one was sent after this task was queued (a task run
    twice sends each once) or it has signed in meanwhile."""
    by = User.objects.get(pk=invited_by_id)
    since = dt.datetime.fromisoformat(queued_at)
    sent = failed = 0
    for account in User.objects.filter(pk__in=account_ids).order_by("pk"):
        if not invitations.may_send(account) or account.last_login is not None:
            continue
        if account.invited_at is not None and account.invited_at >= since:
            continue
        if invitations.send(account, invited_by=by):
            sent += 1
        else:
            failed += 1
    return f"{sent} sent, {failed} not sent"


def queue(people: list[User], *, invited_by: User) -> int:
    """Queues an invitation for each of them that can have one; how many."""
    ids = [p.pk for p in people if invitations.may_send(p)]
    if ids:
        send_invitations.enqueue(ids, invited_by.pk, clock.now().isoformat())
    return len(ids)
