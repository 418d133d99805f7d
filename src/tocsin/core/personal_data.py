"""Where each app's personal data is found, exported and erased, by a person's email address.

Every app that stores something about a person registers, in its AppConfig.ready(), an
exporter and an eraser keyed by the normalised address and an organization scope, and the
models they cover::

    personal_data.register(
        "petitions", export=export_signatures, erase=erase_signatures, models=[Signature]
    )

`export_person` and `erase_person` run every registration, so a subject-access or erasure
request covers every app, including apps added later. core/tests/test_personal_data.py
fails when a model with personal fields is in no registration's `models`.

An eraser keeps rows that counts are made of and blanks the person's details in them: a
petition's count or an event's attendance stays what it was.

The scope: an organizer exports and erases only what their own organizations hold (consents
given to them, signatures on their petitions, answers for their events, gifts to their
funds); the whole person, across every organization, is for the installation's
administrator. Each exporter and eraser takes `organizations`, a set of organization ids, or
None for everything.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Model

from .emails import normalize_email

Scope = frozenset[int] | None


@dataclass(frozen=True)
class Registration:
    label: str
    export: Callable[[str, Scope], list[dict]]
    erase: Callable[[str, Scope], int]
    models: tuple[type[Model], ...]


_registrations: dict[str, Registration] = {}


def register(
    label: str,
    *,
    export: Callable[[str, Scope], list[dict]],
    erase: Callable[[str, Scope], int],
    models: Iterable[type[Model]],
) -> None:
    """`export(address, organizations)` lists what those organizations (all, for None) hold
    under the normalised address, as JSON-ready dicts; `erase(address, organizations)`
    removes it and says how many records it changed. Registering a label again replaces the
    earlier registration."""
    _registrations[label] = Registration(label, export, erase, tuple(models))


def registrations() -> list[Registration]:
    return list(_registrations.values())


def scope(organizations) -> Scope:
    """Organizations (or their ids) as a scope; None stays None: everything."""
    if organizations is None:
        return None
    return frozenset(o if isinstance(o, int) else o.pk for o in organizations)


def export_person(email: str, organizations=None) -> dict[str, list[dict]]:
    """What is held about the person with this address, per app: by `organizations` (or
    their ids) only, or everything for None (the installation's administrator)."""
    address = normalize_email(email)
    within = scope(organizations)
    return {r.label: r.export(address, within) for r in registrations()}


def erase_person(email: str, organizations=None) -> dict[str, int]:
    """Erase the person's details in every app, all or nothing, within `organizations` (all
    for None); per app, how many records."""
    address = normalize_email(email)
    within = scope(organizations)
    with transaction.atomic():
        return {r.label: r.erase(address, within) for r in registrations()}
