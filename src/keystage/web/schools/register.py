"""Loading the LA's schools: read the register's extract (GIAS), its links and the LA's email
addresses, plan what would change (plan.py), and apply the plan in one transaction.

    plan = load_register("edubasealldata.csv", links="links.csv", emails="addresses.csv")
    print("\\n".join(plan.lines()))
    apply(plan)
"""

from __future__ import annotations

from pathlib import Path

from django.db import IntegrityError, transaction

from keystage.web.common.clock import today
from keystage.web.models import Collection, School, SchoolLink
from keystage.web.models.schools import CLOSED
from keystage.web.schools import expected, gias
from keystage.web.schools.gias import RegisterError
from keystage.web.schools.plan import Plan, make_plan

__all__ = ["Plan", "RegisterError", "apply", "load_register", "plan_texts"]


def load_register(
    path: Path | str | None, *, links: Path | str | None = None, emails: Path | str | None = None
) -> Plan:
    """What loading these files would change; nothing is written until `apply`."""
    return plan_texts(
        gias.read_text(path) if path else None,
        links=gias.read_text(links) if links else None,
        emails=gias.read_text(emails) if emails else None,
    )


def plan_texts(extract: str | None, *, links: str | None = None, emails: str | None = None) -> Plan:
    read = gias.read_establishments(extract) if extract is not None else None
    linked, notes = gias.read_links(links) if links else ([], [])
    addresses = gias.read_addresses(emails) if emails else []
    return make_plan(read, linked, addresses, notes, today=today())


def apply(plan: Plan) -> None:
    """All of the plan or none of it. Schools that close are written first, so that an academy
    keeping its predecessor's LAESTAB never meets it open; then the collections still to close
    are proposed again (a new school proposed, a closed one no longer)."""
    try:
        with transaction.atomic():
            _close_replaced(plan)
            ordered = sorted(plan.establishments, key=lambda e: e.values.get("status") != CLOSED)
            for found in ordered:
                School.objects.update_or_create(
                    urn=found.urn, defaults={"laestab": found.laestab, **found.values}
                )
            _link(plan)
            _address(plan)
            for collection in Collection.objects.filter(closes__gte=today()):
                expected.propose(collection)
    except IntegrityError as problem:
        raise RegisterError(f"The register could not be applied: {problem}") from problem


def _close_replaced(plan: Plan) -> None:
    for urn, last_day in plan.closing.items():
        School.objects.filter(urn=urn).update(status=CLOSED, closed_on=last_day)


def _link(plan: Plan) -> None:
    schools = {s.urn: s for s in School.objects.all()}
    for link in plan.links:
        SchoolLink.objects.get_or_create(
            predecessor=schools[link.predecessor], successor=schools[link.successor],
            defaults={"link_type": link.link_type, "established_on": link.established_on},
        )  # fmt: skip


def _address(plan: Plan) -> None:
    for given in plan.addresses:
        wanted = {"head_email": given.head_email, "main_email": given.school_email}
        School.objects.filter(urn=given.urn).update(
            **{name: value for name, value in wanted.items() if value is not None}
        )
