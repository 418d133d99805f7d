import pytest
from django.core.management import call_command

from tocsin.calls import services
from tocsin.calls.factories import CallActionFactory
from tocsin.calls.models import CallAction, CallReport, Outcome
from tocsin.campaigns.factories import CampaignTargetFactory
from tocsin.targets.factories import CustomTargetFactory, OfficeFactory


@pytest.fixture
def demo(congress_data, db):
    """The demo campaigns on top of the real members of Congress and districts, without the
    demo's made-up call history: each test counts the reports it makes itself."""
    call_command("load_demo", organizer_password="call-tests-password", verbosity=0)
    CallReport.objects.all().delete()
    hr1299 = CallAction.objects.get(campaign__slug="hr-1299-berta-caceres-act")
    # The action leaves out targets recorded as supporting; the tests call Mark Pocan as the
    # representative of ZIP 53703 whatever the demo's whip count says about him.
    hr1299.only_unsupportive = False
    hr1299.save()
    return {
        "baldwin": CallAction.objects.get(campaign__slug="baldwin-honduras-election"),
        "hr1299": hr1299,
    }


@pytest.fixture
def desk_action():
    action = CallActionFactory()
    desk = CustomTargetFactory()
    office = OfficeFactory(target=desk)
    CampaignTargetFactory(campaign=action.campaign, target=desk)
    return action, desk, office


def report(action, desk, office, key, outcome=Outcome.TALKED):
    return services.report_call(
        action,
        key=key,
        target_id=desk.pk,
        office_id=office.pk,
        outcome=outcome,
        demand_ids=[],
        district=None,
    )
