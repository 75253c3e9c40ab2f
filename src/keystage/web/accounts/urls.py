"""The head's staff accounts and the LA's pages for any account (in the portal's namespace);
sign-in and the account pages are allauth's, with two of ours in front of them in
`keystage.web.urls`."""

from django.urls import URLPattern, path

from keystage.web.accounts.views import la_accounts, people

urlpatterns: list[URLPattern] = [
    path("people/", people.people, name="people"),
    path("people/<int:user_id>/", people.person, name="person"),
    path("people/<int:user_id>/invitation/", people.invite_again, name="invite_again"),
    path("la/accounts/", la_accounts.accounts, name="la_accounts"),
    path("la/accounts/<int:user_id>/", la_accounts.account, name="la_account"),
    path("la/accounts/<int:user_id>/active/", la_accounts.set_active, name="la_account_active"),
    path(
        "la/accounts/<int:user_id>/two-factor/",
        la_accounts.reset_two_factor,
        name="la_account_two_factor",
    ),
    path("la/accounts/<int:user_id>/invitation/", la_accounts.invite, name="la_account_invite"),
]
