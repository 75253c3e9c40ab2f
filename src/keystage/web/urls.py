from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.generic import TemplateView

from keystage.web.views import (
    audit,
    codes,
    confirm,
    home,
    la,
    la_imports,
    la_locks,
    la_moves,
    la_progress,
    la_reminders,
    la_results,
    people,
    queries,
    reports,
    school,
)


def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


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
        path("codes/", codes.codes, name="codes"),
        path("codes/<str:year>/", codes.codes, name="codes_year"),
        path("la/", la.overview, name="la"),
        *la_progress.urls,
        *la_results.urls,
        *la_moves.urls,
        *la_reminders.urls,
        *la_imports.urls,
        *la_locks.urls,
        *queries.urls,
        *audit.urls,
        *reports.urls,
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
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("health", health, name="health"),
]
