import datetime

import factory

from tocsin.campaigns.models import (
    Campaign,
    CampaignTarget,
    Demand,
    Source,
    Stance,
    StanceEvidence,
)
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


class StanceEvidenceFactory(factory.django.DjangoModelFactory):
    """Evidence saved directly; tests of the current stance go through services.record_stance."""

    class Meta:
        model = StanceEvidence

    campaign = factory.SubFactory(CampaignFactory)
    target = factory.SubFactory("tocsin.targets.factories.LegislatorFactory")
    stance = Stance.SUPPORTS
    stated_on = datetime.date(2018, 6, 28)
    summary = "Signed on as a co-sponsor."
    source_title = "Co-sponsors of H.R. 1299"
    source_url = "https://www.congress.gov/bill/115th-congress/house-bill/1299/cosponsors"
