"""The schools pages: the LA's register and each collection's expected schools; a school's
page for whether it takes part in a collection."""

from django.urls import URLPattern, path

from keystage.web.schools.views import expected, register, taking_part

urlpatterns: list[URLPattern] = [
    path("la/schools/", register.schools, name="la_schools"),
    path(
        "la/collections/<int:collection_id>/expected/",
        expected.expected_schools,
        name="la_expected",
    ),
    path(
        "la/collections/<int:collection_id>/expected/<int:school_id>/",
        expected.expected_school,
        name="la_expected_school",
    ),
    path(
        "collections/<int:collection_id>/taking-part/",
        taking_part.taking_part,
        name="taking_part",
    ),
]
