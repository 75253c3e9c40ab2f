"""The models and the migrations agree: a model change without its migration fails here."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration() -> None:
    out = io.StringIO()
    call_command("makemigrations", "portal", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_work_queued_before_the_move_runs_at_the_tasks_new_paths() -> None:
    """Issue 15 moved the task entry points: rows queued by the old code are renamed by 0014,
    and a finished row keeps the path it ran under."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from keystage.web.submissions.tasks import check_upload

    def migrate(to: str) -> None:
        executor = MigrationExecutor(connection)
        executor.migrate([("portal", to)])

    try:
        migrate("0013_h14_refuse")
        old = "keystage.web.tasks.check_upload"
        common = {"args_kwargs": {"args": [1], "kwargs": {}}, "queue_name": "default",
                  "backend_name": "default", "priority": 0}  # fmt: skip
        waiting = DBTaskResult.objects.create(task_path=old, **common)
        done = DBTaskResult.objects.create(task_path=old, finished_at=timezone.now(), **common)
        migrate("0014_task_paths")
        waiting.refresh_from_db()
        done.refresh_from_db()
        assert waiting.task_path == check_upload.module_path
        assert waiting.task.module_path == check_upload.module_path  # it imports
        assert done.task_path == old
    finally:  # the later migrations' tables back, for the tests that follow on this database
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_figures_held_before_issue_17_get_a_publisher_and_status() -> None:
    """0021_comparator_source: a figure imported with only a free-text source is given the
    publisher and status its source names, else NCER's emerging and everyone else's final."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    def migrate(to: str) -> None:
        MigrationExecutor(connection).migrate([("portal", to)])

    try:
        migrate("0020_audit_actions_all")
        old = (
            MigrationExecutor(connection)
            .loader.project_state(("portal", "0020_audit_actions_all"))
            .apps.get_model("portal", "ComparisonFigure")
        )
        sources = {
            "DfE, EYFSP results 2021/22": ("national", "2021-22"),
            "DfE, Key stage 2 attainment: 2024/25, provisional": ("national", "2024-25"),
            "NCER national figures July 2026": ("national", "2025-26"),
            "West Midlands consortium": ("consortium", "2025-26"),
            "typed in from a spreadsheet": ("la", "2025-26"),
        }
        for source, (level, year) in sources.items():
            old.objects.create(measure="eyfsp_gld", group="all", level=level, area=source[:20],
                               academic_year=year, value=60.0, source=source,
                               imported_at=timezone.now())  # fmt: skip
        migrate("0021_comparator_source")
        from keystage.web.models import ComparisonFigure

        found = {f.source: (f.publisher, f.status) for f in ComparisonFigure.objects.all()}
        assert found == {
            "DfE, EYFSP results 2021/22": ("dfe", "final"),
            "DfE, Key stage 2 attainment: 2024/25, provisional": ("dfe", "provisional"),
            "NCER national figures July 2026": ("ncer", "emerging"),
            "West Midlands consortium": ("consortium", "final"),
            "typed in from a spreadsheet": ("other", "final"),
        }
    finally:
        from keystage.web.models import ComparisonFigure

        ComparisonFigure.objects.all().delete()
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
