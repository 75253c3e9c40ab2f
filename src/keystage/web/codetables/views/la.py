"""The LA's code tables pages: each year's table in force, loading next year's from a file,
what a loaded table changes, and publishing it. The data team may look; loading and
publishing are for LA administrators."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from keystage import codesets
from keystage.web.accounts.access import la_user_required
from keystage.web.codetables import loading, published
from keystage.web.codetables.differences import Differences, differences
from keystage.web.models import CodeTable, Collection, Role, User


class TableForm(forms.Form):
    file = forms.FileField(
        label="Code tables file",
        help_text="A TOML file in the same format as the tables you can download from the "
        "code tables page: download last year's, change it, and load it here.",
        error_messages={"required": "Select the code tables file to load",
                        "empty": "The file is empty. Select the code tables file to load"},
    )  # fmt: skip
    notes = forms.CharField(
        label="Notes (optional)",
        help_text="What changed and where it comes from, for example: CTF 26.0, from the DfE's "
        "CTF specification for 2026 to 2027.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _admin(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or user.role != Role.LA_ADMIN:
        raise Http404("Loading and publishing code tables is for LA administrators.")
    return user


@la_user_required
def tables(request: HttpRequest) -> HttpResponse:
    form = TableForm()
    if request.method == "POST":
        user = _admin(request)
        form = TableForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                row = loading.load_file(
                    upload.read(), file_name=upload.name, notes=form.cleaned_data["notes"],
                    user=user, request=request,
                )  # fmt: skip
            except loading.TableRefusedError as refused:
                form.add_error("file", str(refused))
            else:
                return redirect("portal:la_code_table", table_id=row.pk)
    context = {"form": form, "years": _years(), "loaded": _loaded(),
               "without_tables": _collections_without_tables()}  # fmt: skip
    return render(request, "la/code_tables.html", context)


def _years() -> list[tuple[str, CodeTable | None]]:
    return [(year, published.in_force(year)) for year in reversed(published.years())]


def _loaded() -> list[tuple[CodeTable, str]]:
    """Every table loaded, newest first, with its state: in force, not published, replaced."""
    rows = list(CodeTable.objects.select_related("uploaded_by").defer("toml_text"))
    in_force = {year: published.in_force(year) for year in {row.academic_year for row in rows}}
    return [(row, _state(row, in_force[row.academic_year])) for row in rows]


def _state(row: CodeTable, in_force: CodeTable | None) -> str:
    if in_force is not None and in_force.pk == row.pk:
        return "In force"
    return "Not published" if row.published_at is None else "Replaced"


def _collections_without_tables() -> list[Collection]:
    have = set(published.years())
    return [c for c in Collection.objects.all() if c.academic_year not in have]


@la_user_required
def table(request: HttpRequest, table_id: int) -> HttpResponse:
    row = get_object_or_404(CodeTable.objects.select_related("uploaded_by", "published_by"),
                            pk=table_id)  # fmt: skip
    loaded = codesets.parse_text(row.toml_text, source=row.file_name)
    in_force = published.in_force(row.academic_year)
    is_in_force = in_force is not None and in_force.pk == row.pk
    year_before = published.year_before(row.academic_year)
    context = {
        "row": row,
        "loaded": loaded,
        "state": _state(row, in_force),
        "is_in_force": is_in_force,
        "year_before": year_before,
        "from_year_before": _compared(year_before, loaded),
        "from_in_force": None if is_in_force else _compared(row.academic_year, loaded),
        "collections": Collection.objects.filter(academic_year=row.academic_year),
    }
    return render(request, "la/code_table.html", context)


def _compared(year: str, loaded: codesets.Codeset) -> Differences | None:
    """What the loaded table changes from the year's table in force; None if it has none."""
    try:
        before = codesets.codeset_for(year)
    except codesets.CodesetError:
        return None
    return differences(before, loaded)


@la_user_required
@require_POST
def publish(request: HttpRequest, table_id: int) -> HttpResponse:
    user = _admin(request)
    row = get_object_or_404(CodeTable, pk=table_id)
    loading.publish(row, user=user, request=request)
    messages.success(
        request,
        f"The {row.academic_year} code tables from {row.file_name} are published. Every check "
        "from now on uses them; files already checked keep their findings.",
    )
    return redirect("portal:la_code_table", table_id=row.pk)
