"""The email provider's tracking events (django-anymail's `tracking` signal), which arrive on
its signed webhook (/anymail/<provider>/tracking/; anymail checks the signature and answers
400 to a forged one before any of this runs).

A hard bounce or a refusal makes every person with that address undeliverable (the mailbox
does not exist, whichever group writes to it); a spam complaint stops mail from the
organization that sent the alert and withdraws the person's consents to it; an unsubscribe
through the provider is the same as our own one-click. Every change is made only if not made
already, so a provider retrying, or anyone replaying, an event changes nothing more.
"""

import logging

from anymail.signals import EventType, RejectReason, tracking
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone

from tocsin.core.emails import normalize_email
from tocsin.supporters.models import Supporter
from tocsin.supporters.services import UnsubscribeRequest, withdraw_consents

from .models import AlertRecipient
from .unsubscribe import unsubscribe_recipient

logger = logging.getLogger(__name__)

BOUNCED = AlertRecipient.Event.BOUNCED
COMPLAINED = AlertRecipient.Event.COMPLAINED
UNSUBSCRIBED = AlertRecipient.Event.UNSUBSCRIBED

# A refusal by the provider names its reason; these say something about the person rather
# than the mail (anything else, such as a timeout or a policy block, counts as a bounce).
REJECTION_MEANS = {RejectReason.SPAM: COMPLAINED, RejectReason.UNSUBSCRIBED: UNSUBSCRIBED}


def event_kind(event) -> str | None:
    """What a tracking event means for the suppression list, or None for the events that
    change nothing (delivered, opened, deferred…)."""
    if event.event_type == EventType.BOUNCED:
        return BOUNCED
    if event.event_type == EventType.REJECTED:
        return REJECTION_MEANS.get(event.reject_reason, BOUNCED)
    if event.event_type == EventType.COMPLAINED:
        return COMPLAINED
    if event.event_type == EventType.UNSUBSCRIBED:
        return UNSUBSCRIBED
    return None


def recipient_for_message(message_id: str | None) -> AlertRecipient | None:
    """The alert recipient whose mail had this Message-ID (or provider id), written with or
    without its angle brackets."""
    if not message_id:
        return None
    bare = message_id.strip().strip("<>")
    if not bare:
        return None
    return (
        AlertRecipient.objects.select_related("alert", "supporter")
        .filter(message_id__in={message_id, bare, f"<{bare}>"})
        .first()
    )


@receiver(tracking, dispatch_uid="tocsin.alerts.tracking")
def record_tracking_event(sender, event, esp_name, **kwargs) -> None:
    kind = event_kind(event)
    if kind is None:
        return
    recipient = recipient_for_message(event.message_id)
    address = _address_of(event, recipient)
    # Everyone with the address (an erased person has none, and is matched by nobody's).
    with_address = Supporter.objects.filter(email=address) if address else Supporter.objects.none()
    with transaction.atomic():
        refused = withdrawn = 0
        if kind == BOUNCED:
            refused = refuse_mail(with_address, BOUNCED)
        elif kind == COMPLAINED:
            if recipient is not None:
                organization_id = recipient.alert.organization_id
                people = with_address.filter(organization_id=organization_id)
                refused = refuse_mail(people, COMPLAINED)
                withdrawn = withdraw_consents(UnsubscribeRequest(address, (organization_id,)))
            else:
                # Not one of our alerts, so no telling which group's mail it was; the provider
                # stops mail from the whole sending domain to a complainer, and so do we.
                refused = refuse_mail(with_address, COMPLAINED)
        elif recipient is not None:
            withdrawn = unsubscribe_recipient(recipient)
        if recipient is not None:
            _note_event(recipient, kind)
    logger.info(
        "%s tracking event %s: alert recipient %s, %d people refused, %d consents withdrawn",
        esp_name,
        kind,
        "found" if recipient else "not found",
        refused,
        withdrawn,
    )


def refuse_mail(people, reason: str) -> int:
    """Mark these people's mail refused, once: the first reason and date stay."""
    return people.filter(mail_refused_at__isnull=True).update(
        mail_refused_at=timezone.now(), mail_refused_reason=reason
    )


def _address_of(event, recipient: AlertRecipient | None) -> str | None:
    if event.recipient:
        return normalize_email(event.recipient)
    if recipient is not None and recipient.supporter is not None:
        return recipient.supporter.email
    return None


def _note_event(recipient: AlertRecipient, kind: str) -> None:
    """Record what happened to the recipient's mail, once. A complaint outranks a bounce or
    an unsubscribe already noted: it is what the organizer most needs to know."""
    rows = AlertRecipient.objects.filter(pk=recipient.pk)
    if kind == COMPLAINED:
        rows.filter(~Q(event=COMPLAINED)).update(event=COMPLAINED)
    else:
        rows.filter(event="").update(event=kind)
