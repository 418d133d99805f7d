import factory

from tocsin.organizations.factories import OrganizationFactory
from tocsin.targets.models import Chamber, Office, SocialAccount, Target


class LegislatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    kind = Target.Kind.LEGISLATOR
    # Real ids run from 000001 upwards after their letter; a test's members start at 900000, so
    # a module that loads the real Congress after many made-up members never meets a clash.
    bioguide_id = factory.Sequence(lambda n: f"Z{900000 + n:06d}")
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


class MPFactory(LegislatorFactory):
    """A member of the House of Commons, as the UK sync makes them."""

    bioguide_id = None
    parliament_member_id = factory.Sequence(lambda n: 90000 + n)
    title = "MP"
    chamber = Chamber.COMMONS
    state = ""
    district = None
    constituency = "E14001172"
    party = "Labour"


class MinisterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    kind = Target.Kind.MINISTER
    parliament_member_id = factory.Sequence(lambda n: 80000 + n)
    name = factory.Sequence(lambda n: f"Minister {n}")
    title = "Secretary of State for the Home Department"
    department = "Home Office"


class WestminsterOfficeFactory(OfficeFactory):
    kind = Office.Kind.WESTMINSTER
    target = factory.SubFactory(MPFactory)
    address = "House of Commons"
    city = "London"
    postal_code = "SW1A 0AA"
    country = "GB"
    phone = "+44 20 7219 3000"
