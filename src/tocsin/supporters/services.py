"""Becoming a supporter and stopping again: consent given, confirmed and withdrawn, with its
wording.

A consent given through a form is pending until the address's owner presses the button in
the mail sent to it (whoever typed an address may not own it); only then is it current, and
only current consents let anyone mail them. Withdrawal is by normalised address, so
unsubscribing as a.na+news@gmail.com withdraws what ana@gmail.com agreed to.
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from tocsin.core.emails import normalize_email
from tocsin.organizations.models import Organization

from .models import Consent, Supporter

UNSUBSCRIBE_SALT = "tocsin.supporters.unsubscribe"
CONFIRM_SALT = "tocsin.supporters.confirm"
# A confirmation link works this long; consents nobody confirmed in time are then forgotten.
CONFIRM_DAYS = 7
RESEND_AFTER = datetime.timedelta(minutes=10)


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


def become_supporter(
    *,
    campaign,
    name: str,
    email: str,
    postcode: str,
    consents: list[ConsentChoice],
    language: str,
    confirmed: bool = False,
    given_at: datetime.datetime | None = None,
) -> Supporter:
    """Record each consent once, pending, and mail the address a button to confirm them.
    `confirmed` is for an address its owner has just proven (the button of an RSVP's own
    mail): the consents are current at once. Asking again while a consent is pending sends
    the mail again, at most every RESEND_AFTER; a current consent is left as it is."""
    from .tasks import send_welcome_mail

    email = normalize_email(email)
    now = timezone.now()
    given_at = given_at or now
    with transaction.atomic():
        supporter, created = Supporter.objects.get_or_create(
            email=email, defaults={"name": name, "postcode": postcode, "language": language}
        )
        if not created and supporter.erased_at is None:
            # Someone who knows an address must not be able to rename its owner.
            for attribute, value in (
                ("name", name),
                ("postcode", postcode),
                ("language", language),
            ):
                if not getattr(supporter, attribute):
                    setattr(supporter, attribute, value)
            supporter.save(update_fields=["name", "postcode", "language"])
        to_mail = []
        for choice in consents:
            try:
                with transaction.atomic():
                    consent = Consent.objects.create(
                        supporter=supporter,
                        organization=choice.organization,
                        campaign=campaign,
                        wording=choice.wording,
                        language=language,
                        given_at=given_at,
                        confirmed_at=now if confirmed else None,
                    )
            except IntegrityError:
                consent = _asked_again(supporter, choice, campaign, language, confirmed, now)
            if consent is not None:
                to_mail.append(consent.pk)
        if to_mail:
            # Enqueued in the same transaction: the mail exists exactly when the consent does.
            send_welcome_mail.enqueue(supporter.pk, to_mail)
    return supporter


def _asked_again(supporter, choice, campaign, language, confirmed, now) -> Consent | None:
    """An open consent exists for this organization: the one to mail about again, if any."""
    pending = Consent.objects.pending().filter(
        supporter=supporter, organization=choice.organization
    )
    if confirmed:
        pending.update(confirmed_at=now)
        return None
    # The latest asking is what its owner will confirm: its wording, and when.
    if pending.filter(given_at__lt=now - RESEND_AFTER).update(
        wording=choice.wording, campaign=campaign, language=language, given_at=now
    ):
        return pending.get()
    return None


# ---------------------------------------------------------------------------- confirming


def confirm_token(supporter: Supporter, consent_ids) -> str:
    return signing.dumps({"s": supporter.pk, "c": sorted(consent_ids)}, salt=CONFIRM_SALT)


def confirm_path(supporter: Supporter, consent_ids) -> str:
    return reverse("supporters:confirm", kwargs={"token": confirm_token(supporter, consent_ids)})


@dataclass(frozen=True)
class ConfirmRequest:
    supporter_id: int
    consent_ids: tuple[int, ...]

    def consents(self):
        """The consents the link is for that are still open (not withdrawn nor forgotten)."""
        return (
            Consent.objects.open()
            .filter(pk__in=self.consent_ids, supporter_id=self.supporter_id)
            .select_related("organization")
        )


def read_confirm_token(token: str) -> ConfirmRequest | None:
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_DAYS * 86400)
        return ConfirmRequest(int(payload["s"]), tuple(int(c) for c in payload["c"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def confirm_consents(request: ConfirmRequest) -> int:
    """Make the link's pending consents current; pressing the button twice changes nothing,
    and a consent withdrawn meanwhile stays withdrawn."""
    return (
        Consent.objects.pending()
        .filter(pk__in=request.consent_ids, supporter_id=request.supporter_id)
        .update(confirmed_at=timezone.now())
    )


def forget_unconfirmed() -> int:
    """Delete consents nobody confirmed within CONFIRM_DAYS, and the people known only by
    them; how many consents went. For the worker's schedule."""
    cutoff = timezone.now() - datetime.timedelta(days=CONFIRM_DAYS)
    with transaction.atomic():
        deleted, _by_model = Consent.objects.pending().filter(given_at__lt=cutoff).delete()
        Supporter.objects.filter(erased_at__isnull=True, consents__isnull=True).delete()
    return deleted


