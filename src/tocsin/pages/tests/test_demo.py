import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tocsin.campaigns.models import Campaign
from tocsin.organizations.models import Organization
from tocsin.targets.models import Target

pytestmark = pytest.mark.django_db


def test_the_demo_loads_offline_and_again_without_duplicates(client):
    """No synced data at all: the campaigns still run with their own targets."""
    for _ in range(2):
        call_command("load_demo", organizer_password="demo-password-1", verbosity=0)

    assert set(Organization.objects.values_list("name", flat=True)) >= {
        "SOA Watch",
        "Honduras Solidarity Network",
        "Labour Friends of Progressive Latin America",
    }
    baldwin_campaign = Campaign.objects.get(slug="baldwin-honduras-election")
    assert baldwin_campaign.status == Campaign.Status.LIVE
    assert baldwin_campaign.demands.count() == 3
    assert Campaign.objects.get(slug="hr-1299-berta-caceres-act").demands.count() == 3
    assert Target.objects.filter(bioguide_id="B001230").count() == 1

    assert [o.name for o in baldwin_campaign.accepted_partners()] == ["Honduras Solidarity Network"]
    page = client.get(baldwin_campaign.get_absolute_url()).content.decode()
    assert "Tammy Baldwin" in page
    assert "Honduras Solidarity Network" in page  # a partner that accepted is named
    assert 'href="tel:+12027367660"' in page  # the State Department desk
    organizer = get_user_model().objects.get(username="organizer")
    assert organizer.check_password("demo-password-1")
    assert organizer.is_staff
    assert organizer.has_perm("campaigns.change_campaign")


def test_the_demo_uses_the_synced_record_when_there_is_one(shared_data_dir):
    call_command("sync_legislators", source=str(shared_data_dir / "congress"), verbosity=0)
    call_command("load_demo", organizer_password="demo-password-1", verbosity=0)
    baldwin = Target.objects.get(bioguide_id="B001230")
    assert baldwin.offices.filter(kind="district", is_active=True).count() >= 5
    assert baldwin.offices.filter(kind="washington").count() == 1


def test_the_demo_records_where_wisconsin_and_the_state_department_stand(shared_data_dir):
    from tocsin.campaigns.models import Stance, StanceEvidence, TargetStance
    from tocsin.targets.models import Chamber

    call_command("sync_legislators", source=str(shared_data_dir / "congress"), verbosity=0)
    for _ in range(2):
        call_command("load_demo", organizer_password="demo-password-1", verbosity=0)
    hr1299 = TargetStance.objects.filter(campaign__slug="hr-1299-berta-caceres-act")
    wisconsin = Target.objects.active().legislators().filter(state="WI", chamber=Chamber.HOUSE)
    assert wisconsin.count() >= 8
    assert set(hr1299.values_list("target_id", flat=True)) == set(
        wisconsin.values_list("pk", flat=True)
    )
    assert set(hr1299.values_list("stance", flat=True)) == {Stance.UNKNOWN}  # seeds say nothing
    desk = StanceEvidence.objects.get(
        campaign__slug="baldwin-honduras-election", target__name="Honduras Desk"
    )
    assert desk.stance == Stance.OPPOSES
    assert desk.source_title == "U.S. Committed To Honduras Security"
    assert StanceEvidence.objects.filter(target__name="Honduras Desk").count() == 1
