"""Actions framed on partners' pages, the script that frames them, oEmbed, and the back-office
page with the code to copy.

`frame` answers every /embed/… address: it finds the action app's own view for the page (see
frames.py), checks a POST's origin and token in place of the CSRF cookie, hands the view the
host page as its `?source=`, and sends the answer back framable by the campaign's listed sites
only, without a cookie.
"""

import html
import re
from dataclasses import dataclass, field
from functools import cache
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import Resolver404, get_urlconf, resolve, reverse, set_urlconf
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from tocsin.campaigns.models import Campaign
from tocsin.core.framing import framed_by
from tocsin.events.models import Event
from tocsin.fundraising.models import Fundraiser
from tocsin.organizations.scoping import may
from tocsin.supporters.services import clean_source

from . import frames, security, snippets

REDIRECTS = (301, 302, 303, 307, 308)


@dataclass
class Embed:
    """What a framed page knows about its frame (as `request.tocsin_embed`; the base
    template leaves out the site's header and footer when it is set)."""

    campaign: Campaign
    kind: str
    language: str | None
    allowed: list[str] = field(default_factory=list)
    source: str = ""


def _language(request: HttpRequest, in_path: str | None) -> str | None:
    asked = request.GET.get("lang", "")
    return asked if asked in frames.languages() else in_path


def _source_of_visit(request: HttpRequest, allowed: list[str]) -> str:
    """The host page as a source: the snippet's ?host=, else (a plain iframe's first page)
    the Referer when it is not one of Tocsin's own pages, else the flow's carried ?source=."""
    host = request.GET.get("host", "")
    if host:
        return security.source_for_host(host, allowed)
    referer = request.headers.get("Referer", "")
    if referer and security.origin_of_url(referer) not in security.own_origins(request):
        return security.source_for_host(referer, allowed)
    return clean_source(request.GET.get("source", "")) or "embed"


@csrf_exempt  # in place of the cookie: security.check_origin and the signed form token
@xframe_options_exempt  # the Content-Security-Policy's frame-ancestors decides instead
def frame(request: HttpRequest) -> HttpResponse:
    in_path = frames.split_language(request.path_info)
    conf = frames.urlconf(in_path)
    try:
        match = resolve(request.path_info, urlconf=conf)
    except Resolver404:
        raise Http404 from None
    route = frames.framed_route(match.route, conf.prefix)
    if route is None or "slug" not in match.kwargs:
        raise Http404
    campaign = frames.campaign_of(route, match.kwargs["slug"])
    if campaign is None:
        raise Http404
    language = _language(request, in_path)
    if language:
        translation.activate(language)
        request.LANGUAGE_CODE = language
    embed = Embed(
        campaign=campaign,
        kind=frames.kind_of(route),
        language=language,
        allowed=campaign.allowed_embed_origins,
    )
    request.tocsin_embed = embed
    if request.method == "POST":
        try:
            security.check_origin(request)
            embed.source = security.read_token(
                request.POST.get(security.TOKEN_FIELD, ""), campaign.pk, embed.kind
            )
        except security.Refused as refused:
            context = {"campaign": campaign, "message": refused.message}
            response = render(request, "embeds/refused.html", context, status=refused.status)
            return _finish(request, embed, response)
        post = request.POST.copy()
        post.pop(security.TOKEN_FIELD, None)
        post["source"] = embed.source
        request.POST = post
    else:
        embed.source = _source_of_visit(request, embed.allowed)
    query = request.GET.copy()
    for name in ("host", "lang"):
        query.pop(name, None)
    query["source"] = embed.source
    request.GET = query

    previous = get_urlconf()
    set_urlconf(frames.urlconf(language))
    try:
        request.resolver_match = match
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        return _finish(request, embed, response)
    finally:
        set_urlconf(previous)


def _finish(request: HttpRequest, embed: Embed, response: HttpResponse) -> HttpResponse:
    if response.status_code in REDIRECTS and not _stays_framed(request, response["Location"]):
        # Out of the frame (Stripe's checkout, a page of the site's own): a link to open it
        # in a new tab, as a framed page cannot be taken there.
        context = {"campaign": embed.campaign, "url": response["Location"]}
        response = render(request, "embeds/leave.html", context)
    elif "text/html" in response.get("Content-Type", "") and not response.streaming:
        charset = response.charset or "utf-8"
        response.content = _rewrite(response.content.decode(charset), embed).encode(charset)
    response = framed_by(response, embed.allowed)
    response.xframe_options_exempt = True
    # Nothing inside the frame sets or needs a cookie (blocked in many browsers anyway).
    response.cookies = SimpleCookie()
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
    patch_cache_control(response, private=True)
    return response


def _stays_framed(request: HttpRequest, location: str) -> bool:
    parts = urlsplit(location)
    if parts.netloc and security.origin_of_url(location) not in security.own_origins(request):
        return False
    return parts.path.startswith("/embed/")


CSRF_INPUT = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')
POST_FORM = re.compile(r"<form\b[^>]*\bmethod=[\"']?post\b[^>]*>", re.IGNORECASE)
FORM_ACTION = re.compile(r"\baction=\"([^\"]*)\"")
LINK = re.compile(r"<a\b([^>]*)>")
HREF = re.compile(r"\bhref=\"([^\"]*)\"")


