"""Loading the LA's schools: read the register's extract (GIAS), its links and the LA's email
addresses, plan what would change (plan.py), and apply the plan in one transaction.

    plan = load_register("edubasealldata.csv", links="links.csv", emails="addresses.csv")
    print("\\n".join(plan.lines()))
    apply(plan)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from keystage.web.common.audit import Action, record
from keystage.web.common.clock import now, today
from keystage.web.models import Collection, RegisterLoad, School, SchoolLink, User
from keystage.web.models.schools import CLOSED, SCHOOL, SETTING
from keystage.web.schools import expected, gias, providers
from keystage.web.schools.gias import RegisterError
from keystage.web.schools.plan import Plan, make_plan

__all__ = ["Plan", "RegisterError", "apply", "apply_load", "keep_load", "load_register",
           "load_settings", "plan_load", "plan_settings", "plan_texts"]  # fmt: skip


class PlanChangedError(RegisterError):
    """The files would now make another plan than the one the LA read."""


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


def load_settings(path: Path | str, *, la: str | None = None) -> Plan:
    """What loading the LA's early years provider list would change; nothing is written."""
    return plan_settings(gias.read_text(path), la=la)


def plan_settings(text: str, *, la: str | None = None) -> Plan:
    return make_plan(providers.read_settings(text, la=la), today=today(), kind=SETTING)


def keep_load(
    texts: dict[str, str], names: dict[str, str], *, by: User, kind: str = SCHOOL
) -> RegisterLoad:
    """Keeps uploaded files until the LA applies their plan (or discards them); a person has one
    such set of each kind at a time (the register's, the provider list)."""
    RegisterLoad.objects.filter(uploaded_by=by, applied_at__isnull=True, kind=kind).delete()
    return RegisterLoad.objects.create(
        uploaded_by=by, uploaded_at=now(), kind=kind, **texts,
        **{f"{n}_name": v for n, v in names.items()},
    )  # fmt: skip


def plan_load(load: RegisterLoad) -> Plan:
    if load.kind == SETTING:
        return plan_settings(load.extract)
    return plan_texts(load.extract or None, links=load.links or None, emails=load.emails or None)


def apply_load(load: RegisterLoad, *, shown: str, request: HttpRequest) -> Plan:
    """Applies the plan of kept files if it is still the one shown (its fingerprint); the
    files' text is then dropped: the schools hold it, and the addresses are not kept twice."""
    plan = plan_load(load)
    if plan.fingerprint() != shown:
        raise PlanChangedError(
            f"The {plan.noun} changed since this plan was made. Check the changes again, then "
            "apply."
        )
    apply(plan)
    audit(plan, load.file_names, request=request)
    load.extract = load.links = load.emails = ""
    load.applied_at = now()
    load.save()
    return plan


def audit(plan: Plan, files: list[str], *, request: HttpRequest | None = None) -> None:
    said = ", ".join(files) + ("" if request else " (command line)")
    counts: dict[str, Any] = {"links": len(plan.links), **plan.counts()}
    what = "schools" if plan.kind == SCHOOL else "early years settings"
    record(Action.SCHOOLS, f"loaded {what} from {said}", request=request, **counts)


def apply(plan: Plan) -> None:
    """All of the plan or none of it. Schools that close are written first, so that an academy
    keeping its predecessor's LAESTAB never meets it open; then the collections still to close
    that have a list are proposed again (a new school proposed, a closed one no longer). One
    with no list yet keeps every open school until the LA proposes one (expected.has_list)."""
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
            listed = Collection.objects.filter(closes__gte=today(), expected_schools__isnull=False)
            for collection in listed.distinct():
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
