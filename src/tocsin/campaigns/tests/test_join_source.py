"""Issue 16: joining from a link with ?source= credits that source, on the person and on
the consent, through a hidden field of the form; junk in the code is dropped."""

import pytest
from django.urls import reverse

from tocsin.campaigns.factories import CampaignFactory
from tocsin.supporters.models import Consent, Supporter

pytestmark = pytest.mark.django_db


def test_the_join_page_carries_its_source_to_the_person_and_the_consent(client):
    campaign = CampaignFactory(status="live")
    url = reverse("campaigns:join", kwargs={"slug": campaign.slug})
    page = client.get(url + "?source=Radio%20Show%3Cb%3E").content.decode()
    assert '<input type="hidden" name="source" value="radioshowb">' in page

    response = client.post(
        url + "?source=ignored",
        {
            "name": "Ana López",
            "email": "ana@example.org",
            "postcode": "53703",
            "source": "Radio Show<b>",
            f"consent_{campaign.organization.pk}": "on",
        },
    )

    assert response.status_code == 302
    person = Supporter.objects.get()
    assert (person.source, person.first_page) == ("radioshowb", url)
    consent = Consent.objects.get()
    assert (consent.source, consent.page) == ("radioshowb", url)


def test_a_join_page_without_source_stores_none(client):
    campaign = CampaignFactory(status="live")
    url = reverse("campaigns:join", kwargs={"slug": campaign.slug})
    assert 'name="source"' not in client.get(url).content.decode()
    client.post(
        url,
        {
            "name": "Ana López",
            "email": "ana@example.org",
            "postcode": "53703",
            f"consent_{campaign.organization.pk}": "on",
        },
    )
    assert Supporter.objects.get().source == ""
