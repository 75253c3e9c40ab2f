"""Whether a filled template is refused as a whole, told from its hidden details alone.

The portal asks at upload, before the workbook takes a version number (as keystage.checks.start
does for a CTF): a workbook that is not safe to open, not a Keystage template, a template for
another collection or year (TEMPLATE-COLLECTION) or another school's (HDR-SCHOOL) is refused
there and then, in the same words as the whole check. Its pupils are not read here: a Pupils
sheet with something wrong in it is the whole check's to find.
"""

from __future__ import annotations

from keystage.checks import Context, Finding, finding, refusal_in_header
from keystage.template.safety import TemplateRefusedError


def refusal_at_start(data: bytes, context: Context) -> Finding | None:
    """The finding that refuses the workbook, if its details show one; None when they do not.
    `context.collection` is the collection it is sent for, `context.school` the sender."""
    # Imported here, not for a cycle: these load openpyxl (about 0.3 s), and the portal imports
    # this module when it starts; openpyxl is loaded only when a workbook arrives.
    from keystage.template.info import expect_for, template_header
    from keystage.template.workbook import template_info

    try:
        info = template_info(data)
        expect_for(info, context.codeset, context.collection)
    except TemplateRefusedError as refused:
        return finding(refused.code, refused.message)
    return refusal_in_header(template_header(info, context.codeset, context.school), context)
