"""The code reference page and its download (everyone); the LA's code tables pages."""

from django.urls import URLPattern, path

from keystage.web.codetables.views import la, reference

urlpatterns: list[URLPattern] = [
    path("codes/", reference.codes, name="codes"),
    path("codes/<str:year>/", reference.codes, name="codes_year"),
    path("codes/<str:year>/download/", reference.download, name="codes_download"),
    path("la/code-tables/", la.tables, name="la_code_tables"),
    path("la/code-tables/<int:table_id>/", la.table, name="la_code_table"),
    path("la/code-tables/<int:table_id>/publish/", la.publish, name="la_code_table_publish"),
]
