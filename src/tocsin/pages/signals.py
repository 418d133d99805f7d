"""The campaign page shows the campaign's write actions: a change to one clears the cached
page, as a change to the call action does (calls.signals). Connected here, in the layer that
shows them, so the letters app need not know the page is cached."""

from django.db.models.signals import post_delete, post_save

from tocsin.campaigns.caching import forget_pages
from tocsin.campaigns.models import Campaign
from tocsin.letters.models import WriteAction


def write_action_changed(sender, instance, **kwargs) -> None:
    slug = Campaign.objects.filter(pk=instance.campaign_id).values_list("slug", flat=True).first()
    if slug:
        forget_pages([slug])


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(
            write_action_changed, sender=WriteAction, dispatch_uid=f"pages-write-action-{signal}"
        )
