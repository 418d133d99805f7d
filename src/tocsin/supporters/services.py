"""Becoming a supporter and stopping again: consent given and withdrawn, with its wording."""

from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from tocsin.fundraising.money import major_text
from tocsin.fundraising.services import erase_donor, gifts_of
from tocsin.organizations.models import Organization

from .models import Consent, Supporter

UNSUBSCRIBE_SALT = "tocsin.supporters.unsubscribe"


@dataclass(frozen=True)
class ConsentChoice:
    organization: Organization
    wording: str


def consent_wording(organization: Organization) -> str:
    if organization.consent_wording.strip():
        return organization.consent_wording.strip()
    return gettext(
        "Yes, %(organization)s may email me about its campaigns. "
        "I can unsubscribe at any time with one click."
    ) % {"organization": organization.name}


def normalize_email(email: str) -> str:
    return email.strip().lower()


def become_supporter(
    *, campaign, name: str, email: str, postcode: str, consents: list[ConsentChoice], language: str
) -> Supporter:
    """Record the supporter and each consent once; a repeat submission adds nothing."""
    from .tasks import send_welcome_mail

    email = normalize_email(email)
    now = timezone.now()
    with transaction.atomic():
        supporter, created = Supporter.objects.get_or_create(
            email=email, defaults={"name": name, "postcode": postcode, "language": language}
        )
        if not created and supporter.erased_at is None:
            # Someone who knows an address must not be able to rename its owner.
            for field, value in (("name", name), ("postcode", postcode), ("language", language)):
                if not getattr(supporter, field):
                    setattr(supporter, field, value)
            supporter.save(update_fields=["name", "postcode", "language"])
        new_consent_ids = []
        for choice in consents:
            try:
                with transaction.atomic():
                    consent = Consent.objects.create(
                        supporter=supporter,
                        organization=choice.organization,
                        campaign=campaign,
                        wording=choice.wording,
                        language=language,
                        given_at=now,
                    )
            except IntegrityError:
                continue  # already a current consent for this organization
            new_consent_ids.append(consent.pk)
        if new_consent_ids:
            # Enqueued in the same transaction: the mail exists exactly when the consent does.
            send_welcome_mail.enqueue(supporter.pk, new_consent_ids)
    return supporter


def unsubscribe_token(supporter: Supporter, organizations) -> str:
    payload = {"s": supporter.pk, "o": sorted(o.pk for o in organizations)}
    return signing.dumps(payload, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_path(supporter: Supporter, organizations) -> str:
    return reverse(
        "supporters:unsubscribe", kwargs={"token": unsubscribe_token(supporter, organizations)}
    )


@dataclass(frozen=True)
class UnsubscribeRequest:
    supporter_id: int
    organization_ids: tuple[int, ...]


def read_unsubscribe_token(token: str) -> UnsubscribeRequest | None:
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return UnsubscribeRequest(int(payload["s"]), tuple(int(o) for o in payload["o"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def withdraw_consents(request: UnsubscribeRequest) -> int:
    """Withdraw every current consent the link covers; running it twice changes nothing more."""
    return (
        Consent.objects.current()
        .filter(supporter_id=request.supporter_id, organization_id__in=request.organization_ids)
        .update(withdrawn_at=timezone.now())
    )


def export_supporter_data(supporter: Supporter) -> dict:
    """Everything Tocsin holds about one person, for a subject-access request."""
    from tocsin.events import services as events  # events builds on supporters

    return {
        "name": supporter.name,
        "email": supporter.email,
        "postcode": supporter.postcode,
        "language": supporter.language,
        "joined": supporter.created_at.isoformat(),
        "consents": [
            {
                "organization": consent.organization.name,
                "campaign": consent.campaign.title if consent.campaign else None,
                "wording": consent.wording,
                "language": consent.language,
                "given": consent.given_at.isoformat(),
                "withdrawn": consent.withdrawn_at.isoformat() if consent.withdrawn_at else None,
            }
            for consent in supporter.consents.select_related("organization", "campaign")
        ],
        "rsvps": events.export_rsvps(supporter.email) if supporter.email else [],
        "gifts": [
            {
                "fundraiser": gift.fundraiser.title,
                "amount": major_text(gift.amount, gift.currency),
                "refunded": major_text(gift.refunded_amount, gift.currency),
                "currency": gift.currency,
                "monthly": gift.monthly,
                "received": gift.received_on.isoformat(),
                "name_given": gift.donor_name,
            }
            for gift in gifts_of(supporter.email or "").select_related("fundraiser")
        ],
    }


def erase_supporter(supporter: Supporter) -> None:
    """Remove a person's details for good. The row stays, anonymous, so counts still add up;
    consents are withdrawn and their record of who agreed no longer names anyone."""
    from tocsin.events import services as events  # events builds on supporters

    now = timezone.now()
    with transaction.atomic():
        if supporter.email:
            events.erase_rsvps(supporter.email)  # their event answers, under the same address
        supporter.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
        erase_donor(gifts_of(supporter.email or ""))  # amounts stay, so totals still hold
        supporter.email = None
        supporter.name = ""
        supporter.postcode = ""
        supporter.erased_at = now
        supporter.save(update_fields=["email", "name", "postcode", "erased_at"])
