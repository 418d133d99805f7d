"""Signing, confirming and counting a petition.

Signing is one transaction: the rate-limit check, one row (unique per petition and normalised
email) linked to the campaign's organization's person, a pending consent for each group the
signer ticked (each in that group's audience) and the confirmation-mail task. Confirming is
when the signature counts: the signer's address is confirmed for every person involved, their
consents become current (the confirmation mail was the welcome) and "signed" goes on the
person's timeline. Confirming is a POST from a page the mail links to, so
a mail scanner that opens links confirms nothing. No request touches a shared counter: the
public count is an indexed count of the rows, cached for the seconds the switches allow.
"""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, models, transaction
from django.db.models.functions import TruncHour
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from tocsin.core import switches
from tocsin.core.emails import normalize_email
from tocsin.core.signals import happened
from tocsin.districts import services as districts
from tocsin.districts import uk as uk_places
from tocsin.districts.states import STATES
from tocsin.organizations.models import Organization
from tocsin.supporters import services as people
from tocsin.supporters.models import Activity, Consent, Supporter
from tocsin.targets.models import Chamber, Target

from . import limits, moderation
from .models import PetitionAction, Signature

CONFIRM_SALT = "tocsin.petitions.confirm"
PETITION_CACHE_SECONDS = 10
HISTORY_CACHE_SECONDS = 60
RESEND_AFTER = timezone.timedelta(minutes=10)
STEPPED_GOALS = [100, 500, 1_000, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000]


# A UK Parliament constituency's ONS (GSS) code, as districts.uk gives it: "E14001172".
CONSTITUENCY_CODE = re.compile(r"[EWSN]\d{8}")


def is_constituency(place: str) -> bool:
    """Whether a stored place (Signature.district, a rollup's place) is a UK constituency's
    code rather than a US district ("WI-2") or state ("WI")."""
    return bool(CONSTITUENCY_CODE.fullmatch(place or ""))


def district_for(postcode: str, country: str) -> str:
    """Where a signer's postcode puts them: the congressional district of a US ZIP that lies
    in exactly one ("WI-2"), or the constituency of a Great Britain postcode ("E14001172").
    Blank for anything less certain (a ZIP split between districts, a Northern Ireland
    postcode, a postcode that does not exist, data not loaded): never a guess."""
    if country in ("", "US"):
        try:
            lookup = districts.lookup_zip(postcode)
        except districts.InvalidZip:
            pass
        else:
            found = lookup.status == districts.ZipLookupStatus.FOUND
            return lookup.districts[0].label if found else ""
    if country in ("", "GB") and uk_places.looks_like_uk_postcode(postcode):
        lookup = uk_places.lookup_postcode(postcode)
        if lookup.status == uk_places.PostcodeStatus.FOUND and lookup.constituency:
            return lookup.constituency.code
    return ""


@dataclass(frozen=True)
class PublicPetition:
    petition: PetitionAction  # with its campaign and the campaign's organization
    organizations: tuple[Organization, ...]  # the organizer, then the accepted partners


def public_petition(slug: str) -> PublicPetition | None:
    """A live or closed campaign's petition and the groups asking for consent, cached
    briefly: at a signature spike every request needs them, and they rarely change."""

    def compute():
        petition = (
            PetitionAction.objects.select_related("campaign", "campaign__organization")
            .filter(campaign__slug=slug)
            .exclude(campaign__status="draft")
            .first()
        )
        if petition is None:
            return False
        campaign = petition.campaign
        return PublicPetition(petition, (campaign.organization, *campaign.accepted_partners()))

    return cache.get_or_set(_petition_key(slug), compute, PETITION_CACHE_SECONDS) or None


def _petition_key(slug: str) -> str:
    return f"petitions:public:{slug}"


def forget_public_petition(slug: str) -> None:
    cache.delete(_petition_key(slug))


class SignOutcome(models.TextChoices):
    """What the signer may be told. A repeat gets the answer a new signature would, so the
    page never reveals whether an address had signed before."""

    MAILED = "mailed"  # a confirmation mail is on its way (or was sent before)
    HELD = "held"  # stored, but no mail until an organizer releases it (release_held)
    # The signer's address was proven as they signed (`address_proven`): counted at once.
    CONFIRMED = "confirmed"


@dataclass(frozen=True)
class SignResult:
    signature: Signature | None
    created: bool
    outcome: SignOutcome = SignOutcome.MAILED


