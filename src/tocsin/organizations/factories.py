import factory
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from tocsin.organizations.models import Membership, Organization, Role
from tocsin.organizations.roles import ensure_organizers_group


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Solidarity Group {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name)[:80])
    website = "https://example.org/"


class OrganizerFactory(factory.django.DjangoModelFactory):
    """A staff user, a member of `organizations` (a new group if none) as a campaigner (what
    the one "Organizers" group was) or `organizations__role`; their groups follow the role."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"organizer{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    is_staff = True
    password = factory.django.Password("a long organizer passphrase")

    @factory.post_generation
    def organizations(self, create, extracted, role=Role.CAMPAIGNER, **kwargs):
        if not create:
            return
        self.groups.add(ensure_organizers_group())
        for organization in extracted if extracted is not None else [OrganizationFactory()]:
            Membership.objects.update_or_create(
                organization=organization, user=self, defaults={"role": role}
            )
