"""A data-team query the school has replied to is REPLIED, no longer OPEN.

Before, a query stayed "open" until the data team closed it, however the school had answered;
now OPEN means the school is to reply. An open query whose last message is the school's is
REPLIED. Going back makes every REPLIED query "open" again, as it was.
"""

from typing import Any

from django.db import migrations, models

SCHOOL_ROLES = ("head", "staff")


def _replied(apps: Any, schema_editor: Any) -> None:
    team_query = apps.get_model("portal", "TeamQuery")
    message = apps.get_model("portal", "QueryMessage")
    for query in team_query.objects.filter(status="open").iterator():
        last = message.objects.filter(query=query).order_by("-sent_at", "-id").first()
        if last is not None and last.author.role in SCHOOL_ROLES:
            team_query.objects.filter(pk=query.pk).update(status="replied")


def _open_again(apps: Any, schema_editor: Any) -> None:
    apps.get_model("portal", "TeamQuery").objects.filter(status="replied").update(status="open")


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0011_cross_school_trail"),
    ]

    operations = [
        migrations.AlterField(
            model_name="teamquery",
            name="status",
            field=models.CharField(
                choices=[("open", "Waiting for the school"), ("replied", "Replied"),
                         ("closed", "Closed")],
                default="open",
                max_length=10,
            ),  # fmt: skip
        ),
        migrations.RunPython(_replied, _open_again),
    ]
