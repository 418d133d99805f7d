"""A signer's signatures, exported and erased by their normalised address
(registered in tocsin.core.personal_data by PetitionsConfig.ready)."""

from django.db import models

from tocsin.organizations.models import Organization
from tocsin.supporters.models import Consent

from .models import Signature


def signatures_of(email: str, organizations: frozenset[int] | None = None):
    """Signatures given with this address, on the petitions of `organizations` only unless
    None."""
    signatures = Signature.objects.filter(email=email)
    if organizations is not None:
        signatures = signatures.filter(petition__campaign__organization_id__in=organizations)
    return signatures


def export_signatures(email: str, organizations: frozenset[int] | None = None) -> list[dict]:
    """Every signature given with this address, with each consent ticked when signing and
    whether it was withdrawn since. Withdrawal is looked up by the same normalised address,
    so unsubscribing as a.na+news@gmail.com withdraws what ana@gmail.com agreed to.

    The IP address was never stored; its keyed hashes are left out, as they tell nobody,
    the signer included, anything about it."""
    signatures = list(
        signatures_of(email, organizations)
        .select_related("petition__campaign")
        .order_by("created_at", "pk")
    )
    withdrawals = _last_withdrawals(email)
    current = set(
        Consent.objects.current()
        .filter(supporter__email=email)
        .values_list("organization_id", flat=True)
    )
    names = _organization_names(signatures)

    def withdrawn(organization_id, signature) -> bool:
        """Withdrawn after signing, and not given again since."""
        last = withdrawals.get(organization_id)
        return last is not None and last >= signature.created_at and organization_id not in current

    return [
        {
            "petition": signature.petition.campaign.title,
            "name": signature.name,
            "email": signature.email,
            "postcode": signature.postcode,
            "country": signature.country,
            "district": signature.district,
            "comment": signature.comment,
            "language": signature.language,
            "source": signature.source,
            "signed": signature.created_at.isoformat(),
            "confirmed": signature.confirmed_at.isoformat() if signature.confirmed_at else None,
            "consents": [
                {
                    "organization": names.get(item.get("organization"), ""),
                    "wording": item.get("wording", ""),
                    "withdrawn": withdrawn(item.get("organization"), signature),
                }
                for item in signature.consents or []
                if isinstance(item, dict)
            ],
        }
        for signature in signatures
    ]


def erase_signatures(email: str, organizations: frozenset[int] | None = None) -> int:
    """The row stays, so every count stays what it was; the signer's details go."""
    from .services import erase_signer

    count = 0
    for signature_id in signatures_of(email, organizations).values_list("pk", flat=True):
        erase_signer(signature_id)
        count += 1
    return count


def _last_withdrawals(email: str) -> dict[int, object]:
    """When this address last withdrew consent from each organization."""
    return dict(
        Consent.objects.filter(supporter__email=email, withdrawn_at__isnull=False)
        .values("organization_id")
        .annotate(last=models.Max("withdrawn_at"))
        .values_list("organization_id", "last")
    )


def _organization_names(signatures: list[Signature]) -> dict[int, str]:
    ids = {
        item.get("organization")
        for signature in signatures
        for item in signature.consents or []
        if isinstance(item, dict) and isinstance(item.get("organization"), int)
    }
    return dict(Organization.objects.filter(pk__in=ids).values_list("pk", "name"))
