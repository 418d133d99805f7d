"""Which alerts a person was sent, in the personal-data registry (core.personal_data): the
export lists them; the erasure unlinks them from the person, and the rows stay, so each
alert's counts still add up."""

from django.db.models import Q

from tocsin.core import personal_data
from tocsin.core.personal_data import Scope
from tocsin.supporters.models import Supporter

from .models import AlertRecipient


def register() -> None:
    """Called from AlertsConfig.ready()."""
    personal_data.register(
        "alerts", export=export_receipts, erase=erase_receipts, models=[AlertRecipient]
    )


def _people(address: str, organizations: Scope):
    people = Supporter.objects.filter(email=address)
    if organizations is not None:
        people = people.filter(organization_id__in=organizations)
    return people


def export_receipts(address: str, organizations: Scope = None) -> list[dict]:
    receipts = (
        AlertRecipient.objects.filter(supporter__in=_people(address, organizations))
        .select_related("alert__organization")
        .order_by("alert__created_at", "pk")
    )
    return [
        {
            "organization": receipt.alert.organization.name,
            "alert": receipt.alert.subject,
            "language": receipt.language,
            "state": receipt.state,
            "sent": receipt.sent_at.isoformat() if receipt.sent_at else None,
            "event": receipt.event or None,
        }
        for receipt in receipts
    ]


def erase_receipts(address: str, organizations: Scope = None) -> int:
    """Unlink the person's receipts. The supporters' eraser may have run first in the same
    erasure and taken the address off the person already, so receipts of anyone erased (in
    scope) are unlinked too: an erased person keeps no list of the mail they were sent."""
    erased = Supporter.objects.filter(erased_at__isnull=False)
    if organizations is not None:
        erased = erased.filter(organization_id__in=organizations)
    return AlertRecipient.objects.filter(
        Q(supporter__in=_people(address, organizations)) | Q(supporter__in=erased)
    ).update(supporter=None)
