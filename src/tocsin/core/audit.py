"""Record what an organizer did that is not an edit of a tracked row: an export downloaded, a
person exported or erased, an alert sent, signatures released or invalidated in bulk.

Edits of tracked rows are recorded by django-auditlog's signals (AUDITLOG_INCLUDE_TRACKING_MODELS
in settings); these go into the same log, as ACCESS entries whose `event` says what happened,
so the owners' page reads one list. Core imports no Tocsin app: the log entry model is the one
the settings name (`tocsin.audit.models.Entry`, which has the `organization` and `event`
columns used here).
"""

import json

from auditlog import get_logentry_model
from django.core.serializers.json import DjangoJSONEncoder

from .http import client_ip


def record(request, action: str, obj, organization, details: dict | None = None, *, actor=None):
    """Write one entry: who (the request's user, or `actor` outside a request), from where,
    `action` (a short name: "export", "erase", "alert_sent", ...), about `obj` (or, when there
    is no single object, the organization itself), for `organization` (None: the installation's
    administrator's business only). `details` must not hold a supporter's personal data."""
    entry_model = get_logentry_model()
    subject = obj if obj is not None else organization
    if subject is None:
        # Nothing to point at: the entry is about the person who acted.
        subject = actor if actor is not None else getattr(request, "user", None)
    user = getattr(request, "user", None) if request is not None else None
    if actor is None and user is not None and user.is_authenticated:
        actor = user
    # Round-trip through JSON so dates and decimals in details are stored as text.
    additional = json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder))
    return entry_model.objects.log_create(
        subject,
        force_log=True,
        action=entry_model.Action.ACCESS,
        changes={},
        event=action,
        organization_id=getattr(organization, "pk", organization),
        actor=actor,
        actor_email=getattr(actor, "email", None) if actor is not None else None,
        remote_addr=client_ip(request) if request is not None else None,
        additional_data=additional,
    )
