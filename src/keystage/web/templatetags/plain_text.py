"""{% load plain_text %}{{ guidance_text|paragraphs }}: text people typed, as escaped paragraphs
with its https:// addresses as links (keystage.web.common.plain_text)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from keystage.web.common.plain_text import paragraphs as as_paragraphs

register = template.Library()


@register.filter
def paragraphs(text: str) -> SafeString:
    return as_paragraphs(str(text or ""))
