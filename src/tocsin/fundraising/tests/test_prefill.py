"""A gift from an alert's button: Stripe Checkout opens with the address the alert went to."""

import pytest
from django.urls import reverse

from tocsin.organizations.factories import OrganizationFactory
from tocsin.supporters import prefill
from tocsin.supporters.factories import SupporterFactory

from .conftest import form_value

pytestmark = pytest.mark.django_db


def give(client, fundraiser, query: str = "", **data):
    return client.post(reverse("fundraising:detail", args=[fundraiser.slug]) + query, data)


def test_a_prefill_link_gives_checkout_the_donors_address(client, fake_stripe, fundraiser):
    person = SupporterFactory(organization=fundraiser.organization, email="ana@example.net")
    token = prefill.token_for(person)

    response = give(client, fundraiser, f"?p={token}", amount="2500")

    assert response.status_code == 303
    assert "ana@example.net" not in response["Location"]
    assert "no-store" in response["Cache-Control"]
    [request] = fake_stripe.requests
    assert form_value(request, "customer_email") == "ana@example.net"


@pytest.mark.parametrize("token", ["forged", None, "other organization"])
def test_without_a_valid_link_of_this_group_checkout_asks_the_donor(
    client, fake_stripe, fundraiser, token
):
    if token == "other organization":
        token = prefill.token_for(SupporterFactory(organization=OrganizationFactory()))
    query = f"?p={token}" if token else ""

    assert give(client, fundraiser, query, amount="2500").status_code == 303

    [request] = fake_stripe.requests
    assert "customer_email" not in request["form"]
