import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tocsin.campaigns.forms import (
    LocationForm,
    district_not_in_zip_message,
    outside_districts_message,
    zip_not_found_message,
)
from tocsin.campaigns.models import Campaign
from tocsin.core.paths import reverse_remembered
from tocsin.districts import services as districts
from tocsin.targets.delegations import house_members_by_district

from . import services, telephony
from .forms import CallPlaceForm, InvalidReport, ReportForm, ReportInput, tried_offices
from .models import DEAD_LINE_OUTCOMES, CallAction, ConnectSession, Outcome
from .sharing import LIMITS, clean_instance, compose_url, share_posts


def action_for(request: HttpRequest, slug: str) -> CallAction:
    public = services.public_action(slug)
    if public is not None:
        return public.action
    # Drafts are previewed by their own organizers only, and never cached.
    campaign = get_object_or_404(
        Campaign.objects.viewable_by(request.user).select_related("organization"), slug=slug
    )
    action = getattr(campaign, "call_action", None)
    if action is None or not action.is_active:
        raise Http404
    return action


@dataclass
class Place:
    """Where the supporter is, as far as the call flow needs to know."""

    zip: str = ""
    town: str = ""
    district: districts.DistrictRef | None = None
    lookup: districts.ZipLookup | None = None
    errors: list[str] = field(default_factory=list)

    def query(self, **extra) -> str:
        params = {
            "zip": self.zip,
            "district": self.district.label if self.district else "",
            "town": self.town,
            **extra,
        }
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


def resolve_place(action: CallAction, form: CallPlaceForm) -> Place:
    if not form.is_valid():
        return Place(errors=[e for errors in form.errors.values() for e in errors])
    data = form.cleaned_data
    place = Place(zip=data["zip"], town=data["town"], district=data["district"])
    if not action.uses_lookup or not place.zip:
        return place
    place.lookup = districts.lookup_zip(place.zip)
    if place.district is not None and place.district not in place.lookup.districts:
        if place.lookup.status != districts.ZipLookupStatus.NO_DATA:
            place.errors.append(district_not_in_zip_message())
            place.district = None
    elif place.lookup.status == districts.ZipLookupStatus.FOUND:
        place.district = place.lookup.districts[0]
    elif place.lookup.status == districts.ZipLookupStatus.NOT_FOUND:
        place.errors.append(zip_not_found_message(place.zip))
    return place


def _needs_place(action: CallAction, place: Place) -> bool:
    if not action.uses_lookup or place.district is not None:
        return False
    # Campaign targets as a fallback can be called when the lookup cannot help.
    no_data = place.lookup is not None and place.lookup.status == districts.ZipLookupStatus.NO_DATA
    fallback = (
        action.target_mode == CallAction.TargetMode.BOTH
        and action.custom_placement == CallAction.CustomPlacement.FALLBACK
    )
    return not (no_data and fallback)


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, slug: str) -> HttpResponse:
    action = action_for(request, slug)
    campaign = action.campaign
    if request.method == "POST":
        return _start_from_location(request, action)
    form = CallPlaceForm(request.GET or None)
    place = resolve_place(action, form) if request.GET else Place()
    context = {
        "action": action,
        "campaign": campaign,
        "form": form if request.GET else CallPlaceForm(),
        "place": place,
        "data_loaded": districts.zip_data_loaded() if action.uses_lookup else True,
    }
    if not campaign.is_open:
        return render(request, "calls/start.html", context)
    if place.errors or _needs_place(action, place):
        if (
            place.lookup is not None
            and place.lookup.status == districts.ZipLookupStatus.AMBIGUOUS
            and not place.errors
        ):
            context["candidates"] = house_members_by_district(place.lookup.districts)
            context["boundaries_loaded"] = districts.boundaries_loaded()
        return render(request, "calls/start.html", context, status=400 if place.errors else 200)
    targets = services.targets_for(action, place.district)
    context |= {"targets": targets, "first_step": _step_url(action, place, 0)}
    return render(request, "calls/start.html", context)


def _start_from_location(request: HttpRequest, action: CallAction) -> HttpResponse:
    form = LocationForm(request.POST)
    district = None
    if form.is_valid():
        district = districts.district_at(
            form.cleaned_data["latitude"], form.cleaned_data["longitude"]
        )
    if district is None:
        context = {
            "action": action,
            "campaign": action.campaign,
            "form": CallPlaceForm(),
            "place": Place(errors=[outside_districts_message()]),
            "data_loaded": districts.zip_data_loaded(),
        }
        return render(request, "calls/start.html", context, status=400)
    place = Place(district=district)
    return HttpResponseRedirect(
        reverse("calls:start", kwargs={"slug": action.campaign.slug}) + "?" + place.query()
    )


def _step_url(action: CallAction, place: Place, position: int, **extra) -> str:
    url = reverse_remembered("calls:step", slug=action.campaign.slug, position=position)
    query = place.query(**extra)
    return f"{url}?{query}" if query else url


def _done_url(action: CallAction, place: Place) -> str:
    url = reverse_remembered("calls:done", slug=action.campaign.slug)
    query = place.query()
    return f"{url}?{query}" if query else url


def _start_url(action: CallAction, place: Place) -> str:
    return reverse("calls:start", kwargs={"slug": action.campaign.slug}) + "?" + place.query()


@require_GET
def step(request: HttpRequest, slug: str, position: int) -> HttpResponse:
    action = action_for(request, slug)
    if not action.campaign.is_open:
        return redirect("calls:start", slug=slug)
    place = resolve_place(action, CallPlaceForm(request.GET))
    if place.errors or _needs_place(action, place):
        return HttpResponseRedirect(_start_url(action, place))
    tried = tried_offices(request.GET.get("tried", ""))
    return _render_step(request, action, place, position, tried)


