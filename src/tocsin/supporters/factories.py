import factory
from django.utils import timezone

from tocsin.organizations.factories import OrganizationFactory
from tocsin.supporters.models import Consent, Supporter


class SupporterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supporter

    email = factory.Sequence(lambda n: f"supporter{n}@example.net")
    name = factory.Sequence(lambda n: f"Supporter {n}")
    postcode = "53703"
    language = "en"


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    supporter = factory.SubFactory(SupporterFactory)
    organization = factory.SubFactory(OrganizationFactory)
    wording = "Keep me informed about this group's campaigns."
    language = "en"
    given_at = factory.LazyFunction(timezone.now)
    # Confirmed by its owner: pass confirmed_at=None for one still waiting.
    confirmed_at = factory.LazyAttribute(lambda c: c.given_at)
