"""The pages that bring every action of a campaign together: the home page and the campaign
page. This app sits above the action apps (calls, petitions, letters, events, fundraising,
whip), so none of them, nor campaigns, needs to import another to be shown."""

from csp.decorators import csp_replace
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import get_language
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_cookie

from tocsin.calls.services import call_count
from tocsin.campaigns.caching import page_cache_key
from tocsin.campaigns.forms import PostcodeForm, ZipForm
from tocsin.campaigns.models import Campaign, PrimaryAction
from tocsin.campaigns.places import lookup_for
from tocsin.campaigns.views import campaign_for
from tocsin.events.models import Event
from tocsin.events.services import upcoming_events
from tocsin.fundraising.models import Fundraiser
from tocsin.fundraising.services import thermometer
from tocsin.letters.services import letter_count
from tocsin.petitions.services import public_count
from tocsin.supporters.services import clean_source

from .actions import first_sentence, open_write_actions, ordered_actions
from .share_image import SHARE_IMAGE_SECONDS, share_image_png

HOME_EVENTS = 6
HOME_FUNDRAISERS = 6


def _live_call_action(campaign: Campaign):
    call_action = getattr(campaign, "call_action", None)
    if call_action is not None and not call_action.is_active:
        return None
    return call_action


def _available_actions(
    campaign, *, call_action, petition, has_events, fundraiser, write_actions=()
) -> set[str]:
    available = {PrimaryAction.JOIN}
    if call_action:
        available.add(PrimaryAction.CALL)
    if petition:
        available.add(PrimaryAction.SIGN)
    if write_actions:
        available.add(PrimaryAction.WRITE)
    if has_events:
        available.add(PrimaryAction.RSVP)
    if fundraiser:
        available.add(PrimaryAction.GIVE)
    return available


def absolute_url(path: str) -> str:
    return settings.TOCSIN_BASE_URL + path


def share_meta(campaign: Campaign) -> dict:
    return {
        "title": campaign.title,
        "description": campaign.share_description or first_sentence(campaign.summary),
        "url": absolute_url(campaign.get_absolute_url()),
        # The version changes with each save, so networks that keep pictures fetch the new one.
        "image": absolute_url(reverse("pages:share-image", kwargs={"slug": campaign.slug}))
        + f"?v={int(campaign.updated_at.timestamp())}",
    }


def home(request: HttpRequest) -> HttpResponse:
    campaigns = (
        Campaign.objects.live()
        .select_related("organization", "call_action", "petition")
        .prefetch_related("write_actions")
    )
    now = timezone.now()
    events = list(
        Event.objects.public()
        .upcoming(now)
        .filter(is_published=True)
        .select_related("campaign", "organization")[:HOME_EVENTS]
    )
    for event in events:
        event.next_session = event.sessions.upcoming(now).order_by("starts_at").first()
    campaign_ids_with_events = set(
        Event.objects.public()
        .upcoming(now)
        .filter(campaign__in=campaigns)
        .values_list("campaign_id", flat=True)
    )
    fundraisers = list(
        Fundraiser.objects.open()
        .public()
        .select_related("campaign", "organization")
        .order_by("deadline", "pk")
    )
    open_fundraiser_of = {}
    for fundraiser in fundraisers:
        open_fundraiser_of.setdefault(fundraiser.campaign_id, fundraiser)
    thermometers = {f.pk: thermometer(f) for f in fundraisers[:HOME_FUNDRAISERS]}
    cards = [
        _home_card(
            campaign,
            has_events=campaign.pk in campaign_ids_with_events,
            fundraiser=open_fundraiser_of.get(campaign.pk),
            thermometers=thermometers,
        )
        for campaign in campaigns
    ]
    context = {
        "cards": cards,
        "events": [e for e in events if e.next_session is not None],
        "fundraisers": [(f, thermometers[f.pk]) for f in fundraisers[:HOME_FUNDRAISERS]],
    }
    return render(request, "pages/home.html", context)


