"""The schools pages: the LA's register (one address for each action: upload, apply, discard),
its head teachers' accounts and their readiness for a window, and each collection's expected
schools; a school's page for whether it takes part."""

from django.urls import URLPattern, path

from keystage.web.schools.views import (
    expected,
    heads,
    providers,
    readiness,
    register,
    taking_part,
)

urlpatterns: list[URLPattern] = [
    path("la/schools/", register.schools, name="la_schools"),
    path("la/schools/upload/", register.upload, name="la_schools_upload"),
    path("la/schools/apply/", register.apply_plan, name="la_schools_apply"),
    path("la/schools/discard/", register.discard, name="la_schools_discard"),
    path("la/settings/", providers.settings_page, name="la_settings"),
    path("la/settings/upload/", providers.upload, name="la_settings_upload"),
    path("la/settings/apply/", providers.apply_plan, name="la_settings_apply"),
    path("la/settings/discard/", providers.discard, name="la_settings_discard"),
    path("la/schools/heads/", heads.head_accounts, name="la_head_accounts"),
    path("la/schools/<int:school_id>/head/", heads.school_head, name="la_school_head"),
    path("la/heads/", readiness.coming_window, name="la_heads_ready"),
    path(
        "la/collections/<int:collection_id>/heads/",
        readiness.heads_ready,
        name="la_readiness",
    ),
    path(
        "la/collections/<int:collection_id>/heads/invitations/",
        readiness.invite_not_signed_in,
        name="la_readiness_invite",
    ),
    path(
        "la/collections/<int:collection_id>/expected/",
        expected.expected_schools,
        name="la_expected",
    ),
    path(
        "la/collections/<int:collection_id>/expected/propose/",
        expected.propose,
        name="la_expected_propose",
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
