import datetime

import factory
from django.utils import timezone

from tocsin.campaigns.models import (
    Campaign,
    CampaignTarget,
    Demand,
    Partnership,
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


def organizer_allowed(organizations, *permissions):
    """A back-office user of `organizations` whose role grants only `permissions`
    ("app_label.codename"), as for a helper given less than the Organizers group."""
    from django.contrib.auth.models import Permission

    from tocsin.organizations.factories import OrganizerFactory

    user = OrganizerFactory(organizations=organizations)
    user.groups.clear()
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return type(user).objects.get(pk=user.pk)  # no cached permissions


class PartnershipFactory(factory.django.DjangoModelFactory):
    """An invitation, pending unless `accepted=True`."""

    class Meta:
        model = Partnership

    campaign = factory.SubFactory(CampaignFactory)
    organization = factory.SubFactory(OrganizationFactory)

    class Params:
        accepted = factory.Trait(
            status=Partnership.Status.ACCEPTED, answered_at=factory.LazyFunction(timezone.now)
        )
