"""Keep the remembered petitions (services.public_petition) in step with the back office."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from tocsin.campaigns.models import Campaign
from tocsin.organizations.models import Organization

from .models import PetitionAction
from .services import forget_public_petition


def petition_changed(sender, instance, **kwargs) -> None:
    slug = Campaign.objects.filter(pk=instance.campaign_id).values_list("slug", flat=True).first()
    if slug:
        forget_public_petition(slug)


def campaign_changed(sender, instance, **kwargs) -> None:
    forget_public_petition(instance.slug)


def organization_changed(sender, instance, **kwargs) -> None:
    campaigns = Campaign.objects.filter(petition__isnull=False)
    for slug in (
        campaigns.filter(organization=instance) | campaigns.filter(partners=instance)
    ).values_list("slug", flat=True):
        forget_public_petition(slug)


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(petition_changed, sender=PetitionAction, dispatch_uid=f"petition-{signal}")
        signal.connect(campaign_changed, sender=Campaign, dispatch_uid=f"petition-c-{signal}")
        signal.connect(
            organization_changed, sender=Organization, dispatch_uid=f"petition-o-{signal}"
        )
    m2m_changed.connect(
        campaign_changed, sender=Campaign.partners.through, dispatch_uid="petition-partners"
    )
