"""Keep cached public campaign pages in step with what organizers change."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from tocsin.targets.models import Office, SocialAccount, Target
from tocsin.targets.signals import targets_changed

from .caching import forget_pages
from .models import Campaign, CampaignTarget, Demand, Partnership, Source


def campaign_changed(sender, instance, **kwargs) -> None:
    forget_pages([instance.slug])


def part_of_campaign_changed(sender, instance, **kwargs) -> None:
    campaign = Campaign.objects.filter(pk=instance.campaign_id).only("slug").first()
    if campaign:
        forget_pages([campaign.slug])


def partnership_changed(sender, instance, **kwargs) -> None:
    # Who stands behind a campaign is part of it: saving the campaign lets every cache kept
    # per campaign (these pages, the petition's consent boxes) forget it, without campaigns
    # knowing them.
    campaign = Campaign.objects.filter(pk=instance.campaign_id).first()
    if campaign:
        campaign.save(update_fields=["updated_at"])


def target_changed(sender, instance, **kwargs) -> None:
    target_id = instance.pk if isinstance(instance, Target) else instance.target_id
    forget_pages(Campaign.objects.filter(targets__id=target_id).values_list("slug", flat=True))


def targets_changed_in_bulk(sender, target_ids, **kwargs) -> None:
    forget_pages(
        Campaign.objects.filter(targets__id__in=target_ids)
        .values_list("slug", flat=True)
        .distinct()
    )


def connect() -> None:
    targets_changed.connect(targets_changed_in_bulk, dispatch_uid="targets-changed-in-bulk")
    for signal in (post_save, post_delete):
        signal.connect(campaign_changed, sender=Campaign, dispatch_uid=f"campaign-{signal}")
        for model in (Demand, Source, CampaignTarget):
            signal.connect(part_of_campaign_changed, sender=model, dispatch_uid=f"{model}-{signal}")
        signal.connect(partnership_changed, sender=Partnership, dispatch_uid=f"partner-{signal}")
        for model in (Target, Office, SocialAccount):
            signal.connect(target_changed, sender=model, dispatch_uid=f"{model}-{signal}")
    m2m_changed.connect(
        campaign_changed, sender=Campaign.partners.through, dispatch_uid="campaign-partners"
    )
