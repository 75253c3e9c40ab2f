from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "keystage.web"
    label = "portal"
    verbose_name = "Keystage portal"
    default_auto_field = "django.db.models.BigAutoField"
