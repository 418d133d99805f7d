from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from tocsin.core.dates import zone_for_place, zone_name
from tocsin.districts import services as districts
from tocsin.districts import uk
from tocsin.supporters import prefill
from tocsin.supporters.forms import JoinForm
from tocsin.supporters.limits import join_limit
from tocsin.supporters.services import become_supporter, clean_source
from tocsin.targets.delegations import delegation_for, house_members_by_district
from tocsin.targets.models import Target

from .forms import (
    LocationForm,
    PostcodeForm,
    ZipForm,
    district_not_in_zip_message,
    outside_constituencies_message,
    outside_districts_message,
)
from .models import Campaign
from .next_ask import mark_done
from .places import place_for_postcode


def campaign_for(request: HttpRequest, slug: str) -> Campaign:
    """A public campaign, or a draft for organizers of its own organizations (a preview)."""
    queryset = Campaign.objects.select_related("organization", "call_action", "petition")
    return get_object_or_404(queryset.viewable_by(request.user), slug=slug)


# A lookup of public data that changes nothing and shows its answer only to the browser that
# asked, so a forged cross-site POST gains nothing; and its ZIP form sits on the campaign
# page, which is cached for everyone and so cannot carry a per-visitor CSRF token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def find_legislators(request: HttpRequest, slug: str) -> HttpResponse:
    """ZIP first; a ZIP split between districts is narrowed by location or by picking one.

    The ZIP code, the district picked and the location all come by POST, and the answer is
    rendered in reply: in a URL they would be kept by proxies, access logs and browser history
    and sent on in Referer headers. A GET only shows the form."""
    campaign = campaign_for(request, slug)
    if campaign.country == Campaign.Country.GB:
        return _find_mp(request, campaign)
    context = {"campaign": campaign, "data_loaded": districts.zip_data_loaded()}
    if request.method == "GET":
        context["zip_form"] = ZipForm()
        return render(request, "campaigns/legislators.html", context)
    if "latitude" in request.POST:
        return _legislators_at_location(request, campaign, context)

    zip_form = ZipForm(request.POST)
    context["zip_form"] = zip_form
    if not zip_form.is_valid():
        return render(request, "campaigns/legislators.html", context, status=400)

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


def _find_mp(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """The UK lookup: a postcode, or for Northern Ireland (whose postcodes are in no open
    data) a seat picked from its 18 or a location. As the ZIP lookup, everything by POST."""
    context = {"campaign": campaign, "data_loaded": uk.postcode_data_loaded()}
    if request.method == "GET":
        context["postcode_form"] = PostcodeForm()
        return render(request, "campaigns/mp.html", context)
    if "latitude" in request.POST:
        return _mp_at_location(request, campaign, context)
    form = PostcodeForm(request.POST)
    context["postcode_form"] = form
    if not form.is_valid():
        return render(request, "campaigns/mp.html", context, status=400)
    place = place_for_postcode(form.cleaned_data["postcode"], form.cleaned_data["constituency"])
    context["place"] = place
    if place.error:
        # A seat picked that the postcode does not allow is the list's error, not the field's.
        picked = form.cleaned_data["constituency"] is not None
        form.add_error(None if picked else "postcode", place.error)
        if place.lookup and place.lookup.status == uk.PostcodeStatus.NORTHERN_IRELAND:
            context["northern_ireland"] = _northern_ireland_choices()
        return render(request, "campaigns/mp.html", context, status=400)
    if place.needs_northern_ireland_seat:
        context["northern_ireland"] = _northern_ireland_choices()
        context["boundaries_loaded"] = bool(context["northern_ireland"])
        return render(request, "campaigns/mp.html", context)
    if place.constituency is not None:
        context |= _mp_context(place.constituency)
    return render(request, "campaigns/mp.html", context)


def _northern_ireland_choices() -> dict:
    """Each of Northern Ireland's seats with its MP (None while vacant), by name."""
    return {seat: Target.objects.mp_for(seat.code) for seat in uk.northern_ireland_constituencies()}


def _mp_context(constituency: uk.ConstituencyRef) -> dict:
    zone = zone_for_place("GB")
    return {
        "constituency": constituency,
        "mp": Target.objects.mp_for(constituency.code),
        "uk_now": timezone.now().astimezone(zone),
        "uk_zone_name": zone_name(zone),
    }


def _mp_at_location(request, campaign, context) -> HttpResponse:
    form = LocationForm(request.POST)
    postcode = request.POST.get("postcode", "")[:20]
    context["postcode_form"] = PostcodeForm(initial={"postcode": postcode})
    context["location_used"] = True
    if not form.is_valid():
        context["location_error"] = form.errors.get("__all__") or [
            LocationForm.error_messages["invalid_location"]
        ]
        return render(request, "campaigns/mp.html", context, status=400)
    found = uk.constituency_at(form.cleaned_data["latitude"], form.cleaned_data["longitude"])
    if found is None:
        context["location_error"] = [outside_constituencies_message()]
        return render(request, "campaigns/mp.html", context, status=400)
    context |= _mp_context(found)
    return render(request, "campaigns/mp.html", context)


@prefill.private_when_prefilled
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for(request, slug)
    organizations = [campaign.organization, *campaign.accepted_partners()]
    # Opened from an alert's button (the form posts back to the same address, token included).
    prefilled = prefill.from_request(request, organizations)
    form = JoinForm(
        request.POST or None,
        organizations=organizations,
        limit=join_limit(request, campaign),
        initial=prefilled.initial if prefilled else None,
    )
    # The page's ?source= code, carried through the POST in a hidden field; never trusted
    # beyond clean_source.
    source = clean_source(request.POST.get("source") or request.GET.get("source", ""))
    if request.method == "POST" and form.is_valid():
        become_supporter(
            campaign=campaign,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            postcode=form.cleaned_data["postcode"],
            consents=form.chosen_consents(),
            language=get_language(),
            source=source,
            page=request.path,
        )
        return redirect("campaigns:joined", slug=campaign.slug)
    status = 400 if form.is_bound else 200
    context = {"campaign": campaign, "form": form, "source": source}
    return render(request, "campaigns/join.html", context, status=status)


def joined(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for(request, slug)
    response = render(request, "campaigns/joined.html", {"campaign": campaign})
    return mark_done(request, response, campaign, "join")
