import pytest
from django.urls import reverse

from tocsin.calls.factories import CallActionFactory
from tocsin.calls.models import BlockedNumber, CallAction
from tocsin.campaigns.factories import CampaignFactory
from tocsin.core.privacy import keyed_hash
from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory

pytestmark = pytest.mark.django_db


def test_organizers_manage_only_their_own_call_actions(client):
    ours, theirs = OrganizationFactory(name="Ours"), OrganizationFactory(name="Theirs")
    our_campaign = CampaignFactory(organization=ours, title="Our Campaign")
    their_campaign = CampaignFactory(organization=theirs, title="Their Campaign")
    CallActionFactory(campaign=our_campaign, title="Call ours")
    their_action = CallActionFactory(campaign=their_campaign, title="Call theirs")
    client.force_login(OrganizerFactory(organizations=[ours]))

    listing = client.get(reverse("admin:calls_callaction_changelist")).content.decode()
    assert "Call ours" in listing
    assert "Call theirs" not in listing
    change = client.get(reverse("admin:calls_callaction_change", args=[their_action.pk]))
    assert change.status_code == 302

    form = client.get(reverse("admin:calls_callaction_add")).content.decode()
    assert "Our Campaign" in form
    assert "Their Campaign" not in form
    response = client.post(
        reverse("admin:calls_callaction_add"),
        {
            "campaign": their_campaign.pk,
            "title_en": "Sneaky",
            "script_en": "x",
            "target_mode": "fixed",
            "chambers": "both",
            "custom_placement": "first",
            "office_order": "washington_first",
            "mention_fallback": "{name}",
            "variants-TOTAL_FORMS": 0,
            "variants-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert not CallAction.objects.filter(title="Sneaky").exists()


def test_a_blocked_number_is_stored_only_as_its_hash(client):
    ours = OrganizationFactory(name="Ours")
    client.force_login(OrganizerFactory(organizations=[ours]))
    response = client.post(
        reverse("admin:calls_blockednumber_add"),
        {"organization": ours.pk, "phone": "(608) 262-1234", "note": "abusive caller"},
    )
    assert response.status_code == 302
    blocked = BlockedNumber.objects.get()
    assert blocked.number_hash == keyed_hash("+16082621234")
    assert "2621234" not in blocked.number_hash
    assert "2621234" not in str(BlockedNumber.objects.values().get())