# ---------------------------------------------------------------------------- unsubscribing

# The rows whose mails carry an unsubscribe link, by the letter a link names them with. A
# petition's or an event's mail follows a consent recorded with the signature or the answer:
# its link finds the address through that row, so the address never appears in a URL.
ADDRESS_HOLDERS = {"g": "petitions.Signature", "r": "events.Rsvp"}


def unsubscribe_token(supporter: Supporter, organizations) -> str:
    return _unsubscribe_token("s", supporter.pk, [o.pk for o in organizations])


def unsubscribe_path(supporter: Supporter, organizations) -> str:
    return reverse(
        "supporters:unsubscribe", kwargs={"token": unsubscribe_token(supporter, organizations)}
    )


@dataclass(frozen=True)
class UnsubscribeLink:
    url: str
    organization_names: str


def unsubscribe_link_for(row) -> UnsubscribeLink | None:
    """The one-click unsubscribe for a signature's or an answer's mail, covering the
    organizations its consents were given to; None when it carries no consent."""
    kind = next(k for k, label in ADDRESS_HOLDERS.items() if label == row._meta.label)
    organization_ids = consented_organizations(row.consents)
    if not organization_ids:
        return None
    path = reverse(
        "supporters:unsubscribe",
        kwargs={"token": _unsubscribe_token(kind, row.pk, organization_ids)},
    )
    names = Organization.objects.filter(pk__in=organization_ids).values_list("name", flat=True)
    return UnsubscribeLink(settings.TOCSIN_BASE_URL + path, ", ".join(names))


def _unsubscribe_token(kind: str, pk: int, organization_ids) -> str:
    payload = {"k": kind, "i": pk, "o": sorted(set(organization_ids))}
    return signing.dumps(payload, salt=UNSUBSCRIBE_SALT, compress=True)


def consented_organizations(record) -> list[int]:
    """The organizations a consent record (a signature's or an answer's) names."""
    return [
        item["organization"]
        for item in record or []
        if isinstance(item, dict) and isinstance(item.get("organization"), int)
    ]


@dataclass(frozen=True)
class GivenConsent:
    """A consent recorded with a signature or an answer, not (or not only) as a Consent."""

    organization_id: int
    wording: str
    given_at: datetime.datetime
    language: str


@dataclass(frozen=True)
class UnsubscribeRequest:
    # None when the row the link names has been erased: nothing is left to withdraw.
    address: str | None
    organization_ids: tuple[int, ...]
    given: tuple[GivenConsent, ...] = field(default=())


