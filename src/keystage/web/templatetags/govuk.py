"""Template tags that render Django form fields with GOV.UK Frontend's classes and attributes.

``components/field.html`` uses them; pages normally include that template rather than calling
these directly:

    {% load govuk %}
    {% govuk_widget field hint=hint_text input_class="govuk-input--width-10" %}
    {{ field|govuk_kind }}      input, password, textarea, select, checkbox, radios,
                                checkboxes, file or hidden
    {{ field|govuk_anchor }}    the id an error summary links to ("" for a hidden field)
    {{ form|govuk_first_anchor }}   the anchor of the form's first visible field
    {{ hint|govuk_hint:field }} the hint to show: hint, else the help text; "" when blank
    {% govuk_described_by field hint=hint_text %}   ` aria-describedby="..."` or nothing
    {{ request.path|nav_state:url }}    "page", "true" (a page below url) or "", for aria-current
    {{ totp_svg|inline_svg }}   allauth's QR code SVG, fit to sit inside the page

A field's hint has the id ``<auto_id>_helptext`` and its error message ``<auto_id>_error``,
the ids Django itself points aria-describedby at.
"""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

INPUT_CLASSES = {
    "input": ("govuk-input", "govuk-input--error"),
    "password": (
        "govuk-input govuk-password-input__input govuk-js-password-input-input",
        "govuk-input--error",
    ),
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "select": ("govuk-select", "govuk-select--error"),
    "file": ("govuk-file-upload", "govuk-file-upload--error"),
    "checkbox": ("govuk-checkboxes__input", ""),
}


def _bound(field: object) -> BoundField:
    if not isinstance(field, BoundField):
        raise TypeError(f"expected a bound form field, got {type(field).__name__}")
    return field


@register.filter
def govuk_kind(field: BoundField) -> str:
    """Which GOV.UK component a field's widget becomes."""
    widget = _bound(field).field.widget
    if widget.is_hidden:
        return "hidden"
    # CheckboxSelectMultiple is a RadioSelect in Django, so it is asked about first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.PasswordInput):
        return "password"
    return "input"


@register.filter
def govuk_anchor(field: BoundField) -> str:
    """The id of the element an error summary links to: the input, or the first option."""
    bound = _bound(field)
    kind = govuk_kind(bound)
    if kind == "hidden" or not bound.auto_id:
        return ""
    if kind in ("radios", "checkboxes"):
        subwidgets = bound.subwidgets
        return str(subwidgets[0].id_for_label) if subwidgets else ""
    return str(bound.id_for_label or bound.auto_id)


@register.filter
def govuk_first_anchor(form: forms.BaseForm) -> str:
    """The anchor of a form's first visible field: where a form-wide error links to."""
    for field in form.visible_fields():
        anchor = govuk_anchor(field)
        if anchor:
            return anchor
    return ""


@register.filter
def govuk_hint(hint: object, field: BoundField) -> object:
    """The hint shown with a field: ``hint`` if given, else its help text; "" if blank.

    The hint comes first (``{{ hint|govuk_hint:field }}``) so that a template without a
    ``hint`` variable still works: a missing filter argument would be an error.
    """
    text = hint or _bound(field).help_text
    return text if str(text).strip() else ""


def _described_by(field: BoundField, hint: object) -> str:
    # Django's own ids for a field's help text and errors (see BoundField.aria_describedby),
    # so what Django adds by itself and what this adds agree; field.html uses the same ids.
    ids = []
    if field.auto_id and hint:
        ids.append(f"{field.auto_id}_helptext")
    if field.auto_id and field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


@register.simple_tag
def govuk_described_by(field: BoundField, hint: object = "") -> str:
    """` aria-describedby="<id>_helptext <id>_error"` for a fieldset, or nothing."""
    ids = _described_by(_bound(field), hint)
    return format_html(' aria-describedby="{}"', ids) if ids else ""


@register.simple_tag
def govuk_widget(
    field: BoundField,
    hint: object = "",
    input_class: str = "",
    autocomplete: str = "",
    inputmode: str = "",
    spellcheck: str = "",
    autocapitalize: str = "",
) -> SafeString:
    """The field's own widget with GOV.UK classes, aria-describedby and no placeholder.

    ``hint`` is the hint text shown with the field (its id goes into aria-describedby);
    ``autocomplete``, ``inputmode``, ``spellcheck`` and ``autocapitalize`` replace the
    widget's own values.
    """
    bound = _bound(field)
    kind = govuk_kind(bound)
    widget_attrs = bound.field.widget.attrs
    attrs: dict[str, str | bool] = {"placeholder": False}  # GOV.UK: hints, never placeholders
    base, error = INPUT_CLASSES.get(kind, ("", ""))
    classes = [str(widget_attrs.get("class", "")), base, input_class]
    if bound.errors:
        classes.append(error)
    attrs["class"] = " ".join(c for c in classes if c)
    described_by = " ".join(
        part
        for part in (str(widget_attrs.get("aria-describedby", "")), _described_by(bound, hint))
        if part
    )
    if described_by:
        attrs["aria-describedby"] = described_by
    if kind == "password":
        attrs["spellcheck"] = "false"
        attrs["autocapitalize"] = "none"
    for name, value in (
        ("autocomplete", autocomplete),
        ("inputmode", inputmode),
        ("spellcheck", spellcheck),
        ("autocapitalize", autocapitalize),
    ):
        if value:
            attrs[name] = value
    return bound.as_widget(attrs=attrs)


@register.filter
def nav_state(path: str, url: str) -> str:
    """aria-current for a navigation link: "page" on its page, "true" below it, else ""."""
    if not path or not url:
        return ""
    if path == url:
        return "page"
    if url.endswith("/") and url != "/" and path.startswith(url):
        return "true"
    return ""


@register.filter
def inline_svg(svg: str) -> SafeString:
    """allauth's QR code SVG document as an element of the page, without its XML prolog.

    The image is hidden from assistive technology: its wrapper carries the text alternative,
    and the page gives the same key as text. Inline, it needs no ``data:`` images in the CSP.
    """
    start = svg.find("<svg")
    if start < 0:
        return SafeString("")
    element = svg[start:].replace("<svg", '<svg aria-hidden="true" focusable="false"', 1)
    # allauth's MFA adapter draws this SVG with qrcode from the TOTP URL: no user markup.
    return mark_safe(element)  # noqa: S308  # nosec B308 B703
