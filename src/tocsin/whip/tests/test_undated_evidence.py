"""Evidence whose source gives no date says so, and never outranks dated evidence."""

import datetime

import pytest
from django.urls import reverse

from tocsin.campaigns.factories import CampaignFactory, CampaignTargetFactory
from tocsin.campaigns.models import Stance, TargetStance
from tocsin.targets.factories import LegislatorFactory
from tocsin.whip import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign_and_member():
    campaign = CampaignFactory(slug="hr-1299")
    member = LegislatorFactory(name="Mark Pocan", bioguide_id="P000607", district=2)
    CampaignTargetFactory(campaign=campaign, target=member)
    return campaign, member


def test_evidence_without_a_date_is_stored_undated(campaign_and_member):
    campaign, member = campaign_and_member
    evidence = services.record_stance(campaign, member, Stance.OPPOSES, summary="A statement.")
    assert evidence.stated_on is None


def test_the_source_date_stands_in_when_no_statement_date_is_given(campaign_and_member):
    campaign, member = campaign_and_member
    evidence = services.record_stance(
        campaign, member, Stance.OPPOSES, source_date=datetime.date(2018, 3, 2)
    )
    assert evidence.stated_on == datetime.date(2018, 3, 2)


def test_dated_evidence_outranks_undated_evidence(campaign_and_member):
    campaign, member = campaign_and_member
    services.record_stance(campaign, member, Stance.SUPPORTS, stated_on=datetime.date(2018, 6, 1))
    services.record_stance(campaign, member, Stance.OPPOSES, summary="Undated hearsay.")
    assert TargetStance.objects.get(campaign=campaign, target=member).stance == Stance.SUPPORTS


def test_the_stance_page_says_the_date_is_not_known(client, campaign_and_member):
    campaign, member = campaign_and_member
    services.record_stance(campaign, member, Stance.OPPOSES, summary="A statement.")
    page = client.get(
        reverse("whip:target-stance", kwargs={"slug": campaign.slug, "target_id": member.pk})
    )
    assert page.status_code == 200
    assert "Date not known" in page.content.decode()


def test_an_imported_row_without_a_date_is_undated(campaign_and_member):
    campaign, _member = campaign_and_member
    data = "bioguide_id,stance,summary\nP000607,opposes,Said no in a town hall\n"
    services.import_stances(campaign, data.encode())
    assert campaign.stance_evidence.get().stated_on is None
