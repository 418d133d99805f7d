"""The public breakdown (petition.json) leaves out places with fewer than 5 signatures, so a
lone signer from a small country or district cannot be singled out (issue 14, finding 22)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature
from tocsin.petitions.services import suppress_small

pytestmark = pytest.mark.django_db


def sign(petition, n, district="", country="US"):
    for _ in range(n):
        Signature.objects.create(
            petition=petition,
            name="S",
            email=f"s{Signature.objects.count()}@example.org",
            district=district,
            country=country,
            confirmed_at=timezone.now(),
        )


def test_places_with_fewer_than_five_signatures_are_left_out(client):
    petition = PetitionFactory()
    sign(petition, 12, "WI-2")
    sign(petition, 7, "WI-3")
    sign(petition, 6, "NY-13")
    sign(petition, 5, "NY-10")
    sign(petition, 1, "", "IS")
    sign(petition, 9, "", "GB")
    data = client.get(reverse("petitions:json", kwargs={"slug": petition.campaign.slug})).json()
    assert data["signatures"] == 40
    assert data["by_district"] == {"WI-2": 12, "WI-3": 7, "NY-13": 6, "NY-10": 5}
    assert data["by_state"] == {"WI": 19, "NY": 11}
    # Iceland's one signer is left out; so is the next smallest country, or the total less the
    # others would give the lone signer's count away.
    assert data["by_country"] == {"US": 30}
    assert min(data["by_district"].values()) >= 5


def test_a_lone_small_district_cannot_be_worked_out_from_its_state():
    # WI is 15: with WI-3 (1) left out alone, 15 - 14 would give it away.
    assert suppress_small({"WI-2": 14, "WI-3": 1}) == {}
    assert suppress_small({"WI-2": 14, "WI-3": 6, "WI-4": 1}) == {"WI-2": 14}
    assert suppress_small({"WI-2": 14, "WI-3": 3, "WI-4": 2}) == {"WI-2": 14}
    assert suppress_small({"WI-2": 14, "WI-3": 6}) == {"WI-2": 14, "WI-3": 6}
    assert suppress_small({}) == {}
