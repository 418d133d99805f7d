from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_cookie

from tocsin.calls.services import call_count
from tocsin.core.memo import memo
from tocsin.districts import services as districts
from tocsin.events.services import upcoming_events
from tocsin.fundraising.services import thermometer
from tocsin.petitions.services import public_count
from tocsin.supporters.forms import JoinForm
from tocsin.supporters.services import become_supporter
from tocsin.targets.delegations import delegation_for, house_members_by_district

from . import services as whip
from .forms import (
    LocationForm,
    ScoreboardFilterForm,
    ZipForm,
    district_not_in_zip_message,
    outside_districts_message,
)
from .models import Campaign, Stance, StanceEvidence


def page_cache_key(slug: str, language: str) -> str:
    return f"campaign-page:{slug}:{language}"


def home(request: HttpRequest) -> HttpResponse:
    campaigns = Campaign.objects.live().select_related("organization")
    return render(request, "campaigns/home.html", {"campaigns": campaigns})


def campaign_for(request: HttpRequest, slug: str) -> Campaign:
    """A public campaign, or a draft for organizers of its own organizations (a preview)."""
    queryset = Campaign.objects.select_related(
        "organization", "call_action", "petition"
    ).prefetch_related("partners")
    return get_object_or_404(queryset.viewable_by(request.user), slug=slug)


def campaign_context(campaign: Campaign) -> dict:
    targets = [
        link.target
        for link in campaign.campaign_targets.select_related("target").prefetch_related(
            "target__offices", "target__social_accounts"
        )
    ]
    call_action = getattr(campaign, "call_action", None)
    if call_action is not None and not call_action.is_active:
        call_action = None
    petition = getattr(campaign, "petition", None)
    fundraiser = campaign.fundraisers.open().order_by("deadline", "pk").first()
    return {
        "campaign": campaign,
        "petition": petition,
        "petition_count": public_count(petition) if petition else None,
        "call_action": call_action,
        "call_count": call_count(call_action) if call_action else 0,
        "fundraiser": fundraiser,
        "fundraiser_thermometer": thermometer(fundraiser) if fundraiser else None,
        "demands": list(campaign.demands.all()),
        "sources": list(campaign.sources.all()),
        "targets": targets,
        "asking_organizations": [campaign.organization, *campaign.partners.all()],
        "events": upcoming_events(campaign),
        "whip": whip_context(campaign),
    }


def whip_context(campaign: Campaign, query=None) -> dict | None:
    """The scoreboard: targets grouped by stance, filtered by the GET form when one is given."""
    rows = whip.scoreboard_rows(campaign)
    if not rows:
        return None
    form = ScoreboardFilterForm(
        query or None,
        states={r.state for r in rows if r.state},
        parties={r.party for r in rows if r.party},
    )
    shown = rows
    if form.is_bound and form.is_valid():
        shown = whip.filter_rows(rows, **form.cleaned_data)
    return {
        "form": form,
        "filtered": shown is not rows,
        "groups": whip.group_by_stance(shown),
        "totals": [t for t in whip.stance_totals(shown) if t[2]],
        "shown": len(shown),
        "total": len(rows),
    }


@vary_on_cookie
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # Public pages are the same for everyone in a language, so the rendered page is cached;
    # drafts (organizer previews) never are. Saves of a campaign clear its entries.
    # A process keeps the page a few seconds too, so a busy page costs no cache round trip.
    key = page_cache_key(slug, get_language())
    html = memo.get(key)
    if html is None:
        html = cache.get(key)
        if html is None:
            campaign = campaign_for(request, slug)
            context = campaign_context(campaign) | {"zip_form": ZipForm()}
            html = render_to_string("campaigns/detail.html", context, request=request)
            if campaign.status == Campaign.Status.DRAFT:
                return HttpResponse(html)
            cache.set(key, html, settings.TOCSIN_PAGE_CACHE_SECONDS)
        memo.set(key, html)
    return HttpResponse(html)


