"""Chasing schools by email: who is due a reminder today, sending it, and recording it.

The calendar (which day, which reason) is `keystage.reminders`; this module applies it to every
collection whose reminders are on and to every school the collection expects
(keystage.web.schools.expected) that is not yet Submitted: an infant school is never chased
for KS2, nor a school that opted out of KS1.

Never twice, never silently lost: each reminder is first claimed by inserting its row (the
unique constraint on collection, school, reason and day lets only one run win) and committed
with `sent_to` empty; only then is the email sent, and `sent_to` filled in. So
- a second run the same day, or two workers racing, find the row and send nothing;
- if sending fails (the mail server refuses or is down), the claim is deleted, so that a later
  run that day can try again, and the failure is logged and returned;
- if the process dies between the claim and the send, the row stays with `sent_to` empty: the
  email may not have gone, but it is never sent twice, and the reminders page shows the row as
  interrupted for the data team to follow up. Sending at most once is the choice: a second copy
  of a chasing email costs a school's trust more than a missing one costs the data team, who
  see it listed.
The transaction is never held open while talking to the mail server: on SQLite it would hold
the database's write lock for as long as the server took to answer.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse

from keystage import reminders
from keystage.web.common import clock, mail
from keystage.web.models import Collection, Reminder, School
from keystage.web.schools.expected import expected_school_ids
from keystage.web.submissions.sources import from_nca
from keystage.web.submissions.state import Standing, State, standings_for

log = logging.getLogger(__name__)


@dataclass
class Chased:
    """What one run did: the reminders sent, and the schools it could not reach."""

    sent: list[Reminder] = field(default_factory=list)
    no_address: list[tuple[Collection, School]] = field(default_factory=list)
    failed: list[tuple[Collection, School, str]] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        """For the task's stored result: plain values only."""
        return {
            "sent": len(self.sent),
            "no_address": [f"{c.short_name} {s.number}" for c, s in self.no_address],
            "failed": [f"{c.short_name} {s.number}: {why}" for c, s, why in self.failed],
        }


def send_reminders(today: dt.date) -> Chased:
    chased = Chased()
    windows = Collection.objects.filter(reminders_on=True, opens__lte=today, closes__gte=today)
    for window in windows.order_by("deadline", "kind"):
        _chase(window, today, chased)
    return chased


def _chase(window: Collection, today: dt.date, chased: Chased) -> None:
    if from_nca(window):
        return  # the STA sends these results: a school's own upload only checks its TA
    dates = {"opens": window.opens, "deadline": window.deadline, "closes": window.closes}
    if reminders.reason_for(today, **dates, has_queries=True) is None:
        return  # nobody is due anything today: spare the state queries
    schools = list(
        School.objects.filter(pk__in=expected_school_ids(window)).order_by("laestab", "urn")
    )
    standings = standings_for(window, schools, today)
    done = set(
        Reminder.objects.filter(collection=window, day=today).values_list("school_id", "reason")
    )
    for school in schools:
        here = standings[school.pk]
        if here.step == State.SUBMITTED or here.locked:
            continue  # a locked school cannot upload: the data team has its data in hand
        has_queries = here.unanswered > 0 or here.team_queries > 0
        reason = reminders.reason_for(today, **dates, has_queries=has_queries)
        if reason is None or (school.pk, reason.value) in done:
            continue
        addresses = mail.school_addresses(school)
        if not addresses:
            log.warning("No email address for %s: no %s reminder for %s", school, reason,
                        window.short_name)  # fmt: skip
            chased.no_address.append((window, school))
            continue
        _remind(window, school, here, reason, addresses, chased)


def _remind(
    window: Collection,
    school: School,
    here: Standing,
    reason: reminders.Reason,
    addresses: list[str],
    chased: Chased,
) -> None:
    with transaction.atomic():
        claim, new = Reminder.objects.get_or_create(
            collection=window, school=school, reason=reason.value, day=here.today,
            defaults={"sent_to": "", "sent_at": clock.now()},
        )  # fmt: skip
    if not new:
        return  # another run got there first
    try:
        mail.send(f"reminder_{reason.value}", addresses, _context(window, school, here))
    except Exception as refused:  # one school's failure must not stop the rest
        log.exception("The %s reminder to %s could not be sent", reason, school)
        claim.delete()
        chased.failed.append((window, school, str(refused) or type(refused).__name__))
        return
    claim.sent_to, claim.sent_at = ", ".join(addresses), clock.now()
    claim.save(update_fields=["sent_to", "sent_at"])
    chased.sent.append(claim)


def _context(window: Collection, school: School, here: Standing) -> dict[str, object]:
    return {
        "school": school,
        "collection": window,
        "standing": here,
        "step": here.step.name,  # NOT_STARTED, CHECKING, ERRORS, QUERIES or READY
        "url": mail.link(reverse("portal:collection", kwargs={"collection_id": window.pk})),
    }
