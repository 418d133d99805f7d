from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from tocsin.campaigns.models import Campaign
from tocsin.campaigns.next_ask import mark_done
from tocsin.organizations.models import Organization
from tocsin.supporters import prefill
from tocsin.supporters.limits import rsvp_limit
from tocsin.supporters.services import clean_source

from . import services
from .forms import RsvpForm
from .models import Event, Rsvp, Session

REFUSALS = {
    services.Refusal.PAST: _("This session has already started: it no longer takes answers."),
    # Said alike to everyone, a person with a place or not: nobody learns who is coming.
    services.Refusal.FULL: _(
        "This session is full and has no waitlist. Try another session. If you already "
        "have a place, it is kept: your confirmation email has the details."
    ),
    services.Refusal.TOO_MANY_GUESTS: _("That is more guests than this event allows."),
    services.Refusal.CLOSED: _("This event is not taking answers at the moment."),
}


def event_for(request: HttpRequest, slug: str) -> Event:
    queryset = Event.objects.viewable_by(request.user).select_related("organization", "campaign")
    return get_object_or_404(queryset, slug=slug)


def session_for(request: HttpRequest, slug: str, session_id: int) -> Session:
    event = event_for(request, slug)
    session = get_object_or_404(event.sessions.all(), pk=session_id)
    session.event = event
    return session


def organizations_asking(event: Event) -> list[Organization]:
    organizations = [event.organization]
    if event.campaign:
        organizations += [o for o in event.campaign.accepted_partners() if o != event.organization]
    return organizations


@prefill.private_when_prefilled
@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_for(request, slug)
    sessions = list(event.sessions.all())
    for session in sessions:
        session.event = event
    now = timezone.now()
    context = {
        "event": event,
        "sessions": sessions,
        "now": now,
        "feed_url": reverse("events:organization-feed", args=[event.organization.slug]),
        # Carried on to the answer pages, so the answer is credited to where they came from.
        "source": clean_source(request.GET.get("source", "")),
    }
    # An alert's button leads here: its token goes on to the answer pages, to fill them in.
    prefilled = prefill.from_request(request, organizations_asking(event))
    carried = {"source": context["source"], prefill.PARAMETER: prefilled.token if prefilled else ""}
    context["answer_query"] = urlencode({k: v for k, v in carried.items() if v})
    return render(request, "events/detail.html", context)


@prefill.private_when_prefilled
@require_http_methods(["GET", "POST"])
def rsvp(request: HttpRequest, slug: str, session_id: int) -> HttpResponse:
    session = session_for(request, slug, session_id)
    event = session.event
    data = request.POST if request.method == "POST" else None
    organizations = organizations_asking(event)
    # Opened from an alert (the form posts back to the same address, token included).
    prefilled = prefill.from_request(request, organizations)
    form = RsvpForm(
        data,
        organizations=organizations,
        event=event,
        limit=rsvp_limit(request, session),
        source=request.GET.get("source", ""),
        initial=prefilled.initial if prefilled else None,
    )
    refusal = None
    try:
        services.check_open(session, 0)
    except services.RsvpRefused as refused:
        refusal = REFUSALS[refused.reason]
    if request.method == "POST" and refusal is None and form.is_valid():
        # Decided from what anyone can see of the session, before answering: on a full or
        # nearly full session an address that holds a place is answered as any other is.
        full_without_waitlist = session.is_full and not session.has_waitlist
        check_email = services.needs_confirmation(session, 1 + form.cleaned_data.get("guests", 0))
        try:
            result = services.rsvp(
                session,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                postcode=form.cleaned_data["postcode"],
                guests=form.cleaned_data.get("guests", 0),
                consents=form.chosen_consents(),
                language=get_language(),
                time_zone=form.cleaned_data["tz"],
                source=form.cleaned_data["source"],
                page=request.path,
            )
        except services.RsvpRefused as refused:
            refusal = REFUSALS[refused.reason]
        else:
            if full_without_waitlist and not result.created:
                refusal = REFUSALS[services.Refusal.FULL]
            elif check_email or result.rsvp.status == Rsvp.Status.PENDING:
                return redirect("events:check-email", slug=event.slug, session_id=session.pk)
            else:
                return redirect(
                    "events:done",
                    slug=event.slug,
                    session_id=session.pk,
                    token=services.done_token(result),
                )
    if session.is_full and not session.has_waitlist and refusal is None:
        refusal = REFUSALS[services.Refusal.FULL]
    context = {
        "event": event,
        "session": session,
        "form": form,
        "refusal": refusal,
        "asks_confirmation": services.needs_confirmation(session),
    }
    status = 400 if (form.is_bound or (refusal and request.method == "POST")) else 200
    return render(request, "events/rsvp.html", context, status=status)


@require_GET
def done(request: HttpRequest, slug: str, session_id: int, token: str) -> HttpResponse:
    found = services.read_done_token(token)
    session = session_for(request, slug, session_id)
    if found is None or found[0].session_id != session.pk:
        raise Http404
    answer, created = found
    context = {"event": session.event, "session": session, "rsvp": answer, "created": created}
    response = render(request, "events/done.html", context)
    return mark_done(request, response, session.event.campaign, "rsvp")


@require_GET
def check_email(request: HttpRequest, slug: str, session_id: int) -> HttpResponse:
    """The same page for every answer that waits for the mail's button, and for an address
    answering again: it tells nothing about who has a place."""
    session = session_for(request, slug, session_id)
    return render(request, "events/check_email.html", {"event": session.event, "session": session})


@cache_control(private=True, no_store=True)
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; only the POST it sends takes the seat (mail scanners only GET)."""
    answer = services.rsvp_for_confirm_token(token)
    if answer is None:
        return render(request, "events/confirm.html", {"invalid": True}, status=400)
    session, event = answer.session, answer.session.event
    context = {"rsvp": answer, "session": session, "event": event}
    if request.method == "POST":
        try:
            services.confirm(answer)
        except services.RsvpRefused as refused:
            context["refusal"] = REFUSALS[refused.reason]
            return render(request, "events/confirm.html", context)
        answer.refresh_from_db()
    if answer.status in (Rsvp.Status.CONFIRMED, Rsvp.Status.WAITLISTED):
        response = render(request, "events/done.html", context | {"created": True})
        return mark_done(request, response, event.campaign, "rsvp")
    return render(request, "events/confirm.html", context)


@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; only the POST it sends cancels (mail scanners only GET)."""
    answer = services.rsvp_for_token(token)
    if answer is None:
        return render(request, "events/cancel.html", {"invalid": True}, status=400)
    context = {"rsvp": answer, "session": answer.session, "event": answer.session.event}
    if request.method == "POST":
        services.cancel(answer)
        answer.refresh_from_db()
        context["cancelled"] = True
    return render(request, "events/cancel.html", context)


def _calendar_response(sessions, name: str, filename: str) -> HttpResponse:
    response = HttpResponse(
        services.calendar_for(sessions, name), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def session_calendar(request: HttpRequest, slug: str, session_id: int) -> HttpResponse:
    session = session_for(request, slug, session_id)
    return _calendar_response([session], session.event.title, f"{slug}-{session.pk}.ics")


@require_GET
def campaign_feed(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.public(), slug=slug)
    sessions = services.feed_sessions(Event.objects.filter(campaign=campaign))
    return _calendar_response(sessions, campaign.title, f"{slug}.ics")


@require_GET
def organization_feed(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    sessions = services.feed_sessions(Event.objects.filter(organization=organization))
    return _calendar_response(sessions, organization.name, f"{slug}.ics")
