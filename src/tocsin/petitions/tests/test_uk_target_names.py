"""A petition's page names its targets as they are addressed: "Rachel Blake MP", a minister by
their post, "Senator Tammy Baldwin" as before."""

import re

import pytest
from django.urls import reverse

from tocsin.campaigns.factories import CampaignTargetFactory
from tocsin.petitions.factories import PetitionFactory
from tocsin.targets.factories import MinisterFactory, MPFactory, SenatorFactory

pytestmark = pytest.mark.django_db


def test_the_petition_names_mps_ministers_and_senators_as_they_are_addressed(client):
    petition = PetitionFactory()
    for target in (
        MPFactory(name="Rachel Blake"),
        MinisterFactory(name="Yvette Cooper", title="Home Secretary"),
        SenatorFactory(name="Tammy Baldwin"),
    ):
        CampaignTargetFactory(campaign=petition.campaign, target=target)
    response = client.get(reverse("petitions:sign", args=[petition.campaign.slug]))
    html = re.sub(r"\s+", " ", response.content.decode())
    addressed = re.search(r"<strong>To:</strong> (.*?)</p>", html).group(1)
    assert sorted(addressed.split("; ")) == [
        "Rachel Blake MP",
        "Senator Tammy Baldwin",
        "Yvette Cooper, Home Secretary",
    ]
