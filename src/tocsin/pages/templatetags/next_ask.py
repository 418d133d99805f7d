"""`{% next_ask campaign "sign" %}`: the end of every thank-you page. The campaign's next
action this browser has not done yet, in the organizer's order, then the share step.

A template tag here, in the top layer, because the thank-you pages belong to the action apps
(calls, petitions, events, fundraising, campaigns), which may not import one another: a
template may include a higher app's tag (as the campaign page shows whip's scoreboard)."""

from django import template

from tocsin.campaigns.next_ask import done_kinds, next_action
from tocsin.campaigns.sharing import share_step
from tocsin.core.translated import Translated, text_of

from ..actions import first_sentence
from ..views import campaign_context

register = template.Library()


@register.inclusion_tag("pages/includes/next_ask.html", takes_context=True)
def next_ask(context, campaign, just_done: str = "") -> dict:
    if campaign is None:
        return {"campaign": None}
    request = context.get("request")
    shown = {"campaign": campaign, "request": request, "csrf_token": context.get("csrf_token")}
    share = context.get("share")
    if not share:
        text = text_of(campaign, "share_description", campaign.language)
        if not text:
            summary = text_of(campaign, "summary", campaign.language)
            text = Translated(first_sentence(summary.value), summary.lang, summary.fell_back)
        share = share_step(campaign, text=text)
    shown["share"] = share
    if not campaign.is_open:
        return shown
    page = campaign_context(campaign)
    order = [page["primary_action"], *page["more_actions"]] if page["primary_action"] else []
    done = done_kinds(request, campaign) if request is not None else set()
    kind = next_action(order, done | {just_done})
    if kind is not None:
        shown |= page | {"share": share, "next_kind": kind}
    return shown
