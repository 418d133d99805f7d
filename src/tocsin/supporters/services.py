"""Becoming a supporter and stopping again: consent given, confirmed and withdrawn, with its
wording.

A consent given through a form is pending until the address's owner presses the button in
the mail sent to it (whoever typed an address may not own it); only then is it current, and
only current consents let anyone mail them. Withdrawal is by normalised address, so
unsubscribing as a.na+news@gmail.com withdraws what ana@gmail.com agreed to.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from tocsin.core.emails import normalize_email
from tocsin.core.signals import happened
from tocsin.organizations.models import Organization

from .models import Activity, Consent, Supporter, Suppression, Tagging

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


SOURCE_MAX_LENGTH = 64
_NOT_IN_A_SOURCE = re.compile(r"[^a-z0-9_.-]+")


def clean_source(value) -> str:
    """A `?source=` code as an action stores it: lowercased, only letters, digits, "_", "."
    and "-" kept, at most 64 characters. It comes from a link anyone can edit, so nothing
    else of it is trusted; anything else (a list, None) gives blank."""
    if not isinstance(value, str):
        return ""
    return _NOT_IN_A_SOURCE.sub("", value.strip().lower())[:SOURCE_MAX_LENGTH]


@dataclass(frozen=True)
class Place:
    """Where a person is, as precisely as the action found out: a country (two letters), a
    state and a House district or constituency code."""

    country: str = ""
    state: str = ""
    district: str = ""


def find_or_create_person(
    organization: Organization,
    email: str,
    *,
    name: str = "",
    postcode: str = "",
    country: str = "",
    language: str = "",
    place: Place | None = None,
    source: str = "",
    page: str = "",
) -> Supporter:
    """The organization's person with this address (normalised), created the first time.
    Blanks are filled in, nothing already known is overwritten (someone who knows an address
    must not be able to rename its owner), and the source and page of first contact are set
    only when the person is created. Call it inside the action's own transaction."""
    address = normalize_email(email)
    place = place or Place(country=country)
    details = {
        "name": name[:200],
        "postcode": postcode[:12],
        "country": (place.country or country)[:2].upper(),
        "state": place.state[:20],
        "district": place.district[:40],
        "language": language[:10],
    }
    lookup = {"organization": organization, "email": address}
    person = Supporter.objects.filter(**lookup).first()
    if person is None:
        try:
            with transaction.atomic():
                return Supporter.objects.create(
                    **lookup, **details, source=source[:64], first_page=page[:300]
                )
        except IntegrityError:  # created meanwhile by another request
            person = Supporter.objects.get(**lookup)
    if person.erased_at is None:
        filled = [k for k, v in details.items() if v and not getattr(person, k)]
        for attribute in filled:
            setattr(person, attribute, details[attribute])
        if filled:
            person.save(update_fields=filled)
    return person


def record_activity(
    person: Supporter,
    kind: str,
    *,
    campaign=None,
    source: str = "",
    summary: str = "",
    ref: tuple[str, int] | None = None,
    when: datetime.datetime | None = None,
) -> Activity:
    """One action on the person's timeline. `campaign` is a Campaign or its id; `ref` is the
    row the action wrote, ("petitions.signature", pk): recording the same row again changes
    nothing."""
    when = when or timezone.now()
    campaign_id = getattr(campaign, "pk", campaign)
    campaign_title = getattr(campaign, "title", "")
    if campaign_id and not campaign_title:
        campaign_title = (
            Activity._meta.get_field("campaign")
            .related_model.objects.filter(pk=campaign_id)
            .values_list("title", flat=True)
            .first()
            or ""
        )
    values = {
        "organization_id": person.organization_id,
        "kind": kind,
        "campaign_id": campaign_id,
        "campaign_title": campaign_title[:200],
        "source": source[:64],
        "occurred_at": when,
        "summary": summary[:300],
    }
    if ref is not None:
        activity, created = Activity.objects.get_or_create(
            supporter=person, ref_model=ref[0].lower(), ref_id=ref[1], defaults=values
        )
        if not created:
            return activity
    else:
        activity = Activity.objects.create(supporter=person, **values)
    later = Supporter.objects.filter(pk=person.pk).filter(
        models.Q(last_action_at__isnull=True) | models.Q(last_action_at__lt=when)
    )
    if not later.update(last_action_at=when, is_known=True) and not person.is_known:
        # An action dated before the last one still makes its person known.
        Supporter.objects.filter(pk=person.pk, is_known=False).update(is_known=True)
    person.is_known = True
    return activity


