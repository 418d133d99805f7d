import csv
import io

import pytest
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
            petition=petition,
            name=name,
            email=f"{len(name)}{district}{postcode}@example.org",
            postcode=postcode,
            district=district,
            country=country,
            confirmed_at=timezone.now(),
        )
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
    assert services.confirmed_count(petition) == 5
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
    assert services.confirmed_count(petition) == 5


def test_nightly_maintenance_expires_and_anonymises(petition, settings):
    Signature.objects.filter(name="Unconfirmed").update(
        created_at=timezone.now() - timezone.timedelta(days=30)
    )
    campaign = petition.campaign
    campaign.status = "closed"
    campaign.save()
    settings.TOCSIN_ANONYMISE_AFTER_DAYS = 0
    assert services.nightly_maintenance() == {"expired": 1, "anonymised": 5}
    assert not Signature.objects.filter(name="Unconfirmed").exists()
    assert not Signature.objects.exclude(name="").exists()
    assert services.confirmed_count(petition) == 5


def test_hourly_history_is_open_data_that_adds_up(client, petition):
    two_hours_ago = timezone.now() - timezone.timedelta(hours=2)
    Signature.objects.filter(name="Bo").update(confirmed_at=two_hours_ago)
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
    # Every place here has fewer than 5 signatures: none is published (test_breakdown.py).
    assert data["by_state"] == {}
    assert data["by_district"] == {}
    assert data["by_country"] == {}
    assert data["signatures"] == 5
    assert "Bo" not in str(data)


def test_the_breakdown_can_be_switched_off(client, petition):
    petition.publish_breakdown = False
    petition.save()
    data = client.get(reverse("petitions:json", kwargs={"slug": petition.campaign.slug})).json()
    assert data["signatures"] == 5
    assert "by_district" not in data
    assert "by_country" not in data


def test_delivery_needs_the_permission_to_view_signatures(client, petition):
    from tocsin.campaigns.factories import organizer_allowed

    target = LegislatorFactory(state="WI", district=2)
    CampaignTargetFactory(campaign=petition.campaign, target=target)
    organization = petition.campaign.organization
    client.force_login(organizer_allowed([organization], "petitions.view_petitionaction"))
    for name in ("petitions:delivery-page", "petitions:delivery-csv"):
        assert client.get(reverse(name, args=[petition.pk, target.pk])).status_code == 403
    admin = client.get(reverse("admin:petitions_petitionaction_change", args=[petition.pk]))
    assert admin.status_code == 200
    assert reverse("petitions:delivery-page", args=[petition.pk, target.pk]) not in (
        admin.content.decode()
    )
    client.force_login(
        organizer_allowed(
            [organization], "petitions.view_petitionaction", "petitions.view_signature"
        )
    )
    for name in ("petitions:delivery-page", "petitions:delivery-csv"):
        assert client.get(reverse(name, args=[petition.pk, target.pk])).status_code == 200
    admin = client.get(reverse("admin:petitions_petitionaction_change", args=[petition.pk]))
    assert reverse("petitions:delivery-page", args=[petition.pk, target.pk]) in (
        admin.content.decode()
    )
