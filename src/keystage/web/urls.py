"""Every address of the service. Each feature package lists its own pages in its `urls.py`;
they all share the "portal" namespace, so a page is named `portal:<name>` wherever it lives."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import TemplateView

from keystage.web.accounts import urls as accounts
from keystage.web.accounts.views import email, invitation
from keystage.web.exports import urls as exports
from keystage.web.moderation import urls as moderation
from keystage.web.ops import health
from keystage.web.privacy import urls as privacy
from keystage.web.reminders import urls as reminders
from keystage.web.reports import urls as reports
from keystage.web.results import urls as results
from keystage.web.schools import urls as schools
from keystage.web.submissions import urls as submissions
from keystage.web.workspace import urls as workspace

# The admin signs in through the service's own sign-in (with its second factor), never its own.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
handler400 = "keystage.web.common.errors.bad_request"
handler500 = "keystage.web.common.errors.server_error"

portal = (
    [
        *submissions.urlpatterns,
        *accounts.urlpatterns,
        *schools.urlpatterns,
        *workspace.urlpatterns,
        *results.urlpatterns,
        *reminders.urlpatterns,
        *moderation.urlpatterns,
        *exports.urlpatterns,
        *reports.urlpatterns,
        *privacy.urlpatterns,
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
    path("accounts/email/", email.email_address, name="account_email"),
    path("accounts/email/change/", email.change_email, name="account_email_change"),
    path("accounts/email/resend/", email.send_link_again, name="account_email_resend"),
    path("accounts/email/keep/", email.keep_address, name="account_email_keep"),
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
