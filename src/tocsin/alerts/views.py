"""The organizer's pages of one alert, beside its change form in the back office: audience,
preview, test, send or schedule, the sending's progress with its controls, and results.

Each view is given the alert already looked up through the admin's scoped queryset (another
organization's alert is a 404) and checked for the permission to view it; those that change
the alert check for more. Sending, scheduling and the controls need `alerts.send_alert`."""

import copy

from csp.decorators import csp
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import (
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin

from tocsin.core.emails import normalize_email
from tocsin.core.spreadsheets import csv_lines
from tocsin.organizations.scoping import may
from tocsin.supporters.models import Supporter

from . import audience, rendering, results, services
from .forms import AudienceForm, PreviewForm, ScheduleForm, TestForm
from .models import Alert

EDITABLE = (Alert.Status.DRAFT, Alert.Status.SCHEDULED)
# While the alert sends, its status page reloads itself this often (no script needed).
REFRESH_SECONDS = 5


def can_send(request, alert) -> bool:
    # The permission is the union of the user's roles; their role in this organization too.
    return request.user.has_perm("alerts.send_alert") and may(
        request.user, alert.organization, "send_alerts"
    )


def can_see_people(request, alert) -> bool:
    return request.user.has_perm("supporters.view_supporter") and may(
        request.user, alert.organization, "see_people"
    )


def url(name: str, alert: Alert) -> str:
    return reverse(f"admin:alerts_alert_{name}", args=[alert.pk])


def page(model_admin, request, alert, template, title, status=200, **extra):
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        "alert": alert,
        "original": alert,
        "can_change": model_admin.has_change_permission(request, alert),
        "can_send": can_send(request, alert),
        "step": template.removesuffix(".html"),
        **extra,
    }
    return TemplateResponse(request, f"admin/alerts/alert/{template}", context, status=status)


