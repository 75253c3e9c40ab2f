"""Data protection pages and the audit trail."""

from django.urls import URLPattern

from keystage.web.privacy.views import audit, retention, statement

urlpatterns: list[URLPattern] = [
    *audit.urls,
    *statement.urls,
    *retention.urls,
]
