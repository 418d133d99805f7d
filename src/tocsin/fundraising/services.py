"""Recording gifts and refunds, the public thermometer, and Stripe Checkout.

Online gifts exist only once Stripe's signed webhook says a payment completed; the page that
sends a donor to Checkout records nothing. Each provider event and each payment is recorded
once (unique columns), so a replayed webhook changes nothing. No request touches a shared
counter: the thermometer reads an aggregate cached for a few seconds and forgotten whenever a
gift or refund is committed.
"""

import datetime
import logging
from dataclasses import dataclass

import stripe
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from tocsin.campaigns.caching import forget_pages
from tocsin.core import switches
from tocsin.core.emails import fits, normalize_email
from tocsin.core.signals import happened
from tocsin.organizations.models import Organization
from tocsin.supporters import services as people
from tocsin.supporters.models import Activity, Supporter

from .models import Fundraiser, Gift, GiftIntent, WebhookEvent
from .money import CURRENCIES, MAX_MINOR, format_money, major_text

logger = logging.getLogger(__name__)

STRIPE_TIMEOUT_SECONDS = 20
# What a donor ticked before going to Checkout is kept this long for the payment's webhook
# (a bank debit can take days to succeed), then forgotten.
INTENT_KEPT_FOR = datetime.timedelta(days=14)


class GiftRefused(ValueError):
    """The gift cannot be recorded as it stands; the message says why (no personal data)."""


# ---------------------------------------------------------------------------- thermometer


