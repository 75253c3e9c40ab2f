"""The order in which workers take queued tasks: a school's upload is checked before any other
work, whatever is queued.

Every task sits in the one queue; django-tasks-db's workers (`keystage worker`, and the worker
child of `keystage serve`) take the ready task of the highest priority first, then the one due
earliest (a retry whose delay has passed), then the one queued earliest. So a lone worker takes
a waiting check before anything below it, and with several workers a check waits only for the
first of them to finish what it is running (a task is never interrupted): report tasks are kept
short for that (one school's reports a task, the pupil report made in parts).

A retry, or a task the reconciler queues again, keeps its task's priority. Tasks queued before
these priorities were set keep the one they were queued with (0, the reports').
"""

from __future__ import annotations

# tasks.check_upload: someone is looking at the page, waiting for the findings.
CHECK = 100  # django-tasks' highest
# tasks_schedule.send_daily_reminders: once a day from 07:00, quick (emails only), and about a
# deadline that day or the next, so not behind a publication's hundreds of renders.
REMINDERS = 50
# accounts.tasks.send_invitations: the LA's invitations to heads, a few hundred emails at most,
# before a window; nobody waits on a page for them.
INVITATIONS = 30
# tasks_moderation.send_letter: one short letter and an email for a moderated school, a few a
# day; the school has been told its outcome is on the way.
LETTER = 20
# tasks_reports.render_reports_for: hundreds at once when the LA publishes or data change, and
# nobody waits on a page for them: they fill the time between the rest.
REPORTS = 0  # the default
