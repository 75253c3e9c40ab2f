from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "keystage.web"
    label = "portal"
    verbose_name = "Keystage portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from keystage.web import audit  # noqa: F401  (connects the sign-in signals)