def read_unsubscribe_token(token: str) -> UnsubscribeRequest | None:
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        organization_ids = tuple(int(o) for o in payload["o"])
        # Links mailed before they named their kind name a supporter.
        kind, pk = payload.get("k", "s"), int(payload["i"] if "i" in payload else payload["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if kind == "s":
        email = Supporter.objects.filter(pk=pk).values_list("email", flat=True).first()
        return UnsubscribeRequest(email or None, organization_ids)
    if kind not in ADDRESS_HOLDERS:
        return None
    row = apps.get_model(ADDRESS_HOLDERS[kind])._default_manager.filter(pk=pk).first()
    if row is None or row.email.endswith("@invalid"):
        return UnsubscribeRequest(None, organization_ids)
    given = tuple(
        GivenConsent(
            organization_id=item["organization"],
            wording=str(item.get("wording", "")),
            given_at=parse_datetime(str(item.get("given", ""))) or row.created_at,
            language=row.language,
        )
        for item in row.consents or []
        if isinstance(item, dict) and item.get("organization") in organization_ids
    )
    return UnsubscribeRequest(row.email, organization_ids, given)


def withdraw_consents(request: UnsubscribeRequest) -> int:
    """Withdraw every open consent the link covers, by normalised address. A consent recorded
    only with a signature is withdrawn by recording it as a consent, withdrawn, so every list
    that checks withdrawal by address sees it. Running it twice changes nothing more."""
    if request.address is None:
        return 0
    address = normalize_email(request.address)
    now = timezone.now()
    with transaction.atomic():
        withdrawn = (
            Consent.objects.open()
            .filter(supporter__email=address, organization_id__in=request.organization_ids)
            .update(withdrawn_at=now)
        )
        for given in request.given:
            if Consent.objects.filter(
                supporter__email=address,
                organization_id=given.organization_id,
                withdrawn_at__gte=given.given_at,
            ).exists():
                continue
            supporter, _created = Supporter.objects.get_or_create(
                email=address, defaults={"language": given.language}
            )
            Consent.objects.create(
                supporter=supporter,
                organization_id=given.organization_id,
                wording=given.wording,
                language=given.language,
                given_at=given.given_at,
                withdrawn_at=now,
            )
            withdrawn += 1
    return withdrawn


# ---------------------------------------------------------------------------- personal data


def export_supporters(address: str, organizations: frozenset[int] | None = None) -> list[dict]:
    """The supporter with this normalised address and every consent they gave or withdrew.
    Scoped to `organizations`, only the consents given to them, and the person's details only
    if they confirmed one: an address typed into a group's join form shows that group
    nothing of what its owner told anyone else."""
    people = []
    for supporter in Supporter.objects.filter(email=address):
        consents = supporter.consents.select_related("organization", "campaign")
        if organizations is not None:
            consents = consents.filter(
                organization_id__in=organizations, confirmed_at__isnull=False
            )
            if not consents:
                continue
        people.append(
            {
                "name": supporter.name,
                "email": supporter.email,
                "postcode": supporter.postcode,
                "language": supporter.language,
                "joined": supporter.created_at.isoformat(),
                "consents": [_exported(consent) for consent in consents],
            }
        )
    return people


def _exported(consent: Consent) -> dict:
    return {
        "organization": consent.organization.name,
        "campaign": consent.campaign.title if consent.campaign else None,
        "wording": consent.wording,
        "language": consent.language,
        "given": consent.given_at.isoformat(),
        "confirmed": consent.confirmed_at.isoformat() if consent.confirmed_at else None,
        "withdrawn": consent.withdrawn_at.isoformat() if consent.withdrawn_at else None,
    }


def erase_supporters(address: str, organizations: frozenset[int] | None = None) -> int:
    """Everywhere: the person's details go (erase_supporter). Scoped to `organizations`: the
    consents given to them go, and the person's details only when no other group holds a
    consent of theirs."""
    erased = 0
    for supporter in Supporter.objects.filter(email=address, erased_at__isnull=True):
        if organizations is None:
            erase_supporter(supporter)
            erased += 1
            continue
        with transaction.atomic():
            deleted, _by_model = supporter.consents.filter(
                organization_id__in=organizations
            ).delete()
            if deleted and not supporter.consents.exists():
                erase_supporter(supporter)
        erased += bool(deleted)
    return erased


def erase_supporter(supporter: Supporter) -> None:
    """Remove a person's details for good. The row stays, anonymous, so counts still add up;
    consents are withdrawn and their record of who agreed no longer names anyone.
    Their signatures, answers and gifts go through tocsin.core.personal_data.erase_person."""
    now = timezone.now()
    with transaction.atomic():
        supporter.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
        supporter.email = None
        supporter.name = ""
        supporter.postcode = ""
        supporter.erased_at = now
        supporter.save(update_fields=["email", "name", "postcode", "erased_at"])