@dataclass(frozen=True)
class Thermometer:
    currency: str
    goal: int
    raised: int
    donors: int
    days_left: int
    deadline: datetime.date | None = None

    @property
    def still_needed(self) -> int:
        return max(self.goal - self.raised, 0)

    @property
    def percent(self) -> int:
        """Whole percent reached, rounded down so 100% means the goal really was reached."""
        return min(100, 100 * self.raised // self.goal) if self.goal else 0

    @property
    def bar_value(self) -> int:
        return min(self.raised, self.goal)


def _total_key(fundraiser_id: int) -> str:
    return f"fundraising:total:{fundraiser_id}"


def count_total(fundraiser: Fundraiser) -> dict:
    """Net raised in the fundraiser's own currency, and how many people gave (a monthly donor
    once, a fully refunded gift not at all)."""
    gifts = Gift.objects.filter(fundraiser=fundraiser, currency=fundraiser.currency)
    totals = gifts.aggregate(
        raised=models.Sum(models.F("amount") - models.F("refunded_amount")),
        donors=models.Count(
            "pk",
            filter=models.Q(renewal=False, refunded_amount__lt=models.F("amount")),
        ),
    )
    return {"raised": totals["raised"] or 0, "donors": totals["donors"]}


def forget_after_commit(fundraiser: Fundraiser) -> None:
    """Forget now, and again once committed: a view that counted in between must not keep the
    old figure for its few seconds."""
    forget_total(fundraiser)
    transaction.on_commit(lambda: forget_total(fundraiser))


def forget_total(fundraiser: Fundraiser) -> None:
    """A gift or refund was committed: the next view counts again, and campaign pages showing
    this fundraiser are rendered afresh."""

    cache.delete(_total_key(fundraiser.pk))
    if fundraiser.campaign_id:
        forget_pages(
            fundraiser.__class__.objects.filter(pk=fundraiser.pk).values_list(
                "campaign__slug", flat=True
            )
        )


def thermometer(fundraiser: Fundraiser) -> Thermometer:
    totals = cache.get_or_set(
        _total_key(fundraiser.pk),
        lambda: count_total(fundraiser),
        switches.current().count_refresh_seconds,
    )
    return Thermometer(
        currency=fundraiser.currency,
        goal=fundraiser.goal,
        raised=totals["raised"],
        donors=totals["donors"],
        days_left=fundraiser.days_left(),
        deadline=fundraiser.deadline,
    )


# ---------------------------------------------------------------------------- recording


def _check_amount(fundraiser: Fundraiser, amount, currency_code) -> None:
    if currency_code not in CURRENCIES:
        raise GiftRefused(f"currency {currency_code!r} is not accepted")
    if currency_code != fundraiser.currency:
        raise GiftRefused(f"currency {currency_code} is not the fundraiser's {fundraiser.currency}")
    if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= MAX_MINOR:
        raise GiftRefused("amount is not a positive whole number of minor units in range")


def record_offline_gift(gift: Gift, *, recorded_by=None) -> Gift:
    """An organizer's cash, cheque or bank transfer: saved once, counted at once."""
    fundraiser = gift.fundraiser
    gift.currency = gift.currency or fundraiser.currency
    if gift.source not in Gift.OFFLINE_SOURCES:
        raise GiftRefused("only cash, cheques and bank transfers are entered by hand")
    _check_amount(fundraiser, gift.amount, gift.currency)
    gift.recorded_by = recorded_by
    is_new = gift.pk is None
    with transaction.atomic():
        # The donor gave, but never agreed to be mailed: a person and an action only.
        gift.supporter = (
            people.find_or_create_person(
                fundraiser.organization, gift.donor_email, name=gift.donor_name
            )
            if gift.donor_email
            else None
        )
        gift.save()
        # Saved again after an edit: the timeline says what the gift says now.
        _timeline_rows(gift).delete()
        if gift.supporter is not None:
            # An edit is not a second gift: other systems heard of it when it was entered.
            _record_gift(gift, when=_received_at(gift.received_on), announce=is_new)
        forget_after_commit(fundraiser)
    return gift


def _received_at(day: datetime.date) -> datetime.datetime:
    """When an offline gift goes on the timeline: now if it came today, else midday of the
    day it was received (in the site's time zone)."""
    now = timezone.now()
    if day >= timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def remove_offline_gift(gift: Gift) -> None:
    if gift.source not in Gift.OFFLINE_SOURCES:
        raise GiftRefused("online gifts are reduced by refunds, never deleted")
    fundraiser = gift.fundraiser
    with transaction.atomic():
        _timeline_rows(gift).delete()
        gift.delete()
        forget_after_commit(fundraiser)


def _timeline_rows(gift: Gift):
    return Activity.objects.filter(ref_model="fundraising.gift", ref_id=gift.pk)


def _record_gift(
    gift: Gift, when: datetime.datetime | None = None, *, announce: bool = True
) -> None:
    """The gift on its donor's timeline: "gave", with the amount as people read it; and, once
    per gift (`announce`), the news of it for other systems."""
    amount = format_money(gift.amount, gift.currency)
    if gift.source in Gift.OFFLINE_SOURCES:
        summary = gettext("Gave %(amount)s (%(how)s)") % {
            "amount": amount,
            "how": gift.get_source_display(),
        }
    elif gift.monthly:
        summary = gettext("Gave %(amount)s, monthly") % {"amount": amount}
    else:
        summary = gettext("Gave %(amount)s") % {"amount": amount}
    people.record_activity(
        gift.supporter,
        Activity.Kind.GAVE,
        campaign=gift.fundraiser.campaign_id,
        source=gift.source_code,
        summary=f"{summary} · {gift.fundraiser.title}",
        ref=("fundraising.gift", gift.pk),
        when=when,
    )
    if announce:
        happened.send(
            None,
            organization=gift.fundraiser.organization_id,
            event="donation.succeeded",
            instance=gift,
        )


def record_online_gift(
    fundraiser: Fundraiser,
    *,
    amount: int,
    currency_code: str,
    payment_id: str,
    invoice_id: str | None = None,
    subscription_id: str = "",
    monthly: bool = False,
    renewal: bool = False,
    donor_name: str = "",
    donor_email: str = "",
    intent: GiftIntent | None = None,
    person: Supporter | None = None,
    source_code: str = "",
) -> Gift | None:
    """A payment Stripe confirmed. None if this payment was recorded before.

    The donor's address finds or creates the fundraiser's organization's person (`person`
    for a later month of a monthly gift), and the gift goes on their timeline. The consents
    ticked on the gift form (`intent`) are pending until the address's owner confirms them
    with the button in the mail sent now: a paid checkout does not prove who owns an
    address."""
    _check_amount(fundraiser, amount, currency_code)
    if not payment_id:
        raise GiftRefused("the payment has no id")
    email = _storable_email(donor_email)
    if intent is not None:
        source_code = intent.source
    try:
        with transaction.atomic():
            gift = Gift.objects.create(
                fundraiser=fundraiser,
                source=Gift.Source.STRIPE,
                amount=amount,
                currency=currency_code,
                monthly=monthly,
                renewal=renewal,
                donor_name=donor_name[:200],
                donor_email=email,
                stripe_payment_id=payment_id,
                stripe_invoice_id=invoice_id or None,
                stripe_subscription_id=subscription_id or "",
                received_on=timezone.localdate(),
                source_code=people.clean_source(source_code),
            )
            if email and (person is None or person.erased_at is not None):
                person = people.find_or_create_person(
                    fundraiser.organization,
                    email,
                    name=donor_name,
                    language=intent.language if intent else "",
                    source=gift.source_code,
                    page=intent.page if intent else "",
                )
            if email and person is not None:
                gift.supporter = person
                Gift.objects.filter(pk=gift.pk).update(supporter=person)
                _record_gift(gift)
                if intent is not None:
                    _ask_for_consents(gift, intent)
            if intent is not None:
                GiftIntent.objects.filter(pk=intent.pk).delete()
            forget_after_commit(fundraiser)
    except IntegrityError:
        return None
    return gift


def _ask_for_consents(gift: Gift, intent: GiftIntent) -> None:
    """The consents ticked on the gift form, pending, and one mail with a button to confirm
    them all (which doubles as the welcome), as joining does."""
    records = [
        item
        for item in intent.consents or []
        if isinstance(item, dict) and isinstance(item.get("organization"), int)
    ]
    organizations = Organization.objects.in_bulk([item["organization"] for item in records])
    choices = [
        people.ConsentChoice(organizations[item["organization"]], str(item.get("wording", "")))
        for item in records
        if item["organization"] in organizations
    ]
    if choices:
        people.become_supporter(
            campaign=gift.fundraiser.campaign,
            name=gift.donor_name,
            email=gift.donor_email,
            postcode="",
            consents=choices,
            language=intent.language,
            given_at=intent.created_at,
            source=intent.source,
            page=intent.page,
        )


def record_intent(
    fundraiser: Fundraiser, *, consents, language: str, page: str, source: str
) -> GiftIntent:
    """Keep what the gift form said (consents as [ConsentChoice], wording as shown) for the
    webhook of the payment it leads to; intents older than INTENT_KEPT_FOR are forgotten."""
    GiftIntent.objects.filter(created_at__lt=timezone.now() - INTENT_KEPT_FOR).delete()
    return GiftIntent.objects.create(
        fundraiser=fundraiser,
        consents=[{"organization": c.organization.pk, "wording": c.wording} for c in consents],
        language=(language or "")[:10],
        page=page[:300],
        source=people.clean_source(source),
    )


def _storable_email(email: str) -> str:
    """The donor's address as every app stores it; one Stripe accepted that will not fit is
    left out rather than refusing a payment already taken."""
    email = email.strip()
    return normalize_email(email) if "@" in email and fits(email) else ""


def record_refund(*, payment_id: str, invoice_id: str, refunded_total: int, currency_code: str):
    """Stripe reports the total refunded so far on a charge: the gift takes that figure (never
    more than the gift), so the same report twice refunds nothing more."""
    lookup = models.Q()
    if payment_id:
        lookup |= models.Q(stripe_payment_id=payment_id)
    if invoice_id:
        lookup |= models.Q(stripe_invoice_id=invoice_id)
    if not lookup:
        raise GiftRefused("the refund names no payment")
    with transaction.atomic():
        gift = Gift.objects.select_for_update().filter(lookup).first()
        if gift is None:
            raise GiftRefused("no gift was recorded for that payment")
        if currency_code != gift.currency:
            raise GiftRefused("the refund is in another currency than the gift")
        if not isinstance(refunded_total, int) or refunded_total < 0:
            raise GiftRefused("the refunded amount is not a whole number of minor units")
        refunded = min(refunded_total, gift.amount)
        if refunded > gift.refunded_amount:
            gift.refunded_amount = refunded
            gift.save(update_fields=["refunded_amount"])
            happened.send(
                None,
                organization=gift.fundraiser.organization_id,
                event="donation.refunded",
                instance=gift,
            )
            fundraiser = gift.fundraiser
            forget_after_commit(fundraiser)
    return gift


# ---------------------------------------------------------------------------- Stripe


def stripe_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)


