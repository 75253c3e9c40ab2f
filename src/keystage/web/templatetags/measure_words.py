"""{% load measure_words %}{{ figure.measure|measure_label }}, {{ figure.group|group_words }}: a
measure's and a group's stable names (keystage.measures) as people read them."""

from __future__ import annotations

from django import template

from keystage.measures.labels import group_label, label

register = template.Library()


@register.filter
def measure_label(measure: str) -> str:
    return label(str(measure))


@register.filter
def group_words(group: str) -> str:
    return group_label(str(group))
