"""A school's files and the head's confirmation; the data team's files from other channels."""

from django.urls import URLPattern, path

from keystage.web.submissions.views import channels, confirm, home, nca, refused, school, template

urlpatterns: list[URLPattern] = [
    path("", home.home, name="home"),
    path("collections/<int:collection_id>/", school.collection, name="collection"),
    path("collections/<int:collection_id>/confirm/", confirm.confirm, name="confirm"),
    path("files/<int:submission_id>/", school.submission, name="submission"),
    path(
        "files/<int:submission_id>/confirmation.pdf",
        confirm.confirmation_pdf,
        name="confirmation_pdf",
    ),
    path(
        "la/files/<int:submission_id>/confirmation.pdf",
        confirm.la_confirmation_pdf,
        name="la_confirmation_pdf",
    ),
    path("files/<int:submission_id>/status/", school.submission_status, name="status"),
    path("files/<int:submission_id>/findings.csv", school.findings_csv, name="findings_csv"),
    path("files/<int:submission_id>/download/", school.submission_file, name="download"),
    path("files/<int:submission_id>/answer/", school.answer, name="answer"),
    *channels.urls,
    *nca.urls,
    *refused.urls,
    *template.urls,
]
