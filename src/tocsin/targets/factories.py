import factory

from tocsin.organizations.factories import OrganizationFactory
from tocsin.targets.models import Chamber, Office, SocialAccount, Target


class LegislatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    kind = Target.Kind.LEGISLATOR
    bioguide_id = factory.Sequence(lambda n: f"Z{n:06d}")
    name = factory.Sequence(lambda n: f"Member {n}")
    title = "Representative"
    chamber = Chamber.HOUSE
    state = "WI"
    district = 2
    party = "Democrat"


class SenatorFactory(LegislatorFactory):
    title = "Senator"
    chamber = Chamber.SENATE
    district = None
    senate_rank = "junior"


class CustomTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    kind = Target.Kind.CUSTOM
    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Government desk {n}")
    title = ""


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    target = factory.SubFactory(LegislatorFactory)
    kind = Office.Kind.WASHINGTON
    phone = "202-555-0100"


class SocialAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialAccount

    target = factory.SubFactory(LegislatorFactory)
    network = SocialAccount.Network.X
    handle = factory.Sequence(lambda n: f"member{n}")