def _render_step(request, action, place, position, tried, errors=(), status=200):
    targets = services.targets_for(action, place.district)
    if position >= len(targets):
        return HttpResponseRedirect(_done_url(action, place))
    target = targets[position]
    offices = services.ordered_offices(action, target, place.district)
    untried = [o for o in offices if o.pk not in tried]
    current = (untried or offices or [None])[0]
    demands = list(action.campaign.demands.all())
    form = ReportForm(
        initial={
            "key": uuid.uuid4(),
            "position": position,
            "total": len(targets),
            "target": target.pk,
            "office": current.pk if current else None,
            "tried": ",".join(map(str, tried)),
            "zip": place.zip,
            "district": place.district.label if place.district else "",
            "town": place.town,
        },
        demands=demands,
    )
    context = {
        "action": action,
        "campaign": action.campaign,
        "place": place,
        "position": position,
        "total": len(targets),
        "target": target,
        "offices": [(office, services.office_clock(office)) for office in offices],
        "current": current,
        "line_was_dead": bool(tried),
        "script": services.script_for(action, target, zip_code=place.zip, town=place.town),
        "form": form,
        "errors": errors,
        "outcomes": Outcome.choices,
        "skip_url": _step_url(action, place, position + 1),
    }
    return render(request, "calls/step.html", context, status=status)


@require_POST
def report(request: HttpRequest, slug: str) -> HttpResponse:
    action = action_for(request, slug)
    if not action.campaign.is_open:
        return redirect("calls:start", slug=slug)
    public = services.public_action(slug)
    demands = public.demands if public else tuple(action.campaign.demands.all())
    try:
        data = ReportInput.parse(request.POST)
    except InvalidReport as problem:
        position = request.POST.get("position", "")
        if problem.field != "outcome" or not (position.isascii() and position.isdigit()):
            return _refused(request, action, status=400)
        # Nothing tapped: the same page again, saying what is missing.
        place = resolve_place(action, CallPlaceForm(request.POST))
        tried = tried_offices(request.POST.get("tried", ""))
        return _render_step(
            request, action, place, int(position[:3]), tried, errors=[str(problem)], status=400
        )
    place = Place(zip=data.zip, town=data.town, district=data.district)
    try:
        services.report_call(
            action,
            key=data.key,
            target_id=data.target,
            office_id=data.office,
            outcome=data.outcome,
            demand_ids=list(data.demands),
            district=place.district,
            valid_demand_ids={d.pk for d in demands},
            answer=data.answer,
        )
    except services.ReportRefused:
        return _refused(request, action, status=400)

    if data.outcome in DEAD_LINE_OUTCOMES:
        tried = [*data.tried, data.office]
        # Another office of the same person, at once, while the supporter is ready to call.
        return HttpResponseRedirect(
            _step_url(action, place, data.position, tried=",".join(map(str, tried))) + "#call"
        )
    next_position = data.position + 1
    if data.total is not None and next_position >= data.total:
        return HttpResponseRedirect(_done_url(action, place))
    return HttpResponseRedirect(_step_url(action, place, next_position))


def _refused(request, action, status):
    return render(
        request,
        "calls/refused.html",
        {"action": action, "campaign": action.campaign},
        status=status,
    )


@require_GET
def done(request: HttpRequest, slug: str) -> HttpResponse:
    action = action_for(request, slug)
    place = resolve_place(action, CallPlaceForm(request.GET))
    targets = services.targets_for(action, place.district) if not place.errors else []
    context = {
        "action": action,
        "campaign": action.campaign,
        "count": services.call_count(action),
        "posts": share_posts(action, targets) if action.share_text or action.hashtags else [],
        "again_url": _start_url(action, place),
    }
    return render(request, "calls/done.html", context)


@require_POST
def share_on_mastodon(request: HttpRequest, slug: str) -> HttpResponse:
    action = action_for(request, slug)
    instance = clean_instance(request.POST.get("instance", "")[:300])
    text = request.POST.get("text", "")[: LIMITS["mastodon"] * 2]
    if instance is None:
        return render(
            request,
            "calls/refused.html",
            {
                "action": action,
                "campaign": action.campaign,
                "message": gettext(
                    "That does not look like a Mastodon server. Write its address, "
                    "like mastodon.social."
                ),
            },
            status=400,
        )
    return HttpResponseRedirect(compose_url("mastodon", text, instance))


@require_POST
def connect(request: HttpRequest, slug: str) -> HttpResponse:
    """Click-to-call: we ring the supporter and put them through to each office."""
    action = action_for(request, slug)
    place = resolve_place(action, CallPlaceForm(request.POST))
    if not action.campaign.is_open or place.errors or _needs_place(action, place):
        return HttpResponseRedirect(_start_url(action, place))
    try:
        session = telephony.start_session(
            action,
            phone_text=request.POST.get("phone", ""),
            ip_address=request.META.get("REMOTE_ADDR", ""),
            district=place.district,
            language=get_language(),
        )
    except telephony.ConnectRefused as refusal:
        context = {
            "action": action,
            "campaign": action.campaign,
            "error": str(refusal),
            "back_url": _start_url(action, place),
        }
        return render(request, "calls/connecting.html", context, status=400)
    return redirect("calls:connecting", slug=slug, session_id=session.pk)


@require_GET
def connecting(request: HttpRequest, slug: str, session_id) -> HttpResponse:
    action = action_for(request, slug)
    session = get_object_or_404(ConnectSession, pk=session_id, action=action)
    context = {
        "action": action,
        "campaign": action.campaign,
        "session": session,
        "configured": telephony.backend().configured,
        "done_url": reverse("calls:done", kwargs={"slug": slug}),
    }
    return render(request, "calls/connecting.html", context)
