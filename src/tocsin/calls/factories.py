import factory

from tocsin.campaigns.factories import CampaignFactory

from .models import CallAction


class CallActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallAction

    campaign = factory.SubFactory(CampaignFactory)
    title = "Call your Representative"
    script = "Hello, I live in {town} ({zip}). Please ask {title} {name} to act."
    target_mode = CallAction.TargetMode.FIXED
