"""The code an organizer pastes into a partner's page, and which actions a campaign has."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tocsin.calls.models import CallAction
from tocsin.campaigns.models import Campaign
from tocsin.events.models import Event
from tocsin.fundraising.models import Fundraiser
from tocsin.petitions.models import PetitionAction

# A plain iframe cannot grow with its content: tall enough for the form and its first message.
HEIGHTS = {"sign": 760, "call": 640, "write": 760, "rsvp": 680, "give": 720, "join": 620}
WIDTH = 560
DEFAULT_ORDER = ["call", "sign", "rsvp", "give", "write", "join"]
NAMES = {
    "sign": _("Sign the petition"),
    "call": _("Call"),
    "write": _("Write"),
    "rsvp": _("RSVP to an event"),
    "give": _("Give"),
    "join": _("Become a supporter"),
}


def available_kinds(campaign: Campaign) -> list[str]:
    """The actions this campaign offers now, main action first, then the organizer's order."""
    have = {"join"}
    if CallAction.objects.filter(campaign=campaign, is_active=True).exists():
        have.add("call")
    if PetitionAction.objects.filter(campaign=campaign).exists():
        have.add("sign")
    if campaign.write_actions.filter(is_open=True).exists():
        have.add("write")
    if Event.objects.public().filter(campaign=campaign).upcoming().exists():
        have.add("rsvp")
    if Fundraiser.objects.filter(campaign=campaign).open().exists():
        have.add("give")
    # As the campaign page orders them (campaigns.Campaign.action_order's help text).
    order = [campaign.primary_action, *campaign.chosen_action_order, *DEFAULT_ORDER]
    return [kind for kind in dict.fromkeys(order) if kind in have]


def frame_url(campaign: Campaign, kind: str, language: str = "") -> str:
    url = f"{settings.TOCSIN_BASE_URL}/embed/c/{campaign.slug}/{kind}/"
    return url + (f"?lang={language}" if language else "")


def frame_title(campaign: Campaign, kind: str) -> str:
    return f"{NAMES[kind]}: {campaign.title}"


def script_snippet(campaign: Campaign, kind: str, language: str = "") -> str:
    return format_html(
        '<div data-tocsin-action="{}" data-campaign="{}" data-title="{}"{}></div>\n'
        '<script async src="{}/embed.js"></script>',
        kind,
        campaign.slug,
        frame_title(campaign, kind),
        format_html(' data-lang="{}"', language) if language else "",
        settings.TOCSIN_BASE_URL,
    )


def iframe_snippet(
    campaign: Campaign, kind: str, language: str = "", width=None, height=None
) -> str:
    return format_html(
        '<iframe src="{}" title="{}" width="{}" height="{}" loading="lazy" '
        'style="border:0;max-width:100%"></iframe>',
        frame_url(campaign, kind, language),
        frame_title(campaign, kind),
        width or "100%",
        height or HEIGHTS[kind],
    )


@dataclass(frozen=True)
class Snippet:
    kind: str
    name: str
    script: str
    iframe: str


def snippets_for(campaign: Campaign) -> list[Snippet]:
    return [
        Snippet(
            kind=kind,
            name=str(NAMES[kind]),
            script=script_snippet(campaign, kind),
            iframe=iframe_snippet(campaign, kind),
        )
        for kind in available_kinds(campaign)
    ]
