import csv
import io

import pytest
from django.urls import reverse

from tocsin.dashboard import exports
from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory
from tocsin.supporters.factories import ConsentFactory, SupporterFactory

pytestmark = pytest.mark.django_db


def _urls(campaign):
    yield reverse("dashboard:campaign", args=[campaign.pk])
    yield reverse("dashboard:map", args=[campaign.pk])
    yield reverse("dashboard:map", args=[campaign.pk]) + "?kind=call&by=state"
    for what in exports.EXPORTS:
        yield reverse("dashboard:export", args=[campaign.pk, what])


def _csv(response) -> list[list[str]]:
    assert response.streaming
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_another_groups_organizer_gets_404_on_every_url(scenario, client):
    scenario.refresh()
    stranger = OrganizerFactory(organizations=[OrganizationFactory(name="Other group")])
    client.force_login(stranger)
    for url in _urls(scenario.campaign):
        assert client.get(url).status_code == 404, url
    index = client.get(reverse("dashboard:index"))
    assert scenario.campaign.title not in index.content.decode()
    # Nor the supporters who consented to the first group, through the back office.
    supporter = SupporterFactory(email="ana@example.org")
    ConsentFactory(supporter=supporter, organization=scenario.organization)
    listing = client.get(reverse("admin:supporters_supporter_changelist"))
    assert "ana@example.org" not in listing.content.decode()
    change = client.get(reverse("admin:supporters_supporter_change", args=[supporter.pk]))
    assert change.status_code in (302, 404)


def test_the_owner_sees_every_url_and_anonymous_visitors_none(scenario, client):
    scenario.refresh()
    for url in _urls(scenario.campaign):
        assert client.get(url).status_code == 302, url  # to the login
    client.force_login(scenario.organizer)
    for url in _urls(scenario.campaign):
        assert client.get(url).status_code == 200, url
    missing = reverse("dashboard:export", args=[scenario.campaign.pk, "nope"])
    assert client.get(missing).status_code == 404


def test_personal_data_only_for_those_who_consented_and_formulas_neutralised(scenario, client):
    from tocsin.petitions.models import Signature

    signature = next(s for s in scenario.counted_signatures() if s.consents)
    Signature.objects.filter(pk=signature.pk).update(name='=HYPERLINK("http://x")')
    withdrawn = next(s for s in scenario.counted_signatures() if s.consents and s != signature)
    supporter = SupporterFactory(email=withdrawn.email)
    ConsentFactory(
        supporter=supporter, organization=scenario.organization, withdrawn_at=scenario.now
    )
    scenario.refresh()
    client.force_login(scenario.organizer)
    rows = _csv(client.get(reverse("dashboard:export", args=[scenario.campaign.pk, "signatures"])))
    header, body = rows[0], rows[1:]
    assert len(body) == len(scenario.counted_signatures())
    by_email = {row[header.index("email")]: row for row in body}
    named = {s.email for s in scenario.counted_signatures() if s.consents} - {withdrawn.email}
    assert set(by_email) - {""} == named
    assert all(row[header.index("name")] == "" for row in body if row[header.index("email")] == "")
    assert by_email[signature.email][header.index("name")].startswith("'=")

    gifts = _csv(client.get(reverse("dashboard:export", args=[scenario.campaign.pk, "gifts"])))
    assert len(gifts) == 1 + len(scenario.gifts)
    assert all(row[-1] == "" for row in gifts[1:])  # no donor consented


def test_the_map_shades_districts_and_has_a_table(scenario, client, congress_data):
    scenario.refresh()
    client.force_login(scenario.organizer)
    page = client.get(reverse("dashboard:map", args=[scenario.campaign.pk])).content.decode()
    assert page.count("<path ") > 430
    wi2 = sum(1 for s in scenario.counted_signatures() if s.district == "WI-2")
    row = '<tr data-place="WI-2"><th scope="row">WI-2 <span class="muted">Wisconsin 2</span></th>'
    assert f"{row}<td>{wi2}</td>" in page
    assert 'data-place="WI-2"><title>Wisconsin 2: ' in page
    states = client.get(
        reverse("dashboard:map", args=[scenario.campaign.pk]) + "?by=state&kind=call"
    )
    assert states.content.decode().count("<path ") > 50


def test_the_campaign_admin_links_to_the_dashboard(scenario, client):
    client.force_login(scenario.organizer)
    page = client.get(reverse("admin:campaigns_campaign_change", args=[scenario.campaign.pk]))
    assert reverse("dashboard:campaign", args=[scenario.campaign.pk]) in page.content.decode()


RAW_ROWS = {
    "signatures": "petitions.view_signature",
    "rsvps": "events.view_rsvp",
    "gifts": "fundraising.view_gift",
    "calls": "calls.view_callreport",
}


def test_an_organizer_without_the_permission_to_view_campaigns_gets_403(scenario, client):
    from tocsin.campaigns.factories import organizer_allowed

    scenario.refresh()
    client.force_login(organizer_allowed([scenario.organization], *RAW_ROWS.values()))
    for url in [reverse("dashboard:index"), *_urls(scenario.campaign)]:
        assert client.get(url).status_code == 403, url


def test_each_export_of_people_s_rows_needs_its_own_permission(scenario, client):
    from tocsin.campaigns.factories import organizer_allowed

    scenario.refresh()
    client.force_login(organizer_allowed([scenario.organization], "campaigns.view_campaign"))
    page = client.get(reverse("dashboard:campaign", args=[scenario.campaign.pk])).content.decode()
    for what in exports.EXPORTS:
        url = reverse("dashboard:export", args=[scenario.campaign.pk, what])
        expected = 403 if what in RAW_ROWS else 200
        assert client.get(url).status_code == expected, what
        assert (url in page) == (what not in RAW_ROWS), what
    for what, permission in RAW_ROWS.items():
        allowed = organizer_allowed([scenario.organization], "campaigns.view_campaign", permission)
        client.force_login(allowed)
        url = reverse("dashboard:export", args=[scenario.campaign.pk, what])
        assert client.get(url).status_code == 200, what
        page = client.get(reverse("dashboard:campaign", args=[scenario.campaign.pk]))
        assert url in page.content.decode()
