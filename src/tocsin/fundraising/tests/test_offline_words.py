"""Without online giving, supporters read how to give; the set-up state is for organizers
(issue 15, finding 7)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tocsin.fundraising.factories import FundraiserFactory

pytestmark = pytest.mark.django_db


def test_the_public_reads_how_to_give_and_the_back_office_why(client, settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    fundraiser = FundraiserFactory(offline_instructions="Sort code 00-00-00, account 00000000.")
    page = client.get(fundraiser.get_absolute_url()).content.decode()
    assert "You can give by bank transfer, cheque or cash" in page
    assert "Sort code 00-00-00" in page
    assert "not set up" not in page
    assert "Stripe keys" not in page

    admin = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-12345678")
    client.force_login(admin)
    change = client.get(reverse("admin:fundraising_fundraiser_change", args=[fundraiser.pk]))
    assert "Not set up: this site has no Stripe keys" in change.content.decode()
