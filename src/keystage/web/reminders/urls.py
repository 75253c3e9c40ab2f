"""The reminders page of a collection."""

from django.urls import URLPattern, path

from keystage.web.reminders import views

urlpatterns: list[URLPattern] = [
    *views.urls,
]
