"""Template filters for the account pages.

{% load accounts %}
{% if user|must_use_two_factor %}...{% endif %}
"""

from __future__ import annotations

from django import template

from keystage.web.accounts.two_factor import must_use_two_factor as required
from keystage.web.models import User

register = template.Library()


@register.filter
def must_use_two_factor(user: object) -> bool:
    """Whether the account may not turn two-factor sign-in off."""
    return isinstance(user, User) and required(user)
