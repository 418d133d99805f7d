"""Keep the cached scoreboards in step with what they show.

Stances clear them in whip.services, where they are written. Here: the campaign's targets,
the targets' names and parties, and the call action whose counts the scoreboard shows. The
campaign pages show the scoreboard too, so they are cleared with it.
"""

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_delete

from tocsin.calls.models import CallAction
from tocsin.campaigns.models import Campaign, CampaignTarget
from tocsin.targets.models import Target

from .services import forget_scoreboards


def _forget_after_commit(slugs) -> None:
    # The slugs are read now, while the rows that lead to them still exist; the caches are
    # cleared after the commit, so no request can cache the old rows again in between.
    slugs = list(slugs)
    if slugs:
        transaction.on_commit(lambda: forget_scoreboards(slugs))


def campaign_changed(sender, instance, **kwargs) -> None:
    _forget_after_commit([instance.slug])


def part_of_campaign_changed(sender, instance, **kwargs) -> None:
    _forget_after_commit(
        Campaign.objects.filter(pk=instance.campaign_id).values_list("slug", flat=True)
    )


def target_changed(sender, instance, **kwargs) -> None:
    campaigns = Campaign.objects.filter(
        Q(campaign_targets__target=instance) | Q(stances__target=instance)
    )
    _forget_after_commit(campaigns.values_list("slug", flat=True).distinct())


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(campaign_changed, sender=Campaign, dispatch_uid=f"whip-campaign-{signal}")
        for model in (CampaignTarget, CallAction):
            signal.connect(
                part_of_campaign_changed, sender=model, dispatch_uid=f"whip-{model}-{signal}"
            )
    # Before a deletion, while its stances and campaign links still say where it is shown.
    for signal in (post_save, pre_delete):
        signal.connect(target_changed, sender=Target, dispatch_uid=f"whip-target-{signal}")
