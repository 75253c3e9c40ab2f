"""The head's staff accounts (in the portal's namespace); sign-in and the account pages are
allauth's, with two of ours in front of them in `keystage.web.urls`."""

from django.urls import URLPattern, path

from keystage.web.accounts.views import people

urlpatterns: list[URLPattern] = [
    path("people/", people.people, name="people"),
    path("people/<int:user_id>/", people.person, name="person"),
    path("people/<int:user_id>/invitation/", people.invite_again, name="invite_again"),
]
