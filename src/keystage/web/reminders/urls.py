"""The reminders page of a collection."""

from django.urls import URLPattern

from keystage.web.reminders import views

urlpatterns: list[URLPattern] = [
    *views.urls,
]
