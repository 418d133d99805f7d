"""Finding 6 of issue 15: the join form and the ZIP lookup announce their errors."""

import pytest
from django.urls import reverse

from tocsin.campaigns.factories import CampaignFactory
from tocsin.core.tests.form_errors import form_error_problems
from tocsin.supporters.models import Supporter

pytestmark = pytest.mark.django_db


def test_an_invalid_join_announces_each_error_and_links_to_its_field(client):
    campaign = CampaignFactory()
    response = client.post(
        reverse("campaigns:join", args=[campaign.slug]),
        {"name": "", "email": "nope", "postcode": "!!"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert form_error_problems(html) == []
    for field in ("name", "email", "postcode"):
        assert f'href="#id_{field}"' in html
    assert not Supporter.objects.exists()


@pytest.mark.parametrize("zip_code", ["", "abcde", "1234567890123"])
def test_a_bad_zip_is_announced_and_its_error_exists(client, zip_code):
    """Today's bug: the input pointed at id_zip_error, which was not on the page."""
    campaign = CampaignFactory()
    response = client.post(
        reverse("campaigns:legislators", args=[campaign.slug]), {"zip": zip_code}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-describedby="id_zip_error"' in html
    assert 'id="id_zip_error"' in html
    assert 'href="#id_zip"' in html
    assert form_error_problems(html) == []
