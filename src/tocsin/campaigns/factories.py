import datetime

import factory

from tocsin.campaigns.models import Campaign, CampaignTarget, Demand, Source
from tocsin.organizations.factories import OrganizationFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    summary = "Stand with human-rights defenders."
    body = "Why this matters, in **Markdown**."
    deadline = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=30))
    status = Campaign.Status.LIVE


class DemandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Demand

    campaign = factory.SubFactory(CampaignFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Demand number {n}")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    campaign = factory.SubFactory(CampaignFactory)
    title = factory.Sequence(lambda n: f"Report {n}")
    publisher = "Human Rights Observer"
    published_on = datetime.date(2017, 12, 17)
    url = factory.Sequence(lambda n: f"https://example.org/report-{n}")


class CampaignTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignTarget

    campaign = factory.SubFactory(CampaignFactory)
    target = factory.SubFactory("tocsin.targets.factories.CustomTargetFactory")
    position = factory.Sequence(lambda n: n)
