import factory
from django.utils import timezone

from tocsin.organizations.factories import OrganizationFactory
from tocsin.supporters.models import Consent, Supporter


class SupporterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supporter

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"supporter{n}@example.net")
    name = factory.Sequence(lambda n: f"Supporter {n}")
    postcode = "53703"
    language = "en"


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    supporter = factory.SubFactory(SupporterFactory)
    organization = factory.LazyAttribute(lambda c: c.supporter.organization)
    wording = "Keep me informed about this group's campaigns."
    language = "en"
    given_at = factory.LazyFunction(timezone.now)
    # Confirmed by its owner: pass confirmed_at=None for one still waiting.
    confirmed_at = factory.LazyAttribute(lambda c: c.given_at)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # A person belongs to one organization: a consent to another goes to the same
        # address's person there (the supporter itself, while it holds no consent yet).
        supporter, organization = kwargs["supporter"], kwargs["organization"]
        if supporter.organization_id != organization.pk:
            if not supporter.consents.exists():
                supporter.organization = organization
                supporter.save(update_fields=["organization"])
            else:
                kwargs["supporter"], _created = Supporter.objects.get_or_create(
                    organization=organization,
                    email=supporter.email,
                    defaults={
                        "name": supporter.name,
                        "postcode": supporter.postcode,
                        "language": supporter.language,
                    },
                )
        if kwargs.get("confirmed_at"):
            Supporter.objects.filter(
                pk=kwargs["supporter"].pk, email_confirmed_at__isnull=True
            ).update(email_confirmed_at=kwargs["confirmed_at"], is_known=True)
        return super()._create(model_class, *args, **kwargs)
