"""The optional collections a school may still opt in to or out of, for its home page:

{% load schools %}{% choices_to_make school as choices %}   [(collection, its row or None)]
"""

from __future__ import annotations

from django import template

from keystage.web.models import Collection, ExpectedSchool, School
from keystage.web.schools import expected

register = template.Library()


@register.simple_tag
def choices_to_make(school: School) -> list[tuple[Collection, ExpectedSchool | None]]:
    return expected.choices_to_make(school)
