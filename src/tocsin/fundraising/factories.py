import datetime

import factory
from django.utils import timezone

from tocsin.campaigns.factories import CampaignFactory

from .models import Fundraiser, Gift


class FundraiserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fundraiser

    campaign = factory.SubFactory(CampaignFactory)
    organization = factory.LazyAttribute(lambda f: f.campaign.organization)
    title = factory.Sequence(lambda n: f"Fighting fund {n}")
    slug = factory.Sequence(lambda n: f"fighting-fund-{n}")
    currency = "GBP"
    goal = 1_800_000
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    suggested_amounts = "10, 25, 50"
    min_amount = 100
    max_amount = 1_000_000
    story = "We need **printing** money."
    offline_instructions = "Sort code 00-00-00, account 00000000."


class GiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gift

    fundraiser = factory.SubFactory(FundraiserFactory)
    source = Gift.Source.CASH
    amount = 2_500
    currency = factory.LazyAttribute(lambda g: g.fundraiser.currency)
    donor_name = "Ana Donor"
    donor_email = factory.Sequence(lambda n: f"donor{n}@example.org")
