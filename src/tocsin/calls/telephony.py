"""Click-to-call, as Call Power does it: ring the supporter, wait for a keypress (so their own
voicemail cannot start it), then dial each office in turn with their number as caller ID.

Two backends: "twilio" (the official library, webhooks verified) and "console", the default
without credentials, which only logs what it would do. Phone numbers never reach a log.
"""

import logging

import phonenumbers
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from phonenumbers import PhoneNumberType
from twilio.base.exceptions import TwilioException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from tocsin.core.privacy import keyed_hash
from tocsin.districts.services import DistrictRef

from . import services
from .models import BlockedNumber, CallAction, ConnectSession

logger = logging.getLogger(__name__)

# The hashes serve the limits, which look back an hour; past this many days
# (TOCSIN_CALL_HASH_DAYS) a session's hashes are blanked, as they serve nothing more.
HASH_DAYS = 30
ALLOWED_NUMBER_TYPES = {
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.VOIP,
}


class ConnectRefused(ValueError):
    """Shown to the supporter as it is: every message is written for them."""


def normalize_phone(text: str) -> str:
    """E.164 for a real, dialable, non-premium number in an allowed country."""
    try:
        number = phonenumbers.parse((text or "")[:40], settings.TOCSIN_CALL_COUNTRIES[0])
    except phonenumbers.NumberParseException as error:
        raise ConnectRefused(_("Enter your phone number, for example 608 555 0123.")) from error
    if not phonenumbers.is_valid_number(number):
        raise ConnectRefused(_("That is not a phone number we can call. Please check it."))
    if phonenumbers.region_code_for_number(number) not in settings.TOCSIN_CALL_COUNTRIES:
        raise ConnectRefused(_("We can only call phone numbers in the United States."))
    if phonenumbers.number_type(number) not in ALLOWED_NUMBER_TYPES:
        raise ConnectRefused(_("We can only call ordinary landline and mobile numbers."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def office_number(office) -> str | None:
    """The office's number in E.164, read in the office's own country (a London number written
    "020 7219 3000" dials +44); None when it is not an ordinary line."""
    return office.e164_phone or None


def check_limits(action: CallAction, phone_hash: str, ip_hash: str) -> None:
    hour_ago = timezone.now() - timezone.timedelta(hours=1)
    recent = ConnectSession.objects.filter(action=action, created_at__gte=hour_ago)
    if recent.filter(phone_hash=phone_hash).count() >= action.calls_per_phone_per_hour:
        raise ConnectRefused(
            _("You have already been called for this campaign in the last hour. Thank you!")
        )
    if (
        ConnectSession.objects.filter(ip_hash=ip_hash, created_at__gte=hour_ago).count()
        >= settings.TOCSIN_CALLS_PER_IP_PER_HOUR
    ):
        raise ConnectRefused(_("Too many calls from this connection. Please try again later."))
    blocked_by = [action.campaign.organization_id]
    if BlockedNumber.objects.filter(organization__in=blocked_by, number_hash=phone_hash).exists():
        # Said plainly but without detail; the organizer decided.
        raise ConnectRefused(_("We cannot call this number for this campaign."))


def start_session(
    action: CallAction,
    *,
    phone_text: str,
    ip_address: str,
    district: DistrictRef | None,
    language: str = "en",
) -> ConnectSession:
    if not action.click_to_call:
        raise ConnectRefused(_("This campaign does not offer calls through us."))
    phone = normalize_phone(phone_text)
    phone_hash, ip_hash = keyed_hash(phone), keyed_hash(ip_address or "unknown", "ip")
    plan = []
    for target in services.targets_for(action, district):
        ordered = services.ordered_offices(action, target, district)
        offices = [office for office in ordered if office_number(office)]
        if offices:
            plan.append([target.pk, offices[0].pk])
    if not plan:
        raise ConnectRefused(_("There is no office with a phone number to connect you to."))
    with transaction.atomic():
        check_limits(action, phone_hash, ip_hash)
        session = ConnectSession.objects.create(
            action=action,
            phone_number=phone,
            phone_hash=phone_hash,
            ip_hash=ip_hash,
            place=services.stored_place(district),
            language=language,
            offices=plan,
        )
    try:
        backend().ring_supporter(session)
    except (TwilioException, OSError) as error:
        logger.warning("click-to-call session %s could not be placed: %s", session.pk, type(error))
        end_session(session, ConnectSession.Status.FAILED)
        raise ConnectRefused(
            _("We could not place the call just now. Please dial the numbers yourself.")
        ) from error
    return session


def webhook_url(name: str, session: ConnectSession, **kwargs) -> str:
    path = reverse(f"calls:twilio-{name}", kwargs={"session_id": session.pk, **kwargs})
    return settings.TOCSIN_BASE_URL + path


def end_session(session: ConnectSession, status: str) -> None:
    """The call is over: the phone number goes, the hashes stay for the limits (for
    HASH_DAYS, see forget_stale_numbers)."""
    ConnectSession.objects.filter(pk=session.pk).update(
        status=status, phone_number="", ended_at=timezone.now()
    )


class ConsoleTelephony:
    """Logs what it would do; for development and for sites without Twilio."""

    configured = False

    def ring_supporter(self, session: ConnectSession) -> None:
        logger.info(
            "console telephony: would ring the supporter of session %s, then %d office(s)",
            session.pk,
            len(session.offices),
        )


class RebasedHttpClient(TwilioHttpClient):
    """Sends the library's requests to another host: a local fake of Twilio's API in tests."""

    def __init__(self, base: str):
        super().__init__(timeout=5)
        self.base = base.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        path = url.split("://", 1)[1].split("/", 1)[1]
        return super().request(method, f"{self.base}/{path}", *args, **kwargs)


class TwilioTelephony:
    configured = True

    def client(self) -> Client:
        if settings.TWILIO_API_BASE:
            http_client = RebasedHttpClient(settings.TWILIO_API_BASE)
        else:
            http_client = TwilioHttpClient(timeout=10)
        return Client(
            settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=http_client
        )

    def ring_supporter(self, session: ConnectSession) -> None:
        call = self.client().calls.create(
            to=session.phone_number,
            from_=settings.TWILIO_FROM_NUMBER,
            url=webhook_url("answer", session),
            status_callback=webhook_url("status", session),
            status_callback_event=["completed"],
            time_limit=settings.TOCSIN_MAX_CALL_MINUTES * 60,
        )
        ConnectSession.objects.filter(pk=session.pk).update(provider_call_id=call.sid)


def backend():
    return TwilioTelephony() if settings.TOCSIN_TELEPHONY == "twilio" else ConsoleTelephony()


def forget_stale_numbers() -> int:
    """Drop the phone number of any call that should be over by now, even if Twilio's final
    status callback never arrived, and the keyed hashes of the number and address once they
    are older than any limit looks back (TOCSIN_CALL_HASH_DAYS, 30 by default). Returns how
    many sessions it changed."""
    now = timezone.now()
    cutoff = now - timezone.timedelta(minutes=settings.TOCSIN_MAX_CALL_MINUTES + 10)
    numbers = (
        ConnectSession.objects.filter(created_at__lt=cutoff)
        .exclude(phone_number="")
        .update(phone_number="", ended_at=now, status=ConnectSession.Status.FAILED)
    )
    days = getattr(settings, "TOCSIN_CALL_HASH_DAYS", HASH_DAYS)
    hashes = (
        ConnectSession.objects.filter(created_at__lt=now - timezone.timedelta(days=days))
        .exclude(phone_hash="", ip_hash="")
        .update(phone_hash="", ip_hash="")
    )
    return numbers + hashes
