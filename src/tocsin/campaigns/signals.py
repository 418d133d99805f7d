"""Keep cached public campaign pages in step with what organizers change."""

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

from tocsin.core.memo import forget
from tocsin.targets.models import Office, SocialAccount, Target

from .models import Campaign, CampaignTarget, Demand, Source, StanceEvidence, TargetStance


def forget_pages(slugs) -> None:
    """The cached campaign pages, and the scoreboard rows they and the whip page show."""
    slugs = list(slugs)
    forget(
        *[f"campaign-page:{slug}:{code}" for slug in slugs for code, _name in settings.LANGUAGES],
        *[f"campaign-whip:{slug}" for slug in slugs],
    )


def campaign_changed(sender, instance, **kwargs) -> None:
    forget_pages([instance.slug])


def part_of_campaign_changed(sender, instance, **kwargs) -> None:
    campaign = Campaign.objects.filter(pk=instance.campaign_id).only("slug").first()
    if campaign:
        forget_pages([campaign.slug])


def target_changed(sender, instance, **kwargs) -> None:
    target_id = instance.pk if isinstance(instance, Target) else instance.target_id
    forget_pages(Campaign.objects.filter(targets__id=target_id).values_list("slug", flat=True))


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(campaign_changed, sender=Campaign, dispatch_uid=f"campaign-{signal}")
        for model in (Demand, Source, CampaignTarget, StanceEvidence, TargetStance):
            signal.connect(part_of_campaign_changed, sender=model, dispatch_uid=f"{model}-{signal}")
        for model in (Target, Office, SocialAccount):
            signal.connect(target_changed, sender=model, dispatch_uid=f"{model}-{signal}")
    m2m_changed.connect(
        campaign_changed, sender=Campaign.partners.through, dispatch_uid="campaign-partners"
    )