def stripe_client() -> stripe.StripeClient:
    addresses = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses=addresses,
        max_network_retries=1,
        http_client=stripe.RequestsClient(timeout=STRIPE_TIMEOUT_SECONDS),
    )


class CheckoutUnavailable(RuntimeError):
    """Stripe could not be reached or refused to open a checkout."""


def start_checkout(
    fundraiser: Fundraiser,
    *,
    amount: int,
    monthly: bool,
    success_url: str,
    cancel_url: str,
    language: str,
    intent: GiftIntent | None = None,
    customer_email: str = "",
) -> str:
    """Open a Stripe Checkout session for this gift and return the page to send the donor to.
    No gift is recorded: it exists once the webhook says it was paid. The `intent` (what the
    form said) goes by its id in the metadata, so the webhook finds it. `customer_email` fills
    Checkout's address for a donor who came from one of our mails (a prefill link); it is
    what the donor would type there themselves."""
    _check_amount(fundraiser, amount, fundraiser.currency)
    if not fundraiser.min_amount <= amount <= fundraiser.max_amount:
        raise GiftRefused("amount outside the fundraiser's bounds")
    if monthly and not fundraiser.allow_monthly:
        raise GiftRefused("monthly gifts are not offered")
    metadata = {"fundraiser": str(fundraiser.pk)}
    if intent is not None:
        metadata["intent"] = str(intent.pk)
    price_data = {
        "currency": fundraiser.currency.lower(),
        "unit_amount": amount,
        "product_data": {"name": fundraiser.title[:200]},
    }
    params = {
        "mode": "subscription" if monthly else "payment",
        "line_items": [{"price_data": price_data, "quantity": 1}],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "client_reference_id": str(fundraiser.pk),
        "metadata": metadata,
        "locale": "es" if language.startswith("es") else "en",
    }
    if customer_email:
        params["customer_email"] = customer_email
    if monthly:
        price_data["recurring"] = {"interval": "month"}
        params["subscription_data"] = {"metadata": metadata}
    else:
        params["submit_type"] = "donate"
        params["payment_intent_data"] = {"metadata": metadata}
    try:
        session = stripe_client().v1.checkout.sessions.create(params=params)
    except stripe.StripeError as error:
        # The message may echo parameters: log only the kind of error, never the donor's address.
        logger.warning("Stripe refused a checkout session: %s", type(error).__name__)
        raise CheckoutUnavailable from error
    if not session.url:
        raise CheckoutUnavailable("no checkout URL")
    return session.url