def give_consent(
    person: Supporter,
    *,
    wording: str,
    language: str,
    page: str = "",
    source: str = "",
    campaign=None,
    given_at: datetime.datetime | None = None,
) -> Consent:
    """The person agrees to hear from their organization, with the wording they were shown.
    Pending until the address is confirmed (confirm_address); if a pending or current consent
    is open already, that one is returned as it is."""
    campaign_id = getattr(campaign, "pk", campaign)
    existing = Consent.objects.open().filter(supporter=person).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Consent.objects.create(
                supporter=person,
                organization_id=person.organization_id,
                campaign_id=campaign_id,
                wording=wording,
                language=language[:10],
                page=page[:300],
                source=source[:64],
                given_at=given_at or timezone.now(),
            )
    except IntegrityError:  # given meanwhile by another request
        return Consent.objects.open().get(supporter=person)


def confirm_address(person: Supporter, *, welcome_sent: bool = False) -> list[Consent]:
    """The address's owner has proven it (pressed a button in a mail sent to it): the person's
    address is confirmed and their pending consents become current. Each consent confirmed
    for the first time makes them a supporter: a "joined" action on their timeline, and the
    welcome mail with its one-click unsubscribe, enqueued in the caller's transaction, unless
    `welcome_sent` (the mail they confirmed from was the welcome). The consents it confirmed."""
    from .tasks import send_welcome_mail

    now = timezone.now()
    with transaction.atomic():
        Supporter.objects.filter(pk=person.pk, email_confirmed_at__isnull=True).update(
            email_confirmed_at=now, is_known=True
        )
        person.email_confirmed_at = person.email_confirmed_at or now
        person.is_known = True
        pending = list(Consent.objects.pending().filter(supporter=person))
        Consent.objects.filter(pk__in=[c.pk for c in pending]).update(confirmed_at=now)
        for consent in pending:
            consent.confirmed_at = now
            record_activity(
                person,
                Activity.Kind.JOINED,
                campaign=consent.campaign_id,
                source=consent.source,
                summary=gettext("Became a supporter"),
                ref=("supporters.consent", consent.pk),
                when=now,
            )
        if pending and not welcome_sent:
            send_welcome_mail.enqueue(person.pk, [c.pk for c in pending])
        if pending:
            happened.send(
                None, organization=person.organization_id, event="person.joined", instance=person
            )
    return pending


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
    source: str = "",
    page: str = "",
) -> Supporter | None:
    """Join: for each organization chosen, its person and a pending consent, and one mail to
    the address with a button to confirm them all (which doubles as the welcome).
    `confirmed` is for an address its owner has just proven (the button of an RSVP's own
    mail): the consents are current at once and the welcome goes out. Asking again while a
    consent is pending sends the mail again, at most every RESEND_AFTER; a current consent is
    left as it is. The first organization's person."""
    from .tasks import send_welcome_mail

    now = timezone.now()
    first = None
    with transaction.atomic():
        to_mail, mailed_by = [], None
        for choice in consents:
            person = find_or_create_person(
                choice.organization,
                email,
                name=name,
                postcode=postcode,
                language=language,
                source=source,
                page=page,
            )
            first = first or person
            consent = Consent.objects.open().filter(supporter=person).first()
            if consent is None:
                consent = give_consent(
                    person,
                    wording=choice.wording,
                    language=language,
                    page=page,
                    source=source,
                    campaign=campaign,
                    given_at=given_at or now,
                )
            elif not _asked_again(consent, choice, campaign, language, confirmed, now):
                continue
            if confirmed:
                # The thank-you below is their welcome.
                confirm_address(person, welcome_sent=True)
            to_mail.append(consent.pk)
            mailed_by = mailed_by or person
        if to_mail:
            # One mail for every organization chosen; enqueued in the same transaction, so
            # the mail exists exactly when the consents do.
            send_welcome_mail.enqueue(mailed_by.pk, to_mail)
    return first


def _asked_again(consent, choice, campaign, language, confirmed, now) -> bool:
    """An open consent exists for this organization: whether to confirm or mail it again."""
    if consent.confirmed_at is not None:
        return False
    if confirmed:
        return True
    # The latest asking is what its owner will confirm: its wording, and when.
    return bool(
        Consent.objects.filter(pk=consent.pk, given_at__lt=now - RESEND_AFTER).update(
            wording=choice.wording,
            campaign=getattr(campaign, "pk", campaign),
            language=language,
            given_at=now,
        )
    )


# ---------------------------------------------------------------------------- confirming


def confirm_token(supporter: Supporter, consent_ids) -> str:
    return signing.dumps({"s": supporter.pk, "c": sorted(consent_ids)}, salt=CONFIRM_SALT)


def confirm_path(supporter: Supporter, consent_ids) -> str:
    return reverse("supporters:confirm", kwargs={"token": confirm_token(supporter, consent_ids)})