def sign(
    petition: PetitionAction,
    *,
    name: str,
    email: str,
    postcode: str,
    country: str,
    comment: str,
    consents: list[dict],
    language: str,
    ip_address: str = "",
    hold: bool = False,
    source: str = "",
    address_proven: bool = False,
) -> SignResult:
    """Record a signature once, with the signer as a person of the campaign's organization
    and, for each consent ticked ({"organization": id, "wording": as shown}), a pending
    consent of that organization's person. Signing again sends the confirmation again (at
    most every ten minutes) and changes nothing else; the answer to the signer is the same
    either way. `hold` keeps it for review (it failed a check) as if it were over a rate
    limit.

    `address_proven`: the signer showed they read mail sent to this address (they came
    through the signed link of an alert mailed to it, supporters.prefill), so the signature
    is confirmed in this same transaction instead of mailing a button; signing again then
    confirms one still waiting. A held signature waits for an organizer all the same."""
    from .tasks import send_confirmation

    email = normalize_email(email)
    address = moderation.address_hashes(ip_address)
    domain = email.rpartition("@")[2]
    district = district_for(postcode, country)
    source = people.clean_source(source)
    now = timezone.now()
    campaign = petition.campaign
    signer = {"name": name, "postcode": postcode, "language": language, "source": source}
    signer["place"] = place_of(country, district)
    with transaction.atomic():
        held = hold or limits.over_limit(
            petition, ip_hash=address["ip_hash"], domain=domain, country=country
        )
        outcome = SignOutcome.HELD if held else SignOutcome.MAILED
        try:
            # A repeat rolls all of this back, the person's details included: it changes
            # nothing.
            with transaction.atomic():
                person = people.find_or_create_person(
                    campaign.organization, email, page=sign_page(campaign), **signer
                )
                signature = Signature.objects.create(
                    petition=petition,
                    email=email,
                    name=name,
                    postcode=postcode,
                    country=country,
                    district=district,
                    comment=comment,
                    language=language,
                    consents=consents,
                    source=source,
                    supporter=person,
                    email_domain=domain,
                    **address,
                    held_at=now if held else None,
                    mailed_at=None if held or address_proven else now,
                )
                give_consents(
                    person,
                    consents,
                    campaign=campaign,
                    email=email,
                    given_at=signature.created_at,
                    signer=signer,
                )
        except IntegrityError:  # signed before: one_signature_per_email
            signature = None
        if signature is not None:
            if address_proven and not held:
                confirm(signature)
                return SignResult(signature, True, SignOutcome.CONFIRMED)
            # In the same transaction: a signature never exists without its mail, or vice
            # versa. A held one gets its mail when an organizer releases it.
            if not held:
                send_confirmation.enqueue(signature.pk)
            return SignResult(signature, True, outcome)
        if address_proven and not held:
            earlier = Signature.objects.filter(
                petition=petition, email=email, held_at__isnull=True, invalidated_at__isnull=True
            ).first()
            if earlier is not None:
                confirm(earlier)
                return SignResult(earlier, False, SignOutcome.CONFIRMED)
        resend_if_due(petition.pk, email)
    return SignResult(None, False, outcome)


def place_of(country: str, district: str) -> people.Place:
    """Where a signer is, as far as the signature tells: a US district ("WI-02") gives its
    state and country, a constituency's code its country."""
    if is_constituency(district):
        return people.Place(country="GB", district=district)
    if district:
        return people.Place(
            country=country or "US", state=district.split("-")[0], district=district
        )
    return people.Place(country=country)


def sign_page(campaign) -> str:
    return reverse("petitions:sign", kwargs={"slug": campaign.slug})


def give_consents(
    person: Supporter, chosen: list, *, campaign, email: str, given_at, signer: dict
) -> None:
    """A pending consent for each organization the signer ticked (`chosen`, as stored on the
    signature), with the wording shown, on that organization's person: `person` for the
    campaign's own, found or created for a partner. The mail confirming the signature
    confirms them too."""
    wordings = {
        item["organization"]: str(item.get("wording", ""))
        for item in chosen or []
        if isinstance(item, dict) and isinstance(item.get("organization"), int)
    }
    organizations = Organization.objects.in_bulk(wordings.keys())
    for organization_id, wording in wordings.items():
        if organization_id not in organizations:
            continue
        someone = person
        if organization_id != person.organization_id:
            someone = people.find_or_create_person(
                organizations[organization_id], email, page=sign_page(campaign), **signer
            )
        people.give_consent(
            someone,
            wording=wording,
            language=signer["language"],
            page=sign_page(campaign),
            source=signer["source"],
            campaign=campaign,
            given_at=given_at,
        )


