from django import template

from tocsin.targets.services import offices_for

register = template.Library()


@register.simple_tag
def shown_offices(target, organization):
    """`{% shown_offices person campaign.organization_id as offices %}`: the offices supporters
    of that organization's campaigns see, with its corrected numbers."""
    return offices_for(target, organization or None)
