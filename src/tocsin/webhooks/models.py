"""Webhook endpoints an organization registered, and each message delivered to them.

A `Delivery` is one event for one endpoint: its message id (the Standard Webhooks
`webhook-id`) stays the same on every try, so a receiver that saw it already can ignore it.
Its payload is a snapshot of the resource when the event happened; it may hold a supporter's
details, so each delivery carries a keyed digest of the address it is about
(`person_digest`), which is how erasing that person finds it.
"""

import base64
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocsin.core.signals import EVENTS
from tocsin.organizations.models import Organization

EVENT_LABELS = {
    "person.joined": _("A person joined (confirmed their address)"),
    "person.unsubscribed": _("A person unsubscribed"),
    "signature.confirmed": _("A signature was confirmed"),
    "call.reported": _("A call was reported"),
    "letter.reported": _("A letter was written and confirmed"),
    "rsvp.made": _("Someone answered for an event"),
    "rsvp.cancelled": _("Someone cancelled their answer"),
    "donation.succeeded": _("A donation succeeded"),
    "donation.refunded": _("A donation was refunded"),
}
assert set(EVENT_LABELS) == set(EVENTS)
PING = "ping"


def new_secret() -> str:
    """A Standard Webhooks secret: "whsec_" and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class Endpoint(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=80, default=new_secret, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    # The first failure since the last success: an endpoint failing for days is disabled.
    failing_since = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization", "pk"]

    def __str__(self) -> str:
        return self.description or self.url

    def event_labels(self) -> list[str]:
        return [str(EVENT_LABELS[e]) for e in self.events if e in EVENT_LABELS]


class DeliveryQuerySet(models.QuerySet):
    def due(self, now):
        """Pending deliveries whose next try has come, to endpoints still active."""
        return self.filter(
            status__in=Delivery.OPEN, next_attempt_at__lte=now, endpoint__is_active=True
        )


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed, will try again")
        GIVEN_UP = "given_up", _("given up")

    # Still to be delivered: not tried yet, or failed and waiting for its next try.
    OPEN = (Status.PENDING, Status.FAILED)

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    message_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payload = models.JSONField(default=dict)
    person_digest = models.CharField(max_length=64, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_deliveries_due",
                condition=models.Q(status__in=["pending", "failed"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.message_id}"

    @property
    def webhook_id(self) -> str:
        return f"msg_{self.message_id.hex}"