def resend_if_due(petition_id: int, email: str) -> bool:
    """Signing again: the confirmation mail once more, if the last went out long enough ago
    and the signature still waits for it."""
    from .tasks import send_confirmation

    resent = Signature.objects.filter(
        petition_id=petition_id,
        email=email,
        confirmed_at__isnull=True,
        held_at__isnull=True,
        mailed_at__lt=timezone.now() - RESEND_AFTER,
    ).update(mailed_at=timezone.now())
    if resent:
        signature = Signature.objects.get(petition_id=petition_id, email=email)
        send_confirmation.enqueue(signature.pk)
    return bool(resent)


def release_held(signatures) -> int:
    """An organizer found them genuine: count them once confirmed, and send their mail."""
    from .tasks import send_confirmation

    released = 0
    for signature in signatures.filter(held_at__isnull=False):
        with transaction.atomic():
            Signature.objects.filter(pk=signature.pk).update(held_at=None, mailed_at=timezone.now())
            if signature.confirmed_at is None:
                send_confirmation.enqueue(signature.pk)
        released += 1
    return released


def confirmation_token(signature: Signature) -> str:
    return signing.dumps({"s": signature.pk, "p": signature.petition_id}, salt=CONFIRM_SALT)


def signature_for_token(token: str) -> Signature | None:
    """The signature a confirmation link is for, if the link is genuine and not expired."""
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=None)
        signature = Signature.objects.select_related("petition").get(
            pk=int(payload["s"]), petition_id=int(payload["p"])
        )
        signing.loads(token, salt=CONFIRM_SALT, max_age=signature.petition.unconfirmed_days * 86400)
    except (signing.BadSignature, KeyError, TypeError, ValueError, Signature.DoesNotExist):
        return None
    return signature


def confirm(signature: Signature) -> bool:
    """Count the signature: from now it is on the signer's timeline, their address is
    confirmed and the consents they ticked are current (the confirmation mail was the
    welcome, so no other mail goes). Confirming twice changes nothing. True if this call
    confirmed it."""
    now = timezone.now()
    with transaction.atomic():
        confirmed = bool(
            Signature.objects.filter(pk=signature.pk, confirmed_at__isnull=True).update(
                confirmed_at=now
            )
        )
        if confirmed:
            signature = Signature.objects.select_related(
                "petition__campaign__organization", "supporter"
            ).get(pk=signature.pk)
            if not signature.email.endswith("@invalid"):  # not erased meanwhile
                confirm_signer(signature, now)
                happened.send(
                    None,
                    organization=signature.petition.campaign.organization_id,
                    event="signature.confirmed",
                    instance=signature,
                )
    return confirmed


def confirm_signer(signature: Signature, now: datetime.datetime) -> None:
    """The signer proved their address: each person of theirs the signature involves (the
    campaign's organization's, and a partner's they gave consent to) has it confirmed. A
    consent the worker forgot meanwhile (pending too long) is given again as it was shown,
    unless the signer withdrew it since signing."""
    campaign = signature.petition.campaign
    signer = {
        "name": signature.name,
        "postcode": signature.postcode,
        "language": signature.language,
        "source": signature.source,
        "place": place_of(signature.country, signature.district),
    }
    person = signature.supporter
    if person is None or person.erased_at is not None:
        person = people.find_or_create_person(
            campaign.organization, signature.email, page=sign_page(campaign), **signer
        )
        Signature.objects.filter(pk=signature.pk).update(supporter=person)
    people.record_activity(
        person,
        Activity.Kind.SIGNED,
        campaign=campaign,
        source=signature.source,
        summary=gettext("Signed “%(title)s”") % {"title": signature.petition.title},
        ref=("petitions.signature", signature.pk),
        when=now,
    )
    withdrawn_since = set(
        Consent.objects.filter(
            supporter__email=signature.email, withdrawn_at__gte=signature.created_at
        ).values_list("organization_id", flat=True)
    )
    still_wanted = [
        item
        for item in signature.consents or []
        if isinstance(item, dict) and item.get("organization") not in withdrawn_since
    ]
    give_consents(
        person,
        still_wanted,
        campaign=campaign,
        email=signature.email,
        given_at=signature.created_at,
        signer=signer,
    )
    involved = Supporter.objects.filter(
        email=signature.email,
        erased_at__isnull=True,
        organization_id__in={person.organization_id, *people.consented_organizations(still_wanted)},
    )
    for someone in involved:
        people.confirm_address(someone, welcome_sent=True)


def history(petition: PetitionAction) -> list[tuple[datetime.datetime, int]]:
    """Confirmed signatures per UTC hour, counted from the rows (cached briefly)."""

    def compute():
        return list(
            Signature.objects.counted()
            .filter(petition=petition)
            .annotate(hour=TruncHour("confirmed_at", tzinfo=datetime.UTC))
            .values_list("hour")
            .annotate(n=models.Count("pk"))
            .order_by("hour")
        )

    return cache.get_or_set(f"petitions:history:{petition.pk}", compute, HISTORY_CACHE_SECONDS)