def same_address_consents(supporter_id: int):
    """Consents given under the address of this person, to any organization: one mail
    confirms (or withdraws) what the address agreed to across the groups it chose together."""
    address = Supporter.objects.filter(pk=supporter_id).values("email")[:1]
    return Consent.objects.filter(supporter__email=address, supporter__email__isnull=False)


@dataclass(frozen=True)
class ConfirmRequest:
    supporter_id: int
    consent_ids: tuple[int, ...]

    def consents(self):
        """The consents the link is for that are still open (not withdrawn nor forgotten)."""
        return (
            same_address_consents(self.supporter_id)
            .open()
            .filter(pk__in=self.consent_ids)
            .select_related("organization")
        )


def read_confirm_token(token: str) -> ConfirmRequest | None:
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_DAYS * 86400)
        return ConfirmRequest(int(payload["s"]), tuple(int(c) for c in payload["c"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def confirm_consents(request: ConfirmRequest) -> int:
    """Make the link's pending consents current and their people's address confirmed; the
    mail they pressed the button in was the welcome. Pressing it twice changes nothing, and a
    consent withdrawn meanwhile stays withdrawn."""
    confirmed = 0
    with transaction.atomic():
        people = Supporter.objects.filter(
            pk__in=request.consents().filter(confirmed_at__isnull=True).values("supporter_id")
        )
        for person in people:
            confirmed += len(confirm_address(person, welcome_sent=True))
    return confirmed


def forget_unconfirmed() -> int:
    """Delete consents nobody confirmed within CONFIRM_DAYS, and the people known only by
    them; how many consents went. For the worker's schedule."""
    cutoff = timezone.now() - datetime.timedelta(days=CONFIRM_DAYS)
    with transaction.atomic():
        deleted, _by_model = Consent.objects.pending().filter(given_at__lt=cutoff).delete()
        # People known only by such a consent: no action, no confirmed address, no tag.
        Supporter.objects.filter(
            erased_at__isnull=True,
            consents__isnull=True,
            last_action_at__isnull=True,
            email_confirmed_at__isnull=True,
            taggings__isnull=True,
        ).delete()
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
                organization_id=given.organization_id,
                email=address,
                defaults={"language": given.language},
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
        for person in Supporter.objects.filter(
            email=address, consents__withdrawn_at=now
        ).distinct():
            happened.send(
                None,
                organization=person.organization_id,
                event="person.unsubscribed",
                instance=person,
            )
    return withdrawn


# ---------------------------------------------------------------------------- tags and lists


def add_tag(people, tag, *, how: str = Tagging.How.HAND, user=None, batch: int = 5_000) -> int:
    """Put `tag` on every person of `people` (a QuerySet, read in batches, or a list), only
    those of the tag's organization; already tagged people are left as they are. How many
    were tagged now."""
    if hasattr(people, "values_list"):
        ids = people.filter(organization_id=tag.organization_id).values_list("pk", flat=True)
        ids = ids.order_by("pk").iterator(chunk_size=batch)
    else:
        ids = (p.pk for p in people if p.organization_id == tag.organization_id)
    before = tag.taggings.count()
    chunk = []
    for pk in ids:
        chunk.append(Tagging(supporter_id=pk, tag=tag, how=how, added_by=user))
        if len(chunk) >= batch:
            Tagging.objects.bulk_create(chunk, ignore_conflicts=True)
            chunk = []
    Tagging.objects.bulk_create(chunk, ignore_conflicts=True)
    return tag.taggings.count() - before


# ---------------------------------------------------------------------------- anonymising


def anonymise_inactive(now=None) -> int:
    """Anonymise people with no current consent who have not acted (nor joined) for
    TOCSIN_ANONYMISE_AFTER_MONTHS: their details go, their actions stay, without them, so
    counts stay right. How many. For the worker's schedule."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=round(settings.TOCSIN_ANONYMISE_AFTER_MONTHS * 30.44))
    stale = (
        Supporter.objects.filter(erased_at__isnull=True)
        .exclude(pk__in=Consent.objects.current().values("supporter_id"))
        .filter(
            models.Q(last_action_at__lt=cutoff)
            | models.Q(last_action_at__isnull=True, created_at__lt=cutoff)
        )
    )
    return anonymise(stale, now=now)


def anonymise(people, *, now=None) -> int:
    """Remove the details of every person in `people` (a QuerySet) in one go: address, name,
    postcode, the page they came from and their tags; their open consents are withdrawn.
    The rows, their actions and their place (state and district, for counts by place) stay."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(people.values_list("pk", flat=True))
        for start in range(0, len(ids), 5_000):
            chunk = ids[start : start + 5_000]
            suppress_unsubscribed(chunk)
            Consent.objects.open().filter(supporter_id__in=chunk).update(withdrawn_at=now)
            Tagging.objects.filter(supporter_id__in=chunk).delete()
            Supporter.objects.filter(pk__in=chunk).update(
                email=None, name="", postcode="", first_page="", erased_at=now
            )
    return len(ids)


def address_digest(address: str) -> str:
    """A keyed hash of a normalised address (HMAC-SHA256 with SECRET_KEY): the same address
    always gives the same digest on this installation, and nobody without the key can tell
    which address a digest stands for, or test a guess."""
    return salted_hmac(
        "tocsin.supporters.suppression", normalize_email(address), algorithm="sha256"
    ).hexdigest()


def suppress_unsubscribed(person_ids) -> int:
    """Before these people's addresses go: keep a digest of those who had withdrawn a consent
    to their organization, so an import never subscribes them again. How many."""
    people = (
        Supporter.objects.filter(pk__in=person_ids, email__isnull=False)
        .filter(
            models.Exists(
                Consent.objects.filter(supporter=models.OuterRef("pk"), withdrawn_at__isnull=False)
            )
        )
        .values_list("organization_id", "email")
    )
    rows = [
        Suppression(organization_id=organization_id, address_digest=address_digest(email))
        for organization_id, email in people
    ]
    Suppression.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def suppressed(organization, addresses) -> set[str]:
    """Those of these normalised addresses that withdrew from the organization and were
    erased or anonymised since."""
    digests = {address_digest(a): a for a in addresses}
    found = Suppression.objects.filter(
        organization=organization, address_digest__in=list(digests)
    ).values_list("address_digest", flat=True)
    return {digests[d] for d in found}


# ---------------------------------------------------------------------------- personal data


def export_supporters(address: str, organizations: frozenset[int] | None = None) -> list[dict]:
    """The person of each organization with this normalised address: their details, every
    consent they gave or withdrew, their tags and lists and their actions. Scoped to
    `organizations`, only their people the organizations know of for sure (who acted or
    confirmed their address): an address typed into a group's join form shows that group
    nothing."""
    people = Supporter.objects.filter(email=address).select_related("organization")
    if organizations is not None:
        people = people.filter(organization_id__in=organizations).known()
    return [export_one(person) for person in people]


def export_one(person: Supporter) -> dict:
    consents = person.consents.select_related("organization", "campaign")
    taggings = person.taggings.select_related("tag").order_by("tag__kind", "tag__name")
    return {
        "organization": person.organization.name,
        "name": person.name,
        "email": person.email,
        "postcode": person.postcode,
        "country": person.country,
        "state": person.state,
        "district": person.district,
        "language": person.language,
        "source": person.source,
        "first_page": person.first_page,
        "joined": person.created_at.isoformat(),
        "address_confirmed": _iso(person.email_confirmed_at),
        "consents": [_exported(consent) for consent in consents],
        "tags": [t.tag.name for t in taggings if t.tag.kind == "tag"],
        "lists": [t.tag.name for t in taggings if t.tag.kind == "list"],
        "actions": [
            {
                "action": a.kind,
                "campaign": a.campaign_title or None,
                "summary": a.summary,
                "source": a.source,
                "when": a.occurred_at.isoformat(),
                "record": f"{a.ref_model}:{a.ref_id}" if a.ref_id else None,
            }
            for a in person.activities.order_by("occurred_at", "pk")
        ],
    }


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _exported(consent: Consent) -> dict:
    return {
        "organization": consent.organization.name,
        "campaign": consent.campaign.title if consent.campaign else None,
        "wording": consent.wording,
        "language": consent.language,
        "page": consent.page,
        "source": consent.source,
        "how": consent.method,
        "given": consent.given_at.isoformat(),
        "confirmed": _iso(consent.confirmed_at),
        "withdrawn": _iso(consent.withdrawn_at),
    }


def erase_supporters(address: str, organizations: frozenset[int] | None = None) -> int:
    """Erase the person of each organization in scope (all for None) with this address:
    their details go, the rows their counts are made of stay."""
    people = Supporter.objects.filter(email=address, erased_at__isnull=True)
    if organizations is not None:
        people = people.filter(organization_id__in=organizations)
    erased = 0
    for supporter in people:
        erase_supporter(supporter)
        erased += 1
    return erased


def erase_supporter(supporter: Supporter) -> None:
    """Remove a person's details for good. The row stays, anonymous, with their actions, so
    counts still add up; consents are withdrawn and their record of who agreed no longer
    names anyone. Their signatures, answers and gifts go through
    tocsin.core.personal_data.erase_person."""
    now = timezone.now()
    anonymise(Supporter.objects.filter(pk=supporter.pk), now=now)
    supporter.refresh_from_db()
