"""Actions and new supporters by source code, per campaign, scoped to the campaign's own
organization, on the page and in the CSV export."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from tocsin.campaigns.factories import CampaignFactory
from tocsin.dashboard import sources
from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory
from tocsin.supporters.factories import ConsentFactory, SupporterFactory
from tocsin.supporters.services import record_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    organization = OrganizationFactory(name="River Defence League")
    campaign = CampaignFactory(organization=organization, title="Save the river")
    partner = OrganizationFactory(name="Friends of Rivers")
    people = SupporterFactory.create_batch(4, organization=organization)
    for person in people[:3]:
        record_activity(person, "signed", campaign=campaign, source="partner-friends")
    record_activity(people[0], "called", campaign=campaign, source="partner-friends")
    record_activity(people[3], "signed", campaign=campaign, source="")
    record_activity(people[3], "called", campaign=campaign, source="share-x")
    ConsentFactory(supporter=people[0], campaign=campaign, source="partner-friends")
    ConsentFactory(
        supporter=people[1], campaign=campaign, source="partner-friends", confirmed_at=None
    )
    # The partner's own audience and another campaign are not this dashboard's to count.
    outsider = SupporterFactory(organization=partner)
    record_activity(outsider, "signed", campaign=campaign, source="partner-friends")
    ConsentFactory(supporter=outsider, campaign=campaign, source="partner-friends")
    other = CampaignFactory(organization=organization)
    record_activity(people[2], "gave", campaign=other, source="partner-friends")
    return campaign


def test_actions_and_new_supporters_are_counted_by_source(campaign):
    rows = {row.source: row for row in sources.by_source(campaign)}
    assert set(rows) == {"partner-friends", "", "share-x"}
    friends = rows["partner-friends"]
    assert friends.actions == {"signed": 3, "called": 1}
    assert (friends.supporters, friends.waiting) == (1, 1)
    assert rows[""].actions == {"signed": 1}
    assert rows["share-x"].actions == {"called": 1}
    assert sources.by_source(campaign)[0].source == "partner-friends"  # the busiest first


def test_the_dashboard_shows_the_table_and_exports_it(campaign):
    organizer = OrganizerFactory(organizations=[campaign.organization])
    client = Client()
    client.force_login(organizer)
    page = client.get(reverse("dashboard:campaign", args=[campaign.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="by-source"' in html
    assert "<code>partner-friends</code>" in html
    export = client.get(reverse("dashboard:export", args=[campaign.pk, "sources"]))
    assert export.status_code == 200
    table = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert table[0][0] == "source"
    assert table[1] == ["partner-friends", "1", "3", "0", "0", "0", "0", "1", "1"]
    assert ["(none)", "0", "1", "0", "0", "0", "0", "0", "0"] in table


def test_another_group_s_organizer_sees_no_source_figures(campaign):
    stranger = OrganizerFactory(organizations=[OrganizationFactory()])
    client = Client()
    client.force_login(stranger)
    assert client.get(reverse("dashboard:campaign", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("dashboard:export", args=[campaign.pk, "sources"])).status_code == 404
