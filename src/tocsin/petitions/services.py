"""Signing, confirming and counting a petition.

A signature is one INSERT, unique per petition and normalised email; its confirmation mail is
a task enqueued in the same transaction. Confirming is a POST from a page the mail links to,
so a mail scanner that opens links confirms nothing. No request touches a shared counter:
counts are folded from the rows every few seconds and read from the fold.
"""

import datetime
import logging
from contextlib import nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core import signing
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models.functions import TruncHour
from django.utils import timezone

from tocsin.core.memo import forget, remembered
from tocsin.core.writes import serialised_write
from tocsin.districts import services as districts

from . import intake, limits, moderation
from .insert import insert_signature
from .models import PetitionAction, PetitionCount, PetitionHour, Signature

if TYPE_CHECKING:
    from tocsin.organizations.models import Organization

logger = logging.getLogger(__name__)
CONFIRM_SALT = "tocsin.petitions.confirm"
COUNT_CACHE_SECONDS = 5
PETITION_CACHE_SECONDS = 10
RESEND_AFTER = timezone.timedelta(minutes=10)
STEPPED_GOALS = [100, 500, 1_000, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000]
# Providers that deliver a.b+c@ to ab@: the same person, so the same signature.
IGNORES_DOTS = {"gmail.com", "googlemail.com"}
IGNORES_PLUS_TAGS = IGNORES_DOTS | {
    "outlook.com", "hotmail.com", "live.com", "icloud.com", "me.com", "fastmail.com",
    "proton.me", "protonmail.com",
}  # fmt: skip


def normalize_email(email: str) -> str:
    local, _, domain = email.strip().lower().rpartition("@")
    if domain == "googlemail.com":
        domain = "gmail.com"
    if domain in IGNORES_PLUS_TAGS:
        local = local.split("+", 1)[0]
    if domain in IGNORES_DOTS:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def district_for(postcode: str, country: str) -> str:
    """The congressional district of a US ZIP, when it is in exactly one; else blank."""
    if country not in ("", "US"):
        return ""
    try:
        lookup = districts.lookup_zip(postcode)
    except districts.InvalidZip:
        return ""
    return lookup.districts[0].label if lookup.status == districts.ZipLookupStatus.FOUND else ""


@dataclass(frozen=True)
class PublicPetition:
    petition: PetitionAction  # with its campaign and the campaign's organization
    organizations: tuple["Organization", ...]  # the organizer first, then the partners


