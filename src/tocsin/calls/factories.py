import factory

from tocsin.campaigns.factories import CampaignFactory
from tocsin.targets.factories import OfficeFactory

from .models import CallAction, CallReport, Outcome


class CallActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallAction

    campaign = factory.SubFactory(CampaignFactory)
    title = "Call your Representative"
    script = "Hello, I live in {town} ({zip}). Please ask {title} {name} to act."
    target_mode = CallAction.TargetMode.FIXED


class CallReportFactory(factory.django.DjangoModelFactory):
    """A stored report, e.g. `CallReportFactory.create_batch(5, action=a, office=o)`."""

    class Meta:
        model = CallReport

    action = factory.SubFactory(CallActionFactory)
    office = factory.SubFactory(OfficeFactory)
    target = factory.SelfAttribute("office.target")
    outcome = Outcome.TALKED