@dataclass(frozen=True)
class WebhookResult:
    status: int
    message: str


def handle_stripe_event(event: dict) -> WebhookResult:
    """Act on one verified event, once. A refusal rolls back, so Stripe may retry it."""
    event_id = str(event.get("id") or "")
    event_type = str(event.get("type") or "")
    handler = HANDLERS.get(event_type)
    if not event_id:
        return WebhookResult(400, "event without an id")
    if handler is None:
        return WebhookResult(422, f"event type {event_type[:100]!r} is not handled")
    obj = (event.get("data") or {}).get("object")
    if not isinstance(obj, dict):
        return WebhookResult(400, "event without an object")
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    WebhookEvent.objects.create(event_id=event_id[:255], type=event_type)
            except IntegrityError:
                return WebhookResult(200, "already handled")
            message = handler(obj)
    except GiftRefused as refusal:
        logger.warning("Stripe event %s refused: %s", event_type, refusal)
        return WebhookResult(400, f"refused: {refusal}")
    return WebhookResult(200, message)


def _fundraiser_from_metadata(metadata) -> Fundraiser:
    raw = (metadata or {}).get("fundraiser", "") if isinstance(metadata, dict) else ""
    if not str(raw).isdigit():
        raise GiftRefused("no fundraiser in the metadata")
    fundraiser = Fundraiser.objects.filter(pk=int(raw)).first()
    if fundraiser is None:
        raise GiftRefused("unknown fundraiser")
    return fundraiser


