"""The data team's onward exports."""

from django.urls import URLPattern

from keystage.web.exports import views

urlpatterns: list[URLPattern] = [
    *views.urls,
]
