"""The email provider's tracking events (django-anymail's `tracking` signal) for letters: a
hard bounce or a refusal of a letter's mail marks the target's address bad
(services.record_bounce). alerts.webhooks hears the same events for supporters' addresses;
each receiver looks only for its own Message-IDs."""

from anymail.signals import EventType, RejectReason, tracking
from django.dispatch import receiver

from tocsin.core.emails import normalize_email

from .services import record_bounce

# Refusals that say something about the address itself; a spam verdict or an unsubscribe
# does not make an office's address wrong.
NOT_ABOUT_THE_ADDRESS = {RejectReason.SPAM, RejectReason.UNSUBSCRIBED}


@receiver(tracking, dispatch_uid="tocsin.letters.tracking")
def record_letter_bounce(sender, event, esp_name, **kwargs) -> None:
    if event.event_type == EventType.BOUNCED or (
        event.event_type == EventType.REJECTED and event.reject_reason not in NOT_ABOUT_THE_ADDRESS
    ):
        record_bounce(
            event.message_id or "",
            address=normalize_email(event.recipient) if event.recipient else "",
            reason=str(event.description or event.reject_reason or "")[:300],
        )