def _home_card(campaign, *, has_events, fundraiser, thermometers) -> dict:
    call_action = _live_call_action(campaign)
    petition = getattr(campaign, "petition", None)
    write_actions = open_write_actions(campaign)
    actions = ordered_actions(
        _available_actions(
            campaign,
            call_action=call_action,
            petition=petition,
            has_events=has_events,
            fundraiser=fundraiser,
            write_actions=write_actions,
        ),
        campaign.primary_action,
        campaign.chosen_action_order,
    )
    if fundraiser is not None and fundraiser.pk not in thermometers:
        thermometers[fundraiser.pk] = thermometer(fundraiser)
    return {
        "campaign": campaign,
        # Joining is on every campaign: the card names what is particular to this one.
        "asks": [kind for kind in actions if kind != PrimaryAction.JOIN] or actions,
        "primary": actions[0],
        "call_count": call_count(call_action) if call_action else None,
        "signatures": public_count(petition).confirmed if petition else None,
        "letters": letter_count(campaign) if write_actions else None,
        "thermometer": thermometers[fundraiser.pk] if fundraiser else None,
    }


def campaign_context(campaign: Campaign) -> dict:
    targets = [
        link.target
        for link in campaign.campaign_targets.select_related("target").prefetch_related(
            "target__social_accounts"
        )
    ]
    call_action = _live_call_action(campaign)
    petition = getattr(campaign, "petition", None)
    fundraiser = campaign.fundraisers.open().order_by("deadline", "pk").first()
    events = upcoming_events(campaign)
    write_actions = open_write_actions(campaign)
    demands = list(campaign.demands.all())
    actions = (
        ordered_actions(
            _available_actions(
                campaign,
                call_action=call_action,
                petition=petition,
                has_events=bool(events),
                fundraiser=fundraiser,
                write_actions=write_actions,
            ),
            campaign.primary_action,
            campaign.chosen_action_order,
        )
        if campaign.is_open
        else []
    )
    return {
        "campaign": campaign,
        "share": share_meta(campaign),
        "primary_action": actions[0] if actions else None,
        "more_actions": actions[1:],
        "petition": petition,
        "petition_count": public_count(petition) if petition else None,
        "call_action": call_action,
        "call_count": call_count(call_action) if call_action else 0,
        "write_actions": write_actions,
        "letter_count": letter_count(campaign) if write_actions else 0,
        "fundraiser": fundraiser,
        "fundraiser_thermometer": thermometer(fundraiser) if fundraiser else None,
        "first_demand": demands[0] if demands else None,
        "demands": demands,
        "sources": list(campaign.sources.all()),
        "targets": targets,
        "asking_organizations": [campaign.organization, *campaign.accepted_partners()],
        "events": events,
    }


# The organizer's preview frames the page at phone width; no other site may (embeds have pages
# of their own, with the campaign's list of sites).
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
@vary_on_cookie
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # Public pages are the same for everyone in a language, so the rendered page is cached;
    # drafts (organizer previews) never are. Saves of a campaign clear its entries.
    source = clean_source(request.GET.get("source", ""))
    key = page_cache_key(slug, get_language(), source)
    html = cache.get(key)
    if html is None:
        campaign = campaign_for(request, slug)
        context = campaign_context(campaign) | {
            "zip_form": ZipForm(),
            "postcode_form": PostcodeForm(),
            "place_lookup": lookup_for(campaign),
            "source": source,
        }
        html = render_to_string("pages/campaign.html", context, request=request)
        if campaign.status == Campaign.Status.DRAFT:
            return HttpResponse(html)
        cache.set(key, html, settings.TOCSIN_PAGE_CACHE_SECONDS)
    return HttpResponse(html)


@require_http_methods(["GET", "HEAD"])
def share_image(request: HttpRequest, slug: str) -> HttpResponse:
    """The picture social networks show beside a shared link: public campaigns only, so a
    draft's title never leaves the back office."""
    campaign = Campaign.objects.public().select_related("organization").filter(slug=slug).first()
    if campaign is None:
        raise Http404
    # Keyed by the last save, so an edited title makes a new picture and the old one expires;
    # and by language, as the title is the reader's language's.
    key = f"campaign-share-image:{campaign.pk}:{get_language()}:{campaign.updated_at.timestamp()}"
    png = cache.get(key)
    if png is None:
        png = share_image_png(campaign.title, campaign.organization.name)
        cache.set(key, png, SHARE_IMAGE_SECONDS)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = f"public, max-age={SHARE_IMAGE_SECONDS}"
    response["Last-Modified"] = http_date(campaign.updated_at.timestamp())
    return response
