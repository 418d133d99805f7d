from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from tocsin.campaigns.models import CampaignTarget
from tocsin.campaigns.signals import forget_pages

from .models import CallAction


def call_action_changed(sender, instance, **kwargs) -> None:
    forget_pages([instance.campaign.slug])


def campaign_targets_changed(sender, instance, **kwargs) -> None:
    for action_id in CallAction.objects.filter(campaign=instance.campaign_id).values_list(
        "pk", flat=True
    ):
        cache.delete(f"calls:fixed-targets:{action_id}")


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(call_action_changed, sender=CallAction, dispatch_uid=f"call-action-{signal}")
        signal.connect(
            campaign_targets_changed, sender=CampaignTarget, dispatch_uid=f"call-targets-{signal}"
        )
