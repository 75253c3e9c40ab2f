"""KS2 moderation: the data team's pages and the head's appeal."""

from django.urls import URLPattern

from keystage.web.moderation.views import appeals, la

urlpatterns: list[URLPattern] = [
    *la.urls,
    *appeals.urls,
]
