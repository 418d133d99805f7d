"""The card of a looked-up person puts an MP's letters after the name, as the British do,
and keeps a member of Congress's title before it."""

import re

import pytest
from django.template.loader import render_to_string

from tocsin.campaigns.factories import CampaignFactory
from tocsin.targets.factories import LegislatorFactory, MPFactory

pytestmark = pytest.mark.django_db


def card_heading(person) -> str:
    html = render_to_string(
        "campaigns/includes/person.html", {"person": person, "campaign": CampaignFactory()}
    )
    return re.search(r"<h3>(.*?)</h3>", html).group(1)


def test_an_mp_is_rachel_blake_mp():
    assert card_heading(MPFactory(name="Rachel Blake")) == "Rachel Blake MP"


def test_a_representative_keeps_the_title_first():
    assert card_heading(LegislatorFactory(name="Mark Pocan")) == "Representative Mark Pocan"
