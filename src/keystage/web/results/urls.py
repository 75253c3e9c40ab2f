"""The data team's results pages."""

from django.urls import URLPattern

from keystage.web.results import views

urlpatterns: list[URLPattern] = [
    *views.urls,
]
