"""Finding 6 of issue 15: the scoreboard's filter announces a filter that matches nobody."""

import pytest
from django.urls import reverse

from tocsin.campaigns.factories import CampaignFactory, CampaignTargetFactory
from tocsin.core.tests.form_errors import form_error_problems
from tocsin.targets.factories import LegislatorFactory

pytestmark = pytest.mark.django_db


def test_a_filter_matching_nobody_is_announced_and_linked_to_its_field(client):
    campaign = CampaignFactory(slug="hr-1299")
    CampaignTargetFactory(campaign=campaign, target=LegislatorFactory(name="Mark Pocan"))
    response = client.get(reverse("whip:scoreboard", args=["hr-1299"]), {"state": "TX"})
    assert response.status_code == 400
    html = response.content.decode()
    assert form_error_problems(html) == []
    assert 'href="#id_state"' in html
    assert 'id="id_state_error"' in html
    assert "Mark Pocan" in html  # showing everyone
