from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import TemplateView

from keystage.web import health
from keystage.web.views import (
    account_email,
    appeals,
    audit,
    codes,
    confirm,
    home,
    invitation,
    la,
    la_checks,
    la_exports,
    la_imports,
    la_locks,
    la_moderation,
    la_moves,
    la_progress,
    la_reminders,
    la_results,
    people,
    privacy,
    queries,
    refused,
    reports,
    school,
    template,
)

# The admin signs in through the service's own sign-in (with its second factor), never its own.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
handler400 = "keystage.web.errors.bad_request"
handler500 = "keystage.web.errors.server_error"

portal = (
    [
        path("", home.home, name="home"),
        path("collections/<int:collection_id>/", school.collection, name="collection"),
        path("collections/<int:collection_id>/confirm/", confirm.confirm, name="confirm"),
        path("files/<int:submission_id>/", school.submission, name="submission"),
        path("files/<int:submission_id>/status/", school.submission_status, name="status"),
        path("files/<int:submission_id>/findings.csv", school.findings_csv, name="findings_csv"),
        path("files/<int:submission_id>/download/", school.submission_file, name="download"),
        path("files/<int:submission_id>/answer/", school.answer, name="answer"),
        path("people/", people.people, name="people"),
        path("people/<int:user_id>/", people.person, name="person"),
        path("people/<int:user_id>/invitation/", people.invite_again, name="invite_again"),
        path("codes/", codes.codes, name="codes"),
        path("codes/<str:year>/", codes.codes, name="codes_year"),
        path("la/", la.overview, name="la"),
        *la_progress.urls,
        *la_checks.urls,
        *la_results.urls,
        *la_moves.urls,
        *la_reminders.urls,
        *la_imports.urls,
        *refused.urls,
        *la_locks.urls,
        *la_moderation.urls,
        *appeals.urls,
        *la_exports.urls,
        *queries.urls,
        *audit.urls,
        *reports.urls,
        *privacy.urls,
        *template.urls,
        path(
            "accessibility/",
            TemplateView.as_view(template_name="portal/accessibility.html"),
            name="accessibility",
        ),
    ],
    "portal",
)

urlpatterns = [
    path("", include(portal)),
    # Before allauth's own: its page let anyone add any address and sign in by it unconfirmed.
    path("accounts/email/", account_email.email_address, name="account_email"),
    # An invitation's link: allauth's reset key, on a page worded for someone new.
    re_path(
        r"^accounts/invitation/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        invitation.invitation,
        name="account_invitation",
    ),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("health", health.health, name="health"),
]
