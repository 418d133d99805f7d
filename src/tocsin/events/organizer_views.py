"""Organizers' pages: who is coming, check-in lists, the door, messages to attendees.

Each needs a back-office login and membership of the event's organization; anyone else's
event is a 404, as if it did not exist. Each also needs its model permission, so that a helper
whose role only reads the lists can neither check people in nor mail them (403).
"""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from tocsin.core.spreadsheets import csv_lines
from tocsin.organizations.scoping import may

from . import services
from .forms import MessageForm
from .models import Event, Rsvp, Session


def _event(request, event_id: int) -> Event:
    return get_object_or_404(Event.objects.for_organizer(request.user), pk=event_id)


def _session(request, session_id: int, action: str) -> Session:
    """The session, if the user's role in its organization allows `action` (a key of
    `scoping.MAY`): their Django permissions are the union of their roles elsewhere too."""
    events = Event.objects.for_organizer(request.user)
    session = get_object_or_404(
        Session.objects.select_related("event__organization"), pk=session_id, event__in=events
    )
    if not may(request.user, session.event.organization, action):
        raise PermissionDenied
    return session


@staff_member_required
@permission_required("events.view_event", raise_exception=True)
def event_overview(request, event_id: int) -> HttpResponse:
    event = _event(request, event_id)
    sessions = event.sessions.annotate(
        coming=Count("rsvps", filter=Q(rsvps__status=Rsvp.Status.CONFIRMED)),
        waiting=Count("rsvps", filter=Q(rsvps__status=Rsvp.Status.WAITLISTED)),
        checked_in=Count("rsvps", filter=Q(rsvps__attended_at__isnull=False)),
    )
    return render(request, "events/organize/event.html", {"event": event, "sessions": sessions})


@staff_member_required
@permission_required("events.view_rsvp", raise_exception=True)
def session_rsvps(request, session_id: int) -> HttpResponse:
    session = _session(request, session_id, "see_people")
    rsvps = session.rsvps.order_by("status", "created_at", "pk")
    context = {
        "session": session,
        "event": session.event,
        "confirmed": [r for r in rsvps if r.status == Rsvp.Status.CONFIRMED],
        "waitlisted": sorted(
            (r for r in rsvps if r.status == Rsvp.Status.WAITLISTED),
            key=lambda r: (r.waitlisted_at, r.pk),
        ),
        "cancelled": [r for r in rsvps if r.status == Rsvp.Status.CANCELLED],
    }
    return render(request, "events/organize/session.html", context)


@staff_member_required
@permission_required("events.view_rsvp", raise_exception=True)
def checkin_csv(request, session_id: int) -> StreamingHttpResponse:
    session = _session(request, session_id, "export")
    rows = (
        (a.name, a.email, a.postcode, a.guests, a.party_size, "yes" if a.attended_at else "")
        for a in services.checkin_rows(session).iterator()
    )
    response = StreamingHttpResponse(
        csv_lines(["name", "email", "postcode", "guests", "party", "checked_in"], rows),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="checkin-{session.pk}.csv"'
    return response


@staff_member_required
@permission_required("events.view_rsvp", raise_exception=True)
def checkin_print(request, session_id: int) -> HttpResponse:
    session = _session(request, session_id, "see_people")
    rows = services.checkin_list(session)
    context = {
        "session": session,
        "event": session.event,
        "rows": rows,
        "people": sum(r.guests for r in rows) + len(rows),
    }
    return render(request, "events/organize/print.html", context)


def may_check_in(user) -> bool:
    """Whoever may change answers, or a volunteer's role, which lets them check people in
    here without reading the lists or exports."""
    return user.has_perms(["events.view_rsvp", "events.change_rsvp"]) or user.has_perm(
        "organizations.check_in_membership"
    )


@staff_member_required
@require_http_methods(["GET", "POST"])
def door(request, session_id: int) -> HttpResponse:
    """At the door, on a phone: one big button per person. Pressing it is a POST."""
    if not may_check_in(request.user):
        raise PermissionDenied
    session = _session(request, session_id, "check_in")
    if request.method == "POST":
        rsvp_id = request.POST.get("rsvp", "")
        answer = None
        if rsvp_id.isdigit() and len(rsvp_id) < 18:
            answer = Rsvp.objects.filter(session=session, pk=int(rsvp_id)).first()
        if answer is not None:
            services.set_attended(answer, request.POST.get("action") != "undo")
            return redirect(reverse("events:door", args=[session.pk]) + f"#rsvp-{answer.pk}")
        messages.error(request, _("That person is not on this session's list."))
        return redirect("events:door", session_id=session.pk)
    rows = services.checkin_list(session)
    context = {
        "session": session,
        "event": session.event,
        "rows": rows,
        "checked_in": sum(1 for r in rows if r.attended_at),
        "now": timezone.now(),
    }
    return render(request, "events/organize/door.html", context)


@staff_member_required
@permission_required(["events.view_rsvp", "events.change_rsvp"], raise_exception=True)
@require_http_methods(["GET", "POST"])
def message(request, session_id: int) -> HttpResponse:
    session = _session(request, session_id, "send_alerts")
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        note = services.message_attendees(
            session,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            sent_by=request.user,
        )
        messages.success(
            request,
            ngettext(
                "Your message is on its way to %(count)d person.",
                "Your message is on its way to %(count)d people.",
                note.recipients,
            )
            % {"count": note.recipients},
        )
        return redirect("events:organizer-session", session_id=session.pk)
    context = {
        "session": session,
        "event": session.event,
        "form": form,
        "recipients": Rsvp.objects.confirmed().filter(session=session).count(),
        "sent": session.messages.all()[:10],
    }
    return render(
        request, "events/organize/message.html", context, status=400 if form.errors else 200
    )
