"""KS2 moderation: the data team's pages and the head's appeal."""

from django.urls import URLPattern

from keystage.web.moderation.views import appeals, moderated, review, rounds

urlpatterns: list[URLPattern] = [
    *rounds.urls,
    *moderated.urls,
    *review.urls,
    *appeals.urls,
]
