from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from tocsin.campaigns.models import Campaign, CampaignTarget, Demand
from tocsin.campaigns.signals import forget_pages
from tocsin.targets.models import Office, Target

from .models import CallAction
from .services import fixed_targets_cache_key, forget_public_action, office_cache_key


def call_action_changed(sender, instance, **kwargs) -> None:
    forget_pages([instance.campaign.slug])
    forget_public_action(instance.campaign.slug)


def campaign_changed(sender, instance, **kwargs) -> None:
    forget_public_action(instance.slug)


def demand_changed(sender, instance, **kwargs) -> None:
    slug = Campaign.objects.filter(pk=instance.campaign_id).values_list("slug", flat=True).first()
    if slug:
        forget_public_action(slug)


def office_changed(sender, instance, **kwargs) -> None:
    offices = (
        [instance.pk]
        if isinstance(instance, Office)
        else instance.offices.values_list("pk", flat=True)
    )
    cache.delete_many([office_cache_key(pk) for pk in offices])


def campaign_targets_changed(sender, instance, **kwargs) -> None:
    actions = CallAction.objects.filter(campaign=instance.campaign_id).values_list("pk", flat=True)
    cache.delete_many([fixed_targets_cache_key(pk) for pk in actions])


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(call_action_changed, sender=CallAction, dispatch_uid=f"call-action-{signal}")
        signal.connect(
            campaign_targets_changed, sender=CampaignTarget, dispatch_uid=f"call-targets-{signal}"
        )
        signal.connect(campaign_changed, sender=Campaign, dispatch_uid=f"call-campaign-{signal}")
        signal.connect(demand_changed, sender=Demand, dispatch_uid=f"call-demand-{signal}")
        for model in (Office, Target):
            signal.connect(office_changed, sender=model, dispatch_uid=f"call-{model}-{signal}")