def public_petition(slug: str) -> PublicPetition | None:
    """A live or closed campaign's petition and the groups asking for consent, remembered
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
        return PublicPetition(petition, (campaign.organization, *campaign.partners.all()))

    return remembered(f"petitions:public:{slug}", compute, PETITION_CACHE_SECONDS) or None


def forget_public_petition(slug: str) -> None:
    forget(f"petitions:public:{slug}")


@dataclass(frozen=True)
class SignResult:
    signature: Signature | None
    created: bool


def sign(petition: PetitionAction, *, name, email, postcode, country, comment, consents,
         language, ip_address="", hold=False) -> SignResult:  # fmt: skip
    """Record a signature once. Signing again sends the confirmation again (at most every ten
    minutes) and changes nothing else; the answer to the signer is the same either way.
    `hold` keeps it for review (it failed a check) as if it were over a rate limit.
    With the signature journal it is stored just after the answer goes out (see intake), and
    the result says only that it was taken."""
    from .tasks import send_confirmation

    email = normalize_email(email)
    address = moderation.address_hashes(ip_address)
    if intake.enabled():
        # Stored right after the answer goes out, with the limits counted then (see intake).
        try:
            intake.record(
                petition, email=email, name=name, postcode=postcode, country=country,
                comment=comment, consents=consents, language=language, hold=hold, **address,
            )  # fmt: skip
            return SignResult(None, True)
        except OSError as error:  # a full disk, a directory it may not write to
            logger.error("could not journal a signature (%s); stored it directly", error)
    domain = email.rpartition("@")[2]
    with _signing_transaction():
        held = hold or limits.over_limit(
            petition, ip_hash=address["ip_hash"], domain=domain, country=country
        )
        signature = Signature(
            petition=petition,
            email=email,
            name=name,
            postcode=postcode,
            country=country,
            district=district_for(postcode, country),
            comment=comment,
            language=language,
            consents=consents,
            email_domain=domain,
            **address,
            held_at=timezone.now() if held else None,
            mailed_at=None if held else timezone.now(),
        )
        # In the same transaction: a signature never exists without its mail, or vice versa.
        # A held one gets its mail when an organizer releases it.
        if insert_signature(signature, task=None if held else send_confirmation) is not None:
            return SignResult(signature, True)
    with serialised_write():
        resend_if_due(petition.pk, email)
    return SignResult(None, False)


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


def _signing_transaction():
    """The limits' counters and the signature in one write transaction when the counters are
    rows or the database is SQLite; on PostgreSQL with Redis the INSERT is its own."""
    if limits.counting_in_database() or connection.vendor == "sqlite":
        return serialised_write()
    return nullcontext()


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
    """Count the signature; confirming twice changes nothing. True if this call confirmed it."""
    return bool(
        Signature.objects.filter(pk=signature.pk, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now()
        )
    )


def fold_counts(petition: PetitionAction) -> PetitionCount:
    counts = Signature.objects.filter(
        petition=petition, invalidated_at__isnull=True, held_at__isnull=True
    ).aggregate(
        confirmed=models.Count("pk", filter=models.Q(confirmed_at__isnull=False)),
        pending=models.Count("pk", filter=models.Q(confirmed_at__isnull=True)),
    )
    folded, _created = PetitionCount.objects.update_or_create(
        petition=petition, defaults={**counts, "folded_at": timezone.now()}
    )
    fold_hours(petition, since=timezone.now() - timezone.timedelta(hours=2))
    return folded


def fold_hours(petition: PetitionAction, since=None) -> None:
    """Confirmed signatures per UTC hour; recent hours at every fold, all of them nightly."""
    signatures = Signature.objects.counted().filter(petition=petition)
    if since is not None:
        since = since.replace(minute=0, second=0, microsecond=0)
        signatures = signatures.filter(confirmed_at__gte=since)
    per_hour = dict(
        signatures.annotate(hour=TruncHour("confirmed_at", tzinfo=datetime.UTC))
        .values_list("hour")
        .annotate(n=models.Count("pk"))
    )
    with transaction.atomic():
        stale = PetitionHour.objects.filter(petition=petition)
        if since is not None:
            stale = stale.filter(hour__gte=since)
        stale.exclude(hour__in=list(per_hour)).delete()
        for hour, count in per_hour.items():
            PetitionHour.objects.update_or_create(
                petition=petition, hour=hour, defaults={"confirmed": count}
            )


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
    """Moderation changed what counts: the next view folds again."""
    cache.delete(_count_key(petition_id))


def public_count(petition: PetitionAction) -> PublicCount:
    key = _count_key(petition.pk)
    confirmed = cache.get(key)
    if confirmed is None:
        confirmed = fold_counts(petition).confirmed
        cache.set(key, confirmed, COUNT_CACHE_SECONDS)
    return PublicCount(confirmed, next_goal(petition, confirmed))


def breakdown(petition: PetitionAction) -> dict:
    """Confirmed signatures by district and by country: no personal data."""
    counted = Signature.objects.counted().filter(petition=petition)
    by_district = dict(
        counted.exclude(district="").values_list("district").annotate(n=models.Count("pk"))
    )
    by_country = dict(
        counted.exclude(country="").values_list("country").annotate(n=models.Count("pk"))
    )
    by_state: dict[str, int] = {}
    for district, count in by_district.items():
        state = district.split("-", 1)[0]
        by_state[state] = by_state.get(state, 0) + count
    return {"by_state": by_state, "by_district": by_district, "by_country": by_country}


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
    """The counted signatures a target answers for: their district's or state's, or all of
    them for a target without a constituency (a minister, a desk)."""
    signatures = Signature.objects.counted().filter(petition=petition).order_by("created_at")
    if target.kind != "legislator" or not target.state:
        return signatures
    if target.chamber == "house":
        return signatures.filter(district=target.seat_label)
    return signatures.filter(
        models.Q(district=target.state) | models.Q(district__startswith=f"{target.state}-")
    )


def totals_by_district(signatures) -> list[tuple[str, int]]:
    rows = signatures.values_list("district").annotate(n=models.Count("pk")).order_by("district")
    return [(district or "—", count) for district, count in rows]


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


def reconcile(petition: PetitionAction) -> bool:
    """Fold, rebuild the whole hourly history, then prove the published count equals the rows
    and the history adds up to it."""
    folded = fold_counts(petition)
    fold_hours(petition)
    history = PetitionHour.objects.filter(petition=petition).aggregate(n=models.Sum("confirmed"))
    if (history["n"] or 0) != folded.confirmed:
        return False
    return folded.confirmed == Signature.objects.counted().filter(petition=petition).count()
