"""The pages that bring every action of a campaign together: the home page and the campaign
page. This app sits above the action apps (calls, petitions, events, fundraising, whip), so
none of them, nor campaigns, needs to import another to be shown."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.views.decorators.vary import vary_on_cookie

from tocsin.calls.services import call_count
from tocsin.campaigns.caching import page_cache_key
from tocsin.campaigns.forms import ZipForm
from tocsin.campaigns.models import Campaign
from tocsin.campaigns.views import campaign_for
from tocsin.events.services import upcoming_events
from tocsin.fundraising.services import thermometer
from tocsin.petitions.services import public_count


def home(request: HttpRequest) -> HttpResponse:
    campaigns = Campaign.objects.live().select_related("organization")
    return render(request, "pages/home.html", {"campaigns": campaigns})


def campaign_context(campaign: Campaign) -> dict:
    targets = [
        link.target
        for link in campaign.campaign_targets.select_related("target").prefetch_related(
            "target__social_accounts"
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
        "asking_organizations": [campaign.organization, *campaign.accepted_partners()],
        "events": upcoming_events(campaign),
    }


@vary_on_cookie
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # Public pages are the same for everyone in a language, so the rendered page is cached;
    # drafts (organizer previews) never are. Saves of a campaign clear its entries.
    key = page_cache_key(slug, get_language())
    html = cache.get(key)
    if html is None:
        campaign = campaign_for(request, slug)
        context = campaign_context(campaign) | {"zip_form": ZipForm()}
        html = render_to_string("pages/campaign.html", context, request=request)
        if campaign.status == Campaign.Status.DRAFT:
            return HttpResponse(html)
        cache.set(key, html, settings.TOCSIN_PAGE_CACHE_SECONDS)
    return HttpResponse(html)
