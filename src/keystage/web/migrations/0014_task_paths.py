"""The task entry points moved into their feature packages (issue 15). Work already queued
names its task by import path, so the rows not yet finished are pointed at the new paths here:
a deployment needs no drained queue. Reversible, for a rollback to the flat layout."""

from typing import Any

from django.db import migrations

MOVED = {
    "keystage.web.tasks.check_upload": "keystage.web.submissions.tasks.check_upload",
    "keystage.web.tasks_reports.render_reports_for": "keystage.web.reports.tasks.render_reports_for",
    "keystage.web.tasks_moderation.send_letter": "keystage.web.moderation.letters.send_letter",
    "keystage.web.tasks_schedule.send_daily_reminders": (
        "keystage.web.reminders.daily.send_daily_reminders"
    ),
}


def _rename(apps: Any, renames: dict[str, str]) -> None:
    rows = apps.get_model("django_tasks_database", "DBTaskResult").objects
    for old, new in renames.items():
        rows.filter(task_path=old, finished_at__isnull=True).update(task_path=new)


def forwards(apps: Any, schema_editor: Any) -> None:
    _rename(apps, MOVED)


def backwards(apps: Any, schema_editor: Any) -> None:
    _rename(apps, {new: old for old, new in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0013_h14_refuse"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
