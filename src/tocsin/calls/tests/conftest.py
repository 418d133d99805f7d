import pytest
from django.core.management import call_command

from tocsin.calls.models import CallAction


@pytest.fixture
def demo(congress_data, db):
    """The demo campaigns on top of the real members of Congress and districts."""
    call_command("load_demo", organizer_password="call-tests-password", verbosity=0)
    return {
        "baldwin": CallAction.objects.get(campaign__slug="baldwin-honduras-election"),
        "hr1299": CallAction.objects.get(campaign__slug="hr-1299-berta-caceres-act"),
    }
