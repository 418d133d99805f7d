"""A campaign page reached through a source code (an op-ed's link, a partner's) passes the code
on to every action, so the action that follows is credited to it."""

import pytest
from django.urls import reverse

from tocsin.calls.factories import CallActionFactory
from tocsin.campaigns.factories import CampaignFactory
from tocsin.petitions.factories import PetitionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    campaign = CampaignFactory(slug="river")
    CallActionFactory(campaign=campaign)
    PetitionFactory(campaign=campaign)
    return campaign


def test_the_page_passes_its_source_code_to_each_action(client, campaign):
    url = reverse("pages:campaign", kwargs={"slug": campaign.slug})
    html = client.get(url, {"source": "Op-Ed"}).content.decode()
    assert f'{reverse("calls:start", kwargs={"slug": "river"})}?source=op-ed"' in html
    assert f'{reverse("petitions:sign", kwargs={"slug": "river"})}?source=op-ed"' in html


def test_a_page_without_a_source_is_not_served_a_copy_made_for_one(client, campaign):
    url = reverse("pages:campaign", kwargs={"slug": campaign.slug})
    client.get(url, {"source": "partner-x"})
    html = client.get(url).content.decode()
    assert "?source=" not in html
    assert f'href="{reverse("calls:start", kwargs={"slug": "river"})}"' in html
