"""Twilio's webhooks for click-to-call. Every one verifies X-Twilio-Signature first."""

import functools
import uuid

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

from tocsin.districts.services import DistrictRef
from tocsin.targets.models import Office

from . import services
from .models import CallLeg, ConnectSession, Outcome
from .telephony import end_session, office_number, webhook_url

LEG_OUTCOMES = {
    "completed": Outcome.TALKED,
    "answered": Outcome.TALKED,
    "busy": Outcome.BUSY,
    "no-answer": Outcome.BUSY,
    "failed": Outcome.BUSY,
    "canceled": Outcome.SKIPPED,
}
ENDED_STATUSES = {"completed", "busy", "failed", "no-answer", "canceled"}


def twilio_webhook(view):
    """Only Twilio, signing with our auth token, may drive a call."""

    @csrf_exempt  # Twilio cannot send our CSRF token; the signature takes its place
    @require_POST
    @functools.wraps(view)
    def verified(request, *args, **kwargs):
        token = settings.TWILIO_AUTH_TOKEN
        signature = request.headers.get("X-Twilio-Signature", "")
        url = settings.TOCSIN_BASE_URL + request.get_full_path()
        if not token or not RequestValidator(token).validate(url, request.POST.dict(), signature):
            return HttpResponseForbidden("invalid signature")
        return view(request, *args, **kwargs)

    return verified


def twiml(response: VoiceResponse) -> HttpResponse:
    return HttpResponse(str(response), content_type="text/xml")


def _voice(session: ConnectSession) -> dict:
    return {"language": "es-US" if session.language.startswith("es") else "en-US"}


@twilio_webhook
def answer(request, session_id: uuid.UUID):
    session = get_object_or_404(ConnectSession, pk=session_id, ended_at__isnull=True)
    response = VoiceResponse()
    with translation.override(session.language):
        gather = response.gather(
            num_digits=1, action=webhook_url("connect", session), method="POST", timeout=8
        )
        gather.say(
            _(
                "Hello, this is %(site)s. "
                "Press any key to be connected to the offices for %(title)s."
            )
            % {"site": settings.TOCSIN_SITE_NAME, "title": session.action.title},
            **_voice(session),
        )
        response.say(
            _("We did not hear a key press, so we will hang up. Goodbye."), **_voice(session)
        )
    response.hangup()
    return twiml(response)


@twilio_webhook
def connect(request, session_id: uuid.UUID):
    session = get_object_or_404(ConnectSession, pk=session_id, ended_at__isnull=True)
    ConnectSession.objects.filter(pk=session.pk).update(status=ConnectSession.Status.IN_PROGRESS)
    response = VoiceResponse()
    with translation.override(session.language):
        if session.action.intro:
            response.say(session.action.intro, **_voice(session))
        response.say(
            _("Thank you. Press star at any time to skip to the next office."), **_voice(session)
        )
        _dial_or_finish(response, session)
    return twiml(response)


def _dial_or_finish(response: VoiceResponse, session: ConnectSession) -> None:
    while session.position < len(session.offices):
        target_id, office_id = session.offices[session.position]
        office = (
            Office.objects.shown_to(session.action.campaign.organization_id)
            .filter(pk=office_id, target_id=target_id)
            .select_related("target")
            .first()
        )
        number = office_number(office) if office else None
        if number is None:
            session.position += 1
            continue
        CallLeg.objects.get_or_create(
            session=session,
            position=session.position,
            defaults={"target_id": target_id, "office_id": office_id},
        )
        response.say(
            _("Connecting you to %(title)s %(name)s, %(office)s.")
            % {"title": office.target.title, "name": office.target.name, "office": office.label},
            **_voice(session),
        )
        dial = response.dial(
            caller_id=session.phone_number or settings.TWILIO_FROM_NUMBER,
            action=webhook_url("next", session, position=session.position),
            method="POST",
            hangup_on_star=True,
            time_limit=settings.TOCSIN_MAX_CALL_MINUTES * 60,
        )
        dial.number(number)
        ConnectSession.objects.filter(pk=session.pk).update(position=session.position)
        return
    response.say(_("That was the last office. Thank you for calling!"), **_voice(session))
    response.hangup()


@twilio_webhook
def next_office(request, session_id: uuid.UUID, position: int):
    """Twilio asks here when a dialled office hangs up, fails, or the supporter presses star."""
    with transaction.atomic():
        session = get_object_or_404(
            ConnectSession.objects.select_for_update(), pk=session_id, ended_at__isnull=True
        )
        if session.position == position:  # a replayed request does not skip an office
            _record_leg(session, position, request.POST)
            session.position = position + 1
            session.save(update_fields=["position"])
    response = VoiceResponse()
    with translation.override(session.language):
        _dial_or_finish(response, session)
    return twiml(response)


def _record_leg(session: ConnectSession, position: int, params) -> None:
    leg = CallLeg.objects.filter(session=session, position=position).first()
    if leg is None:
        return
    status = params.get("DialCallStatus", "")[:20]
    duration = params.get("DialCallDuration", "0")
    leg.status = status
    leg.duration_seconds = int(duration) if duration.isdigit() else 0
    leg.save(update_fields=["status", "duration_seconds"])
    outcome = LEG_OUTCOMES.get(status)
    if outcome is None:
        return
    try:
        district = DistrictRef.parse(session.place) if session.place else None
        services.report_call(
            session.action,
            key=uuid.uuid5(session.pk, f"leg-{position}"),  # the same leg is counted once
            target_id=leg.target_id,
            office_id=leg.office_id,
            outcome=outcome,
            demand_ids=[],
            district=district,
        )
    except (services.ReportRefused, ValueError):
        pass  # the office was hidden or retired meanwhile: the leg stays on record


@twilio_webhook
def status(request, session_id: uuid.UUID):
    session = get_object_or_404(ConnectSession, pk=session_id)
    call_status = request.POST.get("CallStatus", "")
    if call_status in ENDED_STATUSES and session.ended_at is None:
        final = (
            ConnectSession.Status.COMPLETED
            if call_status == "completed"
            else ConnectSession.Status.FAILED
        )
        end_session(session, final)
    return HttpResponse(status=204)