def _require_post(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


# ---------------------------------------------------------------------------- audience


def place_suggestions(organization_id: int) -> dict[str, list[str]]:
    """The places and sources the organization's people have, offered as the fields' list."""
    people = Supporter.objects.filter(organization_id=organization_id, erased_at__isnull=True)
    suggestions = {}
    for name in ("country", "state", "district", "source"):
        suggestions[name] = list(
            people.exclude(**{name: ""})
            .order_by(name)
            .values_list(name, flat=True)
            .distinct()[:300]
        )
    return suggestions


def audience_view(model_admin, request, alert):
    """The filters, the exact number of people they pick now, and a button to keep them."""
    editable = model_admin.has_change_permission(request, alert)
    count = None
    status = 200
    if request.method == "POST":
        form = AudienceForm(request.POST, organization=alert.organization)
        if form.is_valid():
            count = audience.people(alert.organization_id, form.filters).count()
            if "save" in request.POST:
                if not editable:
                    raise PermissionDenied
                alert.audience = form.filters
                alert.save(update_fields=["audience", "updated_at"])
                messages.success(
                    request,
                    ngettext(
                        "Audience saved: %(count)s person today.",
                        "Audience saved: %(count)s people today.",
                        count,
                    )
                    % {"count": count},
                )
                return HttpResponseRedirect(url("audience", alert))
        else:
            status = 400
    else:
        form = AudienceForm.from_alert(alert)
        count = audience.count(alert)
    return page(
        model_admin,
        request,
        alert,
        "audience.html",
        gettext("Who gets “%(alert)s”") % {"alert": alert},
        status=status,
        form=form,
        count=count,
        editable=editable,
        suggestions=place_suggestions(alert.organization_id),
        counted_unsaved=request.method == "POST" and "save" not in request.POST,
    )


# ---------------------------------------------------------------------------- preview


def sample_person(alert: Alert, language: str) -> Supporter:
    """A made-up recipient, never saved, living where the audience's filters point."""
    filters = alert.audience or {}
    return Supporter(
        organization=alert.organization,
        name=gettext("Alex Sample"),
        email="alex.sample@example.org",
        language=language,
        country=filters.get("country", ""),
        state=filters.get("state", ""),
        district=filters.get("district", ""),
    )


def preview_person(alert: Alert, person_id: str) -> Supporter | None:
    if not person_id.isdigit():
        return None
    return audience.people(alert.organization_id, {}).filter(pk=int(person_id)).first() or (
        Supporter.objects.filter(
            pk=int(person_id), organization_id=alert.organization_id, erased_at__isnull=True
        ).first()
    )


def preview_unsubscribe_url() -> str:
    # The preview has no recipient row to sign; its unsubscribe link leads nowhere.
    return f"{settings.TOCSIN_BASE_URL}/alerts/unsubscribe/preview/"


def render_for(alert: Alert, person: Supporter | None, language: str):
    """The mail `person` (or the sample person) would get, written in `language`."""
    recipient = copy.copy(person) if person is not None else sample_person(alert, language)
    recipient.language = language
    return rendering.prepare(alert).render(recipient, unsubscribe_url=preview_unsubscribe_url())


def preview_view(model_admin, request, alert):
    """The mail as a chosen person would read it, in each language, at phone and desktop
    width and as plain text. The person is chosen by address (a POST, so no address goes
    into a URL) and then named in the URL by their record's number."""
    may_pick = can_see_people(request, alert)
    form = PreviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not may_pick:
            raise PermissionDenied
        if form.is_valid():
            email = form.cleaned_data["email"]
            if not email:
                return HttpResponseRedirect(url("preview", alert))
            person = Supporter.objects.filter(
                organization_id=alert.organization_id,
                email=normalize_email(email),
                erased_at__isnull=True,
            ).first()
            if person is not None:
                return HttpResponseRedirect(f"{url('preview', alert)}?person={person.pk}")
            form.add_error("email", gettext("Nobody in your group has that address."))
        status = 400
    person = None
    person_id = request.GET.get("person", "") if may_pick else ""
    if person_id:
        person = preview_person(alert, person_id)
    in_audience = (
        person is not None
        and audience.people(alert.organization_id, alert.audience).filter(pk=person.pk).exists()
    )
    languages = rendering.languages_of(alert)
    theirs = rendering.language_for(alert, person) if person is not None else None
    versions = []
    for language in languages:
        mail = render_for(alert, person, language)
        frame = reverse("admin:alerts_alert_preview_frame", args=[alert.pk, language])
        if person is not None:
            frame += f"?person={person.pk}"
        versions.append(
            {
                "language": language,
                "name": dict(settings.LANGUAGES).get(language, language),
                "mail": mail,
                "frame": frame,
                "theirs": language == theirs,
            }
        )
    return page(
        model_admin,
        request,
        alert,
        "preview.html",
        gettext("Preview of “%(alert)s”") % {"alert": alert},
        status=status,
        form=form,
        may_pick=may_pick,
        person=person,
        in_audience=in_audience,
        versions=versions,
        problems=rendering.check_texts(alert),
        test_form=TestForm(languages=languages),
        can_test=model_admin.has_change_permission(request, alert) or can_send(request, alert),
    )


# The mail's own HTML, shown in a sandboxed frame of the preview page: it carries its styles
# inline, as mail must, so this one document allows inline styles and nothing else runs.
FRAME_POLICY = {
    "default-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["https:", "data:"],
    "font-src": ["https:", "data:"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
    "frame-ancestors": ["'self'"],
}


@xframe_options_sameorigin
@csp(FRAME_POLICY)
def _frame_response(html: str) -> HttpResponse:
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def preview_frame_view(model_admin, request, alert, language):
    if language not in rendering.languages_of(alert):
        language = rendering.languages_of(alert)[0] if rendering.languages_of(alert) else ""
    person = None
    if can_see_people(request, alert) and request.GET.get("person", ""):
        person = preview_person(alert, request.GET["person"])
    return _frame_response(render_for(alert, person, language).html)


def test_view(model_admin, request, alert):
    """One mail, marked as a test, to the organizer's own address."""
    if (refused := _require_post(request)) is not None:
        return refused
    if not (model_admin.has_change_permission(request, alert) or can_send(request, alert)):
        raise PermissionDenied
    form = TestForm(request.POST, languages=rendering.languages_of(alert))
    to_address = request.user.email
    if not to_address:
        messages.error(request, gettext("Your account has no email address to send a test to."))
    elif not form.is_valid():
        messages.error(request, gettext("Choose the language of the test."))
    else:
        try:
            services.send_test(alert, to_address, language=form.cleaned_data["language"])
        except services.AlertError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, gettext("A test is on its way to %(address)s.") % {"address": to_address}
            )
    return HttpResponseRedirect(url("preview", alert))


# ---------------------------------------------------------------------------- sending


def send_view(model_admin, request, alert):
    """The confirm page: the exact number of people now, what is still wrong with the texts,
    and the buttons to send now or at a time. Sending twice (a double click) sends once."""
    if not can_send(request, alert):
        raise PermissionDenied
    schedule_form = ScheduleForm(request.POST if "schedule" in request.POST else None)
    if request.method == "POST":
        return _send_post(model_admin, request, alert, schedule_form)
    return _confirm_page(model_admin, request, alert, schedule_form)


def _confirm_page(model_admin, request, alert, schedule_form, status=200):
    count = audience.count(alert) if alert.status in EDITABLE else None
    return page(
        model_admin,
        request,
        alert,
        "send.html",
        gettext("Send “%(alert)s”") % {"alert": alert},
        status=status,
        count=count,
        problems=rendering.check_texts(alert),
        schedule_form=schedule_form,
        sendable=alert.status in EDITABLE and bool(count),
        zone_now=timezone.now(),
    )


def _send_post(model_admin, request, alert, schedule_form):
    status_url = url("status", alert)
    try:
        if "send_now" in request.POST:
            if alert.status not in EDITABLE:
                # A second click after the first started it: nothing more to do.
                messages.info(request, gettext("This alert is already under way."))
                return HttpResponseRedirect(status_url)
            if audience.count(alert) == 0:
                messages.error(request, gettext("Nobody matches the audience: nothing was sent."))
                return HttpResponseRedirect(url("send", alert))
            recipients = services.send_now(alert, by=request.user)
            if recipients:
                messages.success(
                    request,
                    ngettext(
                        "Sending to %(count)s person.", "Sending to %(count)s people.", recipients
                    )
                    % {"count": recipients},
                )
            else:
                messages.info(request, gettext("This alert is already under way."))
            return HttpResponseRedirect(status_url)
        if "schedule" in request.POST:
            if not schedule_form.is_valid():
                return _confirm_page(model_admin, request, alert, schedule_form, status=400)
            if audience.count(alert) == 0:
                messages.error(request, gettext("Nobody matches the audience: nothing was sent."))
                return HttpResponseRedirect(url("send", alert))
            services.schedule(alert, schedule_form.cleaned_data["moment"], by=request.user)
            messages.success(request, gettext("Scheduled. It goes out at the time you chose."))
            return HttpResponseRedirect(status_url)
    except services.AlertError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(status_url)
    return _confirm_page(model_admin, request, alert, schedule_form, status=400)


CONTROLS = {
    "pause": (services.pause, {Alert.Status.SENDING}),
    "resume": (services.resume, {Alert.Status.PAUSED}),
    "cancel": (
        services.cancel,
        {Alert.Status.SENDING, Alert.Status.PAUSED, Alert.Status.SCHEDULED},
    ),
    "unschedule": (services.unschedule, {Alert.Status.SCHEDULED}),
}


def control_view(model_admin, request, alert):
    """Pause, resume, cancel or unschedule: a POST with the button's name."""
    if (refused := _require_post(request)) is not None:
        return refused
    if not can_send(request, alert):
        raise PermissionDenied
    command = request.POST.get("command", "")
    if command not in CONTROLS:
        messages.error(request, gettext("Choose pause, resume or cancel."))
        return HttpResponseRedirect(url("status", alert))
    function, allowed = CONTROLS[command]
    if alert.status not in allowed:
        messages.info(
            request,
            gettext("The alert is %(status)s now; nothing was changed.")
            % {"status": alert.get_status_display()},
        )
        return HttpResponseRedirect(url("status", alert))
    try:
        function(alert)
    except services.AlertError as error:
        messages.error(request, str(error))
    return HttpResponseRedirect(url("status", alert))


def status_view(model_admin, request, alert):
    """Where the sending stands, with a progress bar; reloads itself while it sends."""
    progress = services.progress(alert)
    labels = results.delivery_labels()
    rows = [
        ("sent", labels["sent"]),
        ("queued", gettext("waiting")),
        ("claimed", gettext("being sent")),
        ("failed", labels["failed"]),
        ("unknown", labels["unknown"]),
        ("skipped", gettext("not sent (unsubscribed or undeliverable by then)")),
        ("cancelled", gettext("not sent (alert cancelled)")),
    ]
    commands = [
        name
        for name, (_function, allowed) in CONTROLS.items()
        if alert.status in allowed and can_send(request, alert)
    ]
    return page(
        model_admin,
        request,
        alert,
        "status.html",
        gettext("Sending “%(alert)s”") % {"alert": alert},
        progress=progress,
        rows=[
            (label, progress.get(name, 0))
            for name, label in rows
            if progress.get(name, 0) or name in ("sent", "queued")
        ],
        commands=commands,
        refresh=REFRESH_SECONDS if alert.status == Alert.Status.SENDING else None,
    )


# ---------------------------------------------------------------------------- results


def results_view(model_admin, request, alert):
    figures = results.results(alert)
    return page(
        model_admin,
        request,
        alert,
        "results.html",
        gettext("Results of “%(alert)s”") % {"alert": alert},
        figures=figures,
        conversion=results.percent(figures.conversion),
        unknown=results.unknown_recipients(alert)[:500],
        unknown_count=figures.counts.get("unknown", 0),
        show_names=can_see_people(request, alert),
    )


def results_csv_view(model_admin, request, alert):
    header, rows = results.export(alert, with_names=can_see_people(request, alert))
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="alert-{alert.pk}-results.csv"'
    return response
