import json
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
from tocsin.core import challenge, switches
from tocsin.core.http import client_ip
from tocsin.districts import services as districts
from tocsin.targets.delegations import house_members_by_district

from . import limits, places, services, telephony
from .forms import CallPlaceForm, ReportForm, place_from_token, tried_offices
from .models import DEAD_LINE_OUTCOMES, CallAction, CallReport, ConnectSession, Outcome
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

    def token(self) -> str:
        """The place sealed for the next page's URL or form ("" when there is none)."""
        values = {
            "zip": self.zip,
            "town": self.town,
            "district": self.district.label if self.district else "",
        }
        return places.seal(values) if any(values.values()) else ""

    def query(self, **extra) -> str:
        params = {"place": self.token(), **extra}
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


def place_from(action: CallAction, token: str) -> Place:
    """The place a sealed token holds, checked again; an empty place for a token that is
    garbled, forged or too old (the supporter is asked again)."""
    if not token:
        return Place()
    form = place_from_token(token)
    return Place() if form is None else resolve_place(action, form)


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
    """GET shows whom to call for the sealed place in `?place=` (or asks where the supporter
    is); the ZIP code, a district picked from a split ZIP, or a location come by POST and are
    answered with a redirect to the sealed place, so none of them is ever in a URL."""
    action = action_for(request, slug)
    if request.method == "POST":
        if "latitude" in request.POST:
            return _start_from_location(request, action)
        form = CallPlaceForm(request.POST)
        place = resolve_place(action, form)
    else:
        form = CallPlaceForm()
        place = place_from(action, request.GET.get("place", ""))
    campaign = action.campaign
    context = {
        "action": action,
        "campaign": campaign,
        "form": form,
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
    if request.method == "POST":
        return HttpResponseRedirect(_start_url(action, place))
    targets = services.targets_for(action, place.district)
    context |= {
        "targets": targets,
        "first_step": _step_url(action, place, 0),
        "place_token": place.token(),
    }
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
    return HttpResponseRedirect(_start_url(action, Place(district=district)))


def _step_url(action: CallAction, place: Place, position: int, **extra) -> str:
    url = reverse("calls:step", kwargs={"slug": action.campaign.slug, "position": position})
    query = place.query(**extra)
    return f"{url}?{query}" if query else url


def _done_url(action: CallAction, place: Place) -> str:
    url = reverse("calls:done", kwargs={"slug": action.campaign.slug})
    query = place.query()
    return f"{url}?{query}" if query else url


def _start_url(action: CallAction, place: Place) -> str:
    url = reverse("calls:start", kwargs={"slug": action.campaign.slug})
    query = place.query()
    return f"{url}?{query}" if query else url


@require_GET
def step(request: HttpRequest, slug: str, position: int) -> HttpResponse:
    action = action_for(request, slug)
    if not action.campaign.is_open:
        return redirect("calls:start", slug=slug)
    place = place_from(action, request.GET.get("place", ""))
    if place.errors or _needs_place(action, place):
        return redirect("calls:start", slug=slug)
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
            "place": place.token(),
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
    if action.ask_for_challenge:
        strings = json.loads(challenge.widget_strings())
        strings["error"] = gettext("The check failed. Your report may not be counted.")
        context |= {
            "challenge_json": challenge.new_challenge(),
            "challenge_strings": json.dumps(strings),
        }
    return render(request, "calls/step.html", context, status=status)


@require_POST
def report(request: HttpRequest, slug: str) -> HttpResponse:
    action = action_for(request, slug)
    if not action.campaign.is_open:
        return redirect("calls:start", slug=slug)
    public = services.public_action(slug)
    demands = public.demands if public else tuple(action.campaign.demands.all())
    form = ReportForm(request.POST, demands=demands)
    if not form.is_valid():
        if "place" in form.errors:
            return _refused(request, action, status=400, message=form.errors["place"][0])
        position = form.cleaned_data.get("position")
        if set(form.errors) != {"outcome"} or position is None:
            # Anything but the outcome comes from the page itself: it was tampered with.
            return _refused(request, action, status=400)
        # Nothing tapped: the same page again, saying what is missing.
        return _render_step(
            request,
            action,
            Place(**form.cleaned_data["place"]),
            position,
            form.cleaned_data["tried"],
            errors=form.errors["outcome"],
            status=400,
        )
    data = form.cleaned_data
    place = Place(**data["place"])
    if switches.current().calls_paused:
        return _refused(
            request,
            action,
            status=503,
            message=gettext(
                "We are not counting call reports for a little while. Your call still made a "
                "difference: thank you. Please try reporting again later."
            ),
        )
    next_url = _next_url(action, place, data)
    refusal = _refusal(request, action)
    if refusal is not None:
        if CallReport.objects.filter(key=data["key"]).exists():
            # A double tap of a report already counted: on as if counted now.
            return HttpResponseRedirect(next_url)
        status, message = refusal
        return _refused(request, action, status=status, message=message, next_url=next_url)
    try:
        services.report_call(
            action,
            key=data["key"],
            target_id=data["target"],
            office_id=data["office"],
            outcome=data["outcome"],
            demand_ids=data["demands"],
            district=place.district,
            valid_demand_ids={d.pk for d in demands},
            answer=data["answer"],
        )
    except services.ReportRefused:
        return _refused(request, action, status=400)
    return HttpResponseRedirect(next_url)


def _refusal(request: HttpRequest, action: CallAction) -> tuple[int, str] | None:
    """Why a well-formed report is not counted, as (status, message), or None to count it.
    The challenge comes first, so an unsolved one costs nothing against the limits."""
    if action.ask_for_challenge and not challenge.solved(request.POST.get("altcha", "")):
        return 400, gettext(
            "We could not check that this report came from a person's browser (the check "
            "needs JavaScript), so it was not counted. Your call still made a difference: "
            "thank you."
        )
    if limits.over_limit(action.pk, client_ip(request)):
        return 429, gettext(
            "So many call reports have come in just now, from your connection or for this "
            "campaign, that this one was not counted. Your call still made a difference: "
            "thank you."
        )
    return None


def _next_url(action: CallAction, place: Place, data: dict) -> str:
    """Where the flow goes after this report."""
    if data["outcome"] in DEAD_LINE_OUTCOMES:
        tried = [*data["tried"], data["office"]]
        # Another office of the same person, at once, while the supporter is ready to call.
        return _step_url(action, place, data["position"], tried=",".join(map(str, tried))) + "#call"
    next_position = data["position"] + 1
    if data["total"] is not None and next_position >= data["total"]:
        return _done_url(action, place)
    return _step_url(action, place, next_position)


def _refused(request, action, status, message="", next_url=""):
    context = {
        "action": action,
        "campaign": action.campaign,
        "message": message,
        "next_url": next_url,
    }
    return render(request, "calls/refused.html", context, status=status)


@require_GET
def done(request: HttpRequest, slug: str) -> HttpResponse:
    action = action_for(request, slug)
    place = place_from(action, request.GET.get("place", ""))
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
    place = place_from(action, request.POST.get("place", ""))
    if not action.campaign.is_open or place.errors or _needs_place(action, place):
        return HttpResponseRedirect(_start_url(action, place))
    try:
        session = telephony.start_session(
            action,
            phone_text=request.POST.get("phone", ""),
            ip_address=client_ip(request),
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
