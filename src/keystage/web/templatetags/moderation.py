"""The school's KS2 moderations, for links on its pages:

{% load moderation %}{% school_moderations school as moderations %}
{% school_moderations school collection as moderations %}   (one collection's)
"""

from __future__ import annotations

from django import template

from keystage.web.models import Collection, ModeratedSchool, School

register = template.Library()


@register.simple_tag
def school_moderations(
    school: School, collection: Collection | None = None
) -> list[ModeratedSchool]:
    found = ModeratedSchool.objects.filter(school=school).select_related("round__collection")
    if collection is not None:
        found = found.filter(round__collection=collection)
    return list(found.order_by("-round__collection__academic_year"))
