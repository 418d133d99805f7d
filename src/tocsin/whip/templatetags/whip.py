"""The scoreboard as a piece of another page: `{% load whip %}{% scoreboard campaign %}`.

The campaign page shows it this way so that campaigns, which whip builds on, need not import
whip (the page's template names the tag; no Python import runs the other way).
"""

from django import template

from ..views import whip_context

register = template.Library()


@register.inclusion_tag("whip/includes/scoreboard.html")
def scoreboard(campaign) -> dict:
    return {"campaign": campaign, "whip": whip_context(campaign)}