@require_http_methods(["GET", "POST"])
def find_legislators(request: HttpRequest, slug: str) -> HttpResponse:
    """ZIP first; a ZIP split between districts is narrowed by location or by picking one."""
    campaign = campaign_for(request, slug)
    context = {"campaign": campaign, "data_loaded": districts.zip_data_loaded()}
    if request.method == "POST":
        return _legislators_at_location(request, campaign, context)

    zip_form = ZipForm(request.GET or None)
    context["zip_form"] = zip_form
    if not request.GET or not zip_form.is_valid():
        return render(request, "campaigns/legislators.html", context, status=_status(zip_form))

    lookup = districts.lookup_zip(zip_form.cleaned_data["zip"])
    context["lookup"] = lookup
    chosen = zip_form.cleaned_data["district"]
    if chosen is not None and chosen not in lookup.districts:
        zip_form.add_error("district", district_not_in_zip_message())
        return render(request, "campaigns/legislators.html", context, status=400)
    if lookup.status == districts.ZipLookupStatus.FOUND:
        chosen = lookup.districts[0]
    if chosen is not None:
        context["delegation"] = delegation_for(chosen)
    elif lookup.status == districts.ZipLookupStatus.AMBIGUOUS:
        context["candidates"] = house_members_by_district(lookup.districts)
        context["boundaries_loaded"] = districts.boundaries_loaded()
        states = {d.state for d in lookup.districts}
        if len(states) == 1:
            context["shared_senators"] = delegation_for(lookup.districts[0]).senators
    return render(request, "campaigns/legislators.html", context)


def _legislators_at_location(request, campaign, context) -> HttpResponse:
    form = LocationForm(request.POST)
    context["zip_form"] = ZipForm(initial={"zip": request.POST.get("zip", "")[:10]})
    context["location_used"] = True
    if not form.is_valid():
        context["location_error"] = form.errors.get("__all__") or [
            LocationForm.error_messages["invalid_location"]
        ]
        return render(request, "campaigns/legislators.html", context, status=400)
    district = districts.district_at(form.cleaned_data["latitude"], form.cleaned_data["longitude"])
    if district is None:
        context["location_error"] = [outside_districts_message()]
        return render(request, "campaigns/legislators.html", context, status=400)
    context["delegation"] = delegation_for(district)
    return render(request, "campaigns/legislators.html", context)


def _status(form) -> int:
    return 400 if form.is_bound and not form.is_valid() else 200


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for(request, slug)
    organizations = [campaign.organization, *campaign.partners.all()]
    form = JoinForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        become_supporter(
            campaign=campaign,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            postcode=form.cleaned_data["postcode"],
            consents=form.chosen_consents(),
            language=get_language(),
        )
        return redirect("campaigns:joined", slug=campaign.slug)
    status = 400 if form.is_bound else 200
    return render(
        request, "campaigns/join.html", {"campaign": campaign, "form": form}, status=status
    )


def joined(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for(request, slug)
    return render(request, "campaigns/joined.html", {"campaign": campaign})


@require_http_methods(["GET"])
def scoreboard(request: HttpRequest, slug: str) -> HttpResponse:
    """The whip count on its own page, with the state and party filters applied."""
    campaign = campaign_for(request, slug)
    context = whip_context(campaign, request.GET)
    if context is None:
        raise Http404
    status = 400 if not context["form"].is_valid() and context["form"].is_bound else 200
    return render(
        request, "campaigns/scoreboard.html", {"campaign": campaign, "whip": context}, status=status
    )


@require_http_methods(["GET"])
def target_stance(request: HttpRequest, slug: str, target_id: int) -> HttpResponse:
    """One target's stance with its dated history of evidence."""
    campaign = campaign_for(request, slug)
    row = next((r for r in whip.scoreboard_rows(campaign) if r.target_id == target_id), None)
    if row is None:
        raise Http404
    evidence = StanceEvidence.objects.filter(campaign=campaign, target_id=target_id).newest_first()
    context = {
        "campaign": campaign,
        "row": row,
        "stance_label": Stance(row.stance).label,
        "evidence": evidence,
    }
    return render(request, "campaigns/target_stance.html", context)
