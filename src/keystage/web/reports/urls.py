"""Reports: the school's downloads and the data team's publish page."""

from django.urls import URLPattern

from keystage.web.reports import views

urlpatterns: list[URLPattern] = [
    *views.urls,
]
