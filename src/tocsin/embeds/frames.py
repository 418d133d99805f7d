"""Which pages a partner site may frame, and the URLs they link to while framed.

The framed pages are the action apps' own views, reached under /embed/ (and /embed/<lang>/
when the snippet asked for a language): the same forms, the same service functions, the
same rows. While one of them answers, `reverse()` uses a URL configuration of this module's
in which each action route ("c/<slug>/…", "events/<slug>/…", "give/<slug>/…") sits under the
same prefix, so every link, form and redirect of the flow stays inside the frame without any
change to those apps. Every other route (a confirmation link in a mail, the home page) keeps
its ordinary address.
"""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.urls import URLPattern, get_resolver, include, path
from django.urls.resolvers import RoutePattern

from tocsin.campaigns.models import Campaign
from tocsin.events.models import Event
from tocsin.fundraising.models import Fundraiser

# The apps whose pages an embed shows, by their URL modules.
ACTION_URLCONFS = [
    "tocsin.petitions.urls",
    "tocsin.calls.urls",
    "tocsin.letters.urls",
    "tocsin.campaigns.urls",
    "tocsin.events.urls",
    "tocsin.fundraising.urls",
]
FRAMED_ROUTES = ("c/<slug:slug>/", "events/<slug:slug>/", "give/<slug:slug>/")
KINDS = ("sign", "call", "write", "rsvp", "give", "join")


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def prefix_for(language: str | None) -> str:
    return f"embed/{language}/" if language else "embed/"


class FrameURLConf:
    """A URL configuration object (Django accepts any object with `urlpatterns`)."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.urlpatterns = [
            *(self._framed(module) for module in ACTION_URLCONFS),
            # Everything else as the site has it (the first namespace of a name wins).
            *get_resolver(settings.ROOT_URLCONF).url_patterns,
        ]

    def _framed(self, module_name: str):
        module = __import__(module_name, fromlist=["urlpatterns"])
        patterns = []
        for pattern in module.urlpatterns:
            route = str(pattern.pattern)
            if (
                isinstance(pattern, URLPattern)
                and isinstance(pattern.pattern, RoutePattern)
                and route.startswith(FRAMED_ROUTES)
            ):
                pattern = path(
                    self.prefix + route, pattern.callback, pattern.default_args, name=pattern.name
                )
            patterns.append(pattern)
        return path("", include((patterns, module.app_name)))


@functools.cache
def urlconf(language: str | None) -> FrameURLConf:
    return FrameURLConf(prefix_for(language))


def split_language(path_info: str) -> str | None:
    """The language named by the path (/embed/es/…), or None."""
    parts = path_info.split("/")
    if len(parts) > 3 and parts[1] == "embed" and parts[2] in languages():
        return parts[2]
    return None


def framed_route(route: str, prefix: str) -> str | None:
    """The action app's own route of a framed page ("c/<slug:slug>/sign/"), or None."""
    if not route.startswith(prefix):
        return None
    rest = route[len(prefix) :]
    return rest if rest.startswith(FRAMED_ROUTES) else None


def kind_of(route: str) -> str:
    """Which action a framed route belongs to: sign, call, write, rsvp, give or join (or,
    for the few other pages of a campaign, the first word of the route after its slug)."""
    if route.startswith("events/"):
        return "rsvp"
    if route.startswith("give/"):
        return "give"
    word = route.removeprefix("c/<slug:slug>/").split("/", 1)[0]
    return "join" if word in ("joined", "legislators") else word


@dataclass(frozen=True)
class Framed:
    campaign: Campaign
    kind: str


def campaign_of(route: str, slug: str) -> Campaign | None:
    """The public (live or closed) campaign a framed page belongs to; None for a draft, an
    unknown slug, or an event or fundraiser of no campaign (no list of allowed sites)."""
    if route.startswith("events/"):
        event = Event.objects.public().select_related("campaign").filter(slug=slug).first()
        campaign = event.campaign if event else None
    elif route.startswith("give/"):
        fundraiser = (
            Fundraiser.objects.public().select_related("campaign").filter(slug=slug).first()
        )
        campaign = fundraiser.campaign if fundraiser else None
    else:
        campaign = Campaign.objects.public().filter(slug=slug).first()
    if campaign is None or campaign.status == Campaign.Status.DRAFT:
        return None
    return campaign