@dataclass(frozen=True)
class PublicCount:
    confirmed: int
    goal: int

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.confirmed / self.goal)) if self.goal else 0


def next_goal(petition: PetitionAction, confirmed: int) -> int:
    if petition.goal and confirmed < petition.goal:
        return petition.goal
    floor = petition.goal or 0
    for step in STEPPED_GOALS:
        if step > confirmed and step > floor:
            return step
    return (confirmed // 1_000_000 + 1) * 1_000_000


def _count_key(petition_id: int) -> str:
    return f"petitions:count:{petition_id}"


def forget_count(petition_id: int) -> None:
    """Moderation changed what counts: the next view counts again."""
    cache.delete(_count_key(petition_id))


def confirmed_count(petition: PetitionAction) -> int:
    """The one count of a petition's signatures: confirmed, not invalidated, not held."""
    return Signature.objects.counted().filter(petition=petition).count()


def public_count(petition: PetitionAction) -> PublicCount:
    confirmed = cache.get_or_set(
        _count_key(petition.pk),
        lambda: confirmed_count(petition),
        switches.current().count_refresh_seconds,
    )
    return PublicCount(confirmed, next_goal(petition, confirmed))


# Public breakdowns leave out places with fewer signatures than this: a count of 1 for a
# small country or district can single a person out.
SMALLEST_PUBLISHED = 5


def breakdown(petition: PetitionAction) -> dict:
    """Confirmed signatures by place, for the open data: US signers by state and congressional
    district, British ones by constituency (with its name and MP, as the UK Parliament's
    petitions site gives them), everyone by country. No personal data, and no place with
    fewer than SMALLEST_PUBLISHED signatures (left out, not shown as "fewer than 5", so every
    value stays a number; see suppress_small).

    `by_district` and `signatures_by_district` say the same (the first, a mapping, is the
    older shape, kept for those who read it)."""
    counted = Signature.objects.counted().filter(petition=petition)
    by_place = dict(
        counted.exclude(district="").values_list("district").annotate(n=models.Count("pk"))
    )
    by_country = dict(
        counted.exclude(country="").values_list("country").annotate(n=models.Count("pk"))
    )
    by_constituency = {place: n for place, n in by_place.items() if is_constituency(place)}
    by_state: dict[str, int] = {}
    districts_by_state: dict[str, dict[str, int]] = {}
    for district, count in by_place.items():
        if district in by_constituency:
            continue
        state = district.split("-", 1)[0]
        by_state[state] = by_state.get(state, 0) + count
        districts_by_state.setdefault(state, {})[district] = count
    # A state's count less its published districts gives away what was left out of them, so
    # each state's districts are one group; the constituencies are one group under GB's count.
    published_districts: dict[str, int] = {}
    for group in districts_by_state.values():
        published_districts |= suppress_small(group)
    published_constituencies = suppress_small(by_constituency)
    return {
        "by_state": suppress_small(by_state),
        "by_district": published_districts,
        "by_country": suppress_small(by_country),
        "signatures_by_district": [
            {"district": district, "state": district.split("-", 1)[0], "count": count}
            for district, count in sorted(
                published_districts.items(), key=lambda item: (-item[1], item[0])
            )
        ],
        "signatures_by_constituency": [
            {"code": row.place, "name": row.name, "mp": row.mp, "count": row.count}
            for row in sorted(
                place_totals(published_constituencies), key=lambda row: (-row.count, row.name)
            )
        ],
        "omitted_below": SMALLEST_PUBLISHED,
    }


@dataclass(frozen=True)
class PlaceTotal:
    place: str  # as stored: "WI-2", "WI" or a constituency's code
    name: str  # "Wisconsin 2", "Cities of London and Westminster"
    mp: str  # a constituency's sitting MP, by name; blank elsewhere or while the seat is empty
    count: int

    @property
    def is_constituency(self) -> bool:
        return is_constituency(self.place)


def mps_by_constituency(codes) -> dict[str, Target]:
    """The sitting MP of each constituency (by code) that has one, in one query."""
    codes = [code for code in codes if is_constituency(code)]
    if not codes:
        return {}
    mps: dict[str, Target] = {}
    # The most recently synced first, as Target.objects.mp_for chooses.
    for mp in Target.objects.mps().filter(constituency__in=codes).order_by("-synced_at", "pk"):
        mps.setdefault(mp.constituency, mp)
    return mps


def place_name(place: str) -> str:
    """A stored place by name: a constituency's ("Manchester Central", its code while the UK
    places are not loaded), a state's ("Wisconsin") or a district's ("Wisconsin 2")."""
    if is_constituency(place):
        found = uk_places.constituency(place)
        return found.name if found else place
    state_code, _dash, number = place.partition("-")
    state = STATES.get(state_code)
    if state is None:
        return place
    return f"{state.name} {number}" if number else state.name


def place_totals(counts: dict[str, int]) -> list[PlaceTotal]:
    """Counts by stored place, each with its name and, for a constituency, its MP."""
    mps = mps_by_constituency(counts)
    return [
        PlaceTotal(place, place_name(place), mps[place].name if place in mps else "", count)
        for place, count in counts.items()
    ]


def suppress_small(counts: dict[str, int]) -> dict[str, int]:
    """`counts` without the places under SMALLEST_PUBLISHED. One place left out alone could be
    worked out from a total (the petition's, or its state's), and so could a few whose sum is
    small, so the smallest remaining places go too until at least two are left out and they
    add up to SMALLEST_PUBLISHED or more (or none is left)."""
    published = dict(counts)
    left_out = [n for n in published.values() if n < SMALLEST_PUBLISHED]
    published = {place: n for place, n in published.items() if n >= SMALLEST_PUBLISHED}
    while left_out and published and (len(left_out) < 2 or sum(left_out) < SMALLEST_PUBLISHED):
        smallest = min(published, key=lambda place: (published[place], place))
        left_out.append(published.pop(smallest))
    return published


def expire_unconfirmed() -> int:
    """Delete signatures nobody confirmed in time."""
    deleted = 0
    for petition in PetitionAction.objects.all():
        cutoff = timezone.now() - timezone.timedelta(days=petition.unconfirmed_days)
        deleted += Signature.objects.filter(
            petition=petition, confirmed_at__isnull=True, created_at__lt=cutoff
        ).delete()[0]
    return deleted


# ---------------------------------------------------------------------------- delivery


def constituents(petition: PetitionAction, target) -> models.QuerySet:
    """The counted signatures a target answers for: an MP's constituency's, a member of
    Congress's district's or state's, or all of them for a target without a constituency (a
    minister, a desk)."""
    signatures = Signature.objects.counted().filter(petition=petition).order_by("created_at")
    if target.kind != Target.Kind.LEGISLATOR:
        return signatures
    if target.chamber == Chamber.COMMONS:
        # An MP whose seat is not known answers for nobody's signatures, not everybody's.
        return signatures.filter(district=target.constituency or "-")
    if not target.state:
        return signatures
    if target.chamber == Chamber.HOUSE:
        return signatures.filter(district=target.seat_label)
    return signatures.filter(
        models.Q(district=target.state) | models.Q(district__startswith=f"{target.state}-")
    )


def totals_by_place(signatures) -> list[PlaceTotal]:
    """How many of `signatures` come from each place, named, busiest first; a blank place
    (not known) is "—" and comes last."""
    rows = dict(signatures.values_list("district").annotate(n=models.Count("pk")).order_by())
    unknown = rows.pop("", 0)
    totals = sorted(place_totals(rows), key=lambda row: (-row.count, row.name))
    if unknown:
        totals.append(PlaceTotal("", "—", "", unknown))
    return totals


# ---------------------------------------------------------------------------- privacy


def erase_signer(signature_id: int) -> None:
    """Their details go; the row stays, so the count stays what it was."""
    Signature.objects.filter(pk=signature_id).update(
        name="",
        email=f"erased-{signature_id}@invalid",
        postcode="",
        comment="",
        consents=[],
        ip_hash="",
        ip_network_hash="",
        ip_block_hash="",
        email_domain="",
    )


def anonymise_closed_petitions(after_days: int) -> int:
    """Signatures of campaigns closed more than `after_days` ago keep only what the counts and
    breakdowns need."""
    cutoff = timezone.now() - timezone.timedelta(days=after_days)
    closed = Signature.objects.filter(
        petition__campaign__status="closed", petition__campaign__updated_at__lt=cutoff
    ).exclude(email__endswith="@invalid")
    count = 0
    for signature_id in closed.values_list("pk", flat=True).iterator():
        erase_signer(signature_id)
        count += 1
    return count


def nightly_maintenance() -> dict[str, int]:
    """What the worker runs nightly: delete signatures nobody confirmed in time, and keep only
    what the counts need of those of petitions closed long ago."""
    return {
        "expired": expire_unconfirmed(),
        "anonymised": anonymise_closed_petitions(settings.TOCSIN_ANONYMISE_AFTER_DAYS),
    }
