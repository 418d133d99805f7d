import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tocsin.campaigns.factories import CampaignTargetFactory
from tocsin.organizations.factories import OrganizerFactory
from tocsin.petitions import services
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature
from tocsin.targets.factories import CustomTargetFactory, LegislatorFactory, SenatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def petition():
    petition = PetitionFactory()
    for name, postcode, district, country in (
        ('=HYPERLINK("http://evil")', "53703", "WI-2", "US"),
        ("Bo", "53711", "WI-2", "US"),
        ("Cy", "54701", "WI-3", "US"),
        ("Di", "10027", "NY-13", "US"),
        ("Ed", "SW1A 1AA", "", "GB"),
    ):
        Signature.objects.create(
            petition=petition, name=name, email=f"{len(name)}{district}{postcode}@example.org",
            postcode=postcode, district=district, country=country, confirmed_at=timezone.now(),
        )  # fmt: skip
    Signature.objects.create(petition=petition, name="Unconfirmed", email="u@example.org")
    return petition


@pytest.fixture
def organizer_client(client, petition):
    client.force_login(OrganizerFactory(organizations=[petition.campaign.organization]))
    return client


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


def test_each_target_gets_their_own_constituents_and_ministers_get_all(organizer_client, petition):
    representative = LegislatorFactory(state="WI", district=2)
    senator = SenatorFactory(state="WI")
    minister = CustomTargetFactory(name="Foreign Secretary")
    for target in (representative, senator, minister):
        CampaignTargetFactory(campaign=petition.campaign, target=target)

    def names(target):
        response = organizer_client.get(
            reverse("petitions:delivery-csv", args=[petition.pk, target.pk])
        )
        return sorted(row[0] for row in rows(response)[1:])

    assert names(representative) == ['\'=HYPERLINK("http://evil")', "Bo"]
    assert len(names(senator)) == 3
    assert len(names(minister)) == 5  # every confirmed signature, no unconfirmed one
    page = organizer_client.get(reverse("petitions:delivery-page", args=[petition.pk, senator.pk]))
    assert "WI-3" in page.content.decode()


def test_another_group_s_organizer_gets_nothing(client, petition):
    minister = CustomTargetFactory()
    CampaignTargetFactory(campaign=petition.campaign, target=minister)
    client.force_login(OrganizerFactory())
    response = client.get(reverse("petitions:delivery-csv", args=[petition.pk, minister.pk]))
    assert response.status_code == 404


def test_bulk_invalidation_and_restore_move_the_count(organizer_client, petition):
    assert services.fold_counts(petition).confirmed == 5
    url = reverse("admin:petitions_signature_changelist")
    us = list(Signature.objects.filter(country="US").values_list("pk", flat=True))
    organizer_client.post(url, {"action": "invalidate", "_selected_action": us})
    assert services.public_count(petition).confirmed == 1
    organizer_client.post(url, {"action": "restore", "_selected_action": us})
    assert services.public_count(petition).confirmed == 5


def test_erasing_a_signer_keeps_the_count(organizer_client, petition):
    signature = Signature.objects.get(name="Bo")
    organizer_client.post(
        reverse("admin:petitions_signature_changelist"),
        {"action": "erase", "_selected_action": [signature.pk]},
    )
    signature.refresh_from_db()
    assert (signature.name, signature.postcode) == ("", "")
    assert "example.org" not in signature.email
    assert services.fold_counts(petition).confirmed == 5


def test_nightly_maintenance_expires_anonymises_and_reconciles(petition, settings):
    Signature.objects.filter(name="Unconfirmed").update(
        created_at=timezone.now() - timezone.timedelta(days=30)
    )
    campaign = petition.campaign
    campaign.status = "closed"
    campaign.save()
    settings.TOCSIN_ANONYMISE_AFTER_DAYS = 0
    call_command("petitions_maintenance", verbosity=0)
    assert not Signature.objects.filter(name="Unconfirmed").exists()
    assert not Signature.objects.exclude(name="").exists()
    assert services.fold_counts(petition).confirmed == 5


def test_hourly_history_is_open_data_that_adds_up(client, petition):
    two_hours_ago = timezone.now() - timezone.timedelta(hours=2)
    Signature.objects.filter(name="Bo").update(confirmed_at=two_hours_ago)
    assert services.reconcile(petition)
    data = client.get(
        reverse("petitions:history", kwargs={"slug": petition.campaign.slug, "fmt": "json"})
    ).json()
    assert sum(hour["confirmed"] for hour in data["hours"]) == 5
    assert len(data["hours"]) == 2
    csv_rows = rows(
        client.get(
            reverse("petitions:history", kwargs={"slug": petition.campaign.slug, "fmt": "csv"})
        )
    )
    assert csv_rows[0] == ["hour_utc", "confirmed"]
    assert sum(int(n) for _hour, n in csv_rows[1:]) == 5
    assert (
        client.get(
            reverse("petitions:history", kwargs={"slug": petition.campaign.slug, "fmt": "xml"})
        ).status_code
        == 404
    )


def test_the_open_data_breaks_counts_down_by_state_district_and_country(client, petition):
    data = client.get(reverse("petitions:json", kwargs={"slug": petition.campaign.slug})).json()
    assert data["by_state"] == {"WI": 3, "NY": 1}
    assert data["by_district"] == {"WI-2": 2, "WI-3": 1, "NY-13": 1}
    assert data["by_country"] == {"US": 4, "GB": 1}
    assert "Bo" not in str(data)


def test_the_breakdown_can_be_switched_off(client, petition):
    petition.publish_breakdown = False
    petition.save()
    data = client.get(reverse("petitions:json", kwargs={"slug": petition.campaign.slug})).json()
    assert data["signatures"] == 5
    assert "by_district" not in data
    assert "by_country" not in data
