from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "keystage.web"
    label = "portal"
    verbose_name = "Keystage portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: the app registry must be ready before modules that use the models.
        from keystage.web.codetables import published
        from keystage.web.common import audit  # noqa: F401  (connects the sign-in signals)
        from keystage.web.common.logs import connect_task_logging
        from keystage.web.reports import listeners

        connect_task_logging()  # a task's log lines carry its submission (or other) id
        listeners.connect()  # reports are made again when a school's data changes
        published.register()  # the checks use the tables the LA publishes, in every process