def _rewrite(page: str, embed: Embed) -> str:
    """The framed page as sent: each POST form with the embed token instead of the CSRF
    token, and each link out of the frame opening in a new tab."""
    page = CSRF_INPUT.sub("", page)

    def add_token(form):
        tag = form.group(0)
        action = FORM_ACTION.search(tag)
        kind = _kind_of_url(html.unescape(action.group(1))) if action else None
        token = security.new_token(embed.campaign.pk, kind or embed.kind, embed.source)
        return f'{tag}<input type="hidden" name="{security.TOKEN_FIELD}" value="{token}">'

    def open_outside(link):
        attributes = link.group(1)
        href = HREF.search(attributes)
        if not href or "target=" in attributes or _is_framed_url(href.group(1)):
            return link.group(0)
        rel = "" if "rel=" in attributes else ' rel="noopener"'
        return f'<a{attributes} target="_blank"{rel}>'

    page = POST_FORM.sub(add_token, page)
    return LINK.sub(open_outside, page)


def _is_framed_url(href: str) -> bool:
    return href.startswith(("#", "/embed/", "?")) or href == ""


def _kind_of_url(url: str) -> str | None:
    path = urlsplit(url).path
    if not path:
        return None
    try:
        match = resolve(path)  # the frame's URL configuration, set by `frame`
    except Resolver404:
        return None
    route = frames.framed_route(match.route, frames.prefix_for(frames.split_language(path)))
    return frames.kind_of(route) if route else None


@xframe_options_exempt
@require_GET
def entry(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """/embed/c/<slug>/rsvp/ and …/give/: on to the campaign's next event or open fundraiser,
    which have addresses of their own."""
    campaign = get_object_or_404(Campaign.objects.public(), slug=slug)
    if kind == "rsvp":
        event = Event.objects.public().filter(campaign=campaign).upcoming().first()
        name, found = "events:detail", event
    else:
        fundraiser = Fundraiser.objects.public().filter(campaign=campaign).open().first()
        name, found = "fundraising:detail", fundraiser
    if found is None:
        raise Http404
    language = _language(request, None)
    url = reverse(name, kwargs={"slug": found.slug}, urlconf=frames.urlconf(language))
    query = {k: v for k, v in request.GET.items() if k in ("host", "source")}
    response = HttpResponseRedirect(url + (f"?{urlencode(query)}" if query else ""))
    response = framed_by(response, campaign.allowed_embed_origins)
    return response


@cache
def _embed_js() -> bytes:
    return (Path(__file__).parent / "static" / "embeds" / "embed.js").read_bytes()


@require_GET
def embed_js(request: HttpRequest) -> HttpResponse:
    """The partner's script, at an address that never changes (a hashed static name would
    break every pasted snippet at the next release)."""
    response = HttpResponse(_embed_js(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


OEMBED_PATH = re.compile(
    r"^/(?:embed/(?:[a-z]{2}/)?)?c/(?P<slug>[-a-zA-Z0-9_]+)/(?:(?P<kind>[a-z]+)/.*)?$"
)
OEMBED_MAX = 2000


def _dimension(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    if not value.isdigit() or not 0 < int(value) <= 10_000:
        raise ValueError(name)
    return int(value)


@require_GET
def oembed(request: HttpRequest) -> HttpResponse:
    """oEmbed (https://oembed.com): a campaign's or action's address → a "rich" iframe."""
    if request.GET.get("format", "json") != "json":
        return HttpResponse(
            gettext("Only format=json is offered."), status=501, content_type="text/plain"
        )
    url = request.GET.get("url", "")
    if not url:
        return HttpResponseBadRequest(gettext("Give the page's address as ?url=."))
    try:
        maxwidth, maxheight = _dimension(request, "maxwidth"), _dimension(request, "maxheight")
    except ValueError as error:
        return HttpResponseBadRequest(
            gettext("%(name)s must be a whole number of pixels.") % {"name": error}
        )
    match = OEMBED_PATH.match(urlsplit(url).path)
    if security.origin_of_url(url) not in security.own_origins(request) or match is None:
        raise Http404
    campaign = Campaign.objects.public().filter(slug=match["slug"]).first()
    if campaign is None:
        raise Http404
    kinds = snippets.available_kinds(campaign)
    kind = match["kind"] if match["kind"] in kinds else kinds[0]
    width = min(snippets.WIDTH, maxwidth or snippets.WIDTH)
    height = min(snippets.HEIGHTS[kind], maxheight or snippets.HEIGHTS[kind])
    response = JsonResponse(
        {
            "type": "rich",
            "version": "1.0",
            "title": snippets.frame_title(campaign, kind),
            "provider_name": settings.TOCSIN_SITE_NAME,
            "provider_url": settings.TOCSIN_BASE_URL + "/",
            "html": snippets.iframe_snippet(campaign, kind, width=width, height=height),
            "width": width,
            "height": height,
            "cache_age": 3600,
        }
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@staff_member_required
@require_GET
def snippets_page(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The code to paste into a partner's page, per action, and the sites allowed."""
    campaign = get_object_or_404(
        Campaign.objects.for_organizer(request.user).select_related("organization"),
        pk=campaign_id,
    )
    if not may(request.user, campaign.organization, "manage_campaigns"):
        raise PermissionDenied
    context = {
        "campaign": campaign,
        "snippets": snippets.snippets_for(campaign),
        "origins": campaign.allowed_embed_origins,
        "is_public": campaign.status != Campaign.Status.DRAFT,
        "oembed_url": settings.TOCSIN_BASE_URL + reverse("embeds:oembed"),
        "campaign_url": settings.TOCSIN_BASE_URL + campaign.get_absolute_url(),
        "edit_url": reverse("admin:campaigns_campaign_change", args=[campaign.pk])
        + "#id_embed_origins",
    }
    return render(request, "embeds/snippets.html", context)