def _id(value) -> str:
    """Stripe sends either an id or an expanded object with one."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def _checkout_completed(session: dict) -> str:
    if session.get("payment_status") not in ("paid", "no_payment_required"):
        return "not paid yet"  # a delayed payment: async_payment_succeeded follows
    fundraiser = _fundraiser_from_metadata(session.get("metadata"))
    monthly = session.get("mode") == "subscription"
    invoice_id = _id(session.get("invoice"))
    payment_id = _id(session.get("payment_intent")) or invoice_id or _id(session)
    details = session.get("customer_details") or {}
    gift = record_online_gift(
        fundraiser,
        amount=session.get("amount_total"),
        currency_code=str(session.get("currency") or "").upper(),
        payment_id=payment_id,
        invoice_id=invoice_id or None,
        subscription_id=_id(session.get("subscription")),
        monthly=monthly,
        donor_name=str(details.get("name") or ""),
        donor_email=str(details.get("email") or ""),
        intent=_intent_from_metadata(session.get("metadata"), fundraiser),
    )
    return "recorded" if gift else "payment already recorded"


def _intent_from_metadata(metadata, fundraiser: Fundraiser) -> GiftIntent | None:
    """The gift form's intent the checkout names, if it is still kept; a gift is recorded
    without it rather than refused (the money was taken)."""
    raw = (metadata or {}).get("intent", "") if isinstance(metadata, dict) else ""
    if not str(raw).isdigit():
        return None
    return GiftIntent.objects.filter(pk=int(raw), fundraiser=fundraiser).first()


def _invoice_subscription(invoice: dict) -> tuple[str, dict]:
    """The subscription an invoice bills, and its metadata (new and older API shapes)."""
    details = ((invoice.get("parent") or {}).get("subscription_details")) or {}
    subscription = _id(details.get("subscription")) or _id(invoice.get("subscription"))
    metadata = details.get("metadata") or (invoice.get("subscription_details") or {}).get(
        "metadata"
    )
    return subscription, metadata or {}


def _invoice_paid(invoice: dict) -> str:
    if invoice.get("billing_reason") == "subscription_create":
        return "first month comes with checkout.session.completed"
    subscription, metadata = _invoice_subscription(invoice)
    first = (
        Gift.objects.filter(stripe_subscription_id=subscription).order_by("pk").first()
        if subscription
        else None
    )
    fundraiser = first.fundraiser if first else _fundraiser_from_metadata(metadata)
    gift = record_online_gift(
        fundraiser,
        amount=invoice.get("amount_paid"),
        currency_code=str(invoice.get("currency") or "").upper(),
        payment_id=_id(invoice),
        invoice_id=_id(invoice),
        subscription_id=subscription,
        monthly=True,
        renewal=True,
        donor_name=first.donor_name if first else "",
        donor_email=first.donor_email if first else "",
        person=first.supporter if first else None,
        source_code=first.source_code if first else "",
    )
    return "recorded" if gift else "payment already recorded"


def _charge_refunded(charge: dict) -> str:
    record_refund(
        payment_id=_id(charge.get("payment_intent")),
        invoice_id=_id(charge.get("invoice")),
        refunded_total=charge.get("amount_refunded"),
        currency_code=str(charge.get("currency") or "").upper(),
    )
    return "refund recorded"


HANDLERS = {
    "checkout.session.completed": _checkout_completed,
    "checkout.session.async_payment_succeeded": _checkout_completed,
    "invoice.paid": _invoice_paid,
    "charge.refunded": _charge_refunded,
}


# ---------------------------------------------------------------------------- privacy


def gifts_of(email: str, organizations: frozenset[int] | None = None) -> models.QuerySet:
    """Gifts given with this address (to the funds of `organizations` only, unless None):
    donor addresses are stored normalised, as every app stores them, so a Gmail address
    with dots or a +tag finds the same gifts."""
    if not email:
        return Gift.objects.none()
    gifts = Gift.objects.filter(donor_email=normalize_email(email))
    if organizations is not None:
        gifts = gifts.filter(fundraiser__organization_id__in=organizations)
    return gifts


def export_gifts(email: str, organizations: frozenset[int] | None = None) -> list[dict]:
    """Every gift given with this address, for a subject-access request (registered in
    tocsin.core.personal_data)."""
    return [
        {
            "fundraiser": gift.fundraiser.title,
            "amount": major_text(gift.amount, gift.currency),
            "refunded": major_text(gift.refunded_amount, gift.currency),
            "currency": gift.currency,
            "monthly": gift.monthly,
            "received": gift.received_on.isoformat(),
            "name_given": gift.donor_name,
            "email_given": gift.donor_email,
            "note": gift.note,
        }
        for gift in gifts_of(email, organizations).select_related("fundraiser")
    ]


def erase_gifts(email: str, organizations: frozenset[int] | None = None) -> int:
    return erase_donor(gifts_of(email, organizations))


def erase_donor(gifts) -> int:
    """The donor's name and email go; amounts stay, so every total still adds up."""
    return gifts.filter(erased_at__isnull=True).update(
        donor_name="", donor_email="", note="", erased_at=timezone.now()
    )
