"""The whip count of a UK campaign shows nothing of the US: no state filter, parties named as
they are (Labour, Reform UK), no US party colours, and MPs and ministers can be imported."""

import re

import pytest
from django.urls import reverse

from tocsin.campaigns.factories import CampaignFactory, CampaignTargetFactory
from tocsin.campaigns.models import Campaign, Stance, StanceEvidence
from tocsin.targets.factories import LegislatorFactory, MinisterFactory, MPFactory
from tocsin.whip import services
from tocsin.whip.views import whip_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def uk_campaign():
    campaign = CampaignFactory(slug="spyware", country=Campaign.Country.GB)
    people = {
        "blake": MPFactory(name="Rachel Blake", party="Labour"),
        "robinson": MPFactory(name="Gavin Robinson", party="Democratic Unionist Party"),
        "tice": MPFactory(name="Richard Tice", party="Reform UK"),
        "cooper": MinisterFactory(name="Yvette Cooper", title="Home Secretary", party="Labour"),
    }
    for person in people.values():
        CampaignTargetFactory(campaign=campaign, target=person)
    services.record_stance(campaign, people["blake"], Stance.SUPPORTS, summary="Signed the EDM.")
    return {"campaign": campaign, **people}


def whip_section(response) -> str:
    html = re.sub(r"\s+", " ", response.content.decode())
    start = html.index('id="whip"')
    return html[start : html.index("</section>", start)]


def test_a_uk_whip_count_has_no_state_filter_and_names_uk_parties(client, uk_campaign):
    services.record_stance(uk_campaign["campaign"], uk_campaign["cooper"], Stance.UNDECIDED)
    url = reverse("whip:scoreboard", args=["spyware"])
    html = whip_section(client.get(url))
    assert 'name="state"' not in html
    assert "All states" not in html
    parties = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', html)
    assert parties == [
        ("", "All parties"),
        ("Democratic Unionist Party", "Democratic Unionist Party"),
        ("Labour", "Labour"),
        ("Reform UK", "Reform UK"),
    ]
    # US party colours (D blue, R red) would paint the DUP as Democrats, Reform as Republicans.
    assert "party-D" not in html
    assert "party-R" not in html
    assert "Labour · Cities of London and Westminster" in html or "Labour · E14001172" in html
    assert "Nothing known yet about 2 MPs:" in html

    filtered = whip_section(client.get(url, {"party": "Reform UK"}))
    assert "Richard Tice" in filtered
    assert "Rachel Blake" not in filtered
    assert "Showing 1 of 4" in filtered


def test_a_state_in_the_address_of_a_uk_whip_count_changes_nothing(client, uk_campaign):
    response = client.get(reverse("whip:scoreboard", args=["spyware"]), {"state": "WI"})
    assert response.status_code == 200
    html = whip_section(response)
    assert "Rachel Blake" in html
    assert "Yvette Cooper" in html
    assert "Showing" not in html


def test_a_us_whip_count_keeps_its_state_filter():
    campaign = CampaignFactory(slug="hr-1")
    CampaignTargetFactory(campaign=campaign, target=LegislatorFactory(name="Mark Pocan"))
    form = whip_context(campaign)["form"]
    assert [code for code, _label in form.fields["state"].choices] == ["", "WI"]
    assert dict(form.fields["party"].choices)["Democrat"] == "Democrat"


def test_an_import_may_name_ministers_and_mps(uk_campaign):
    campaign, cooper, tice = uk_campaign["campaign"], uk_campaign["cooper"], uk_campaign["tice"]
    data = (
        "target_id,stance,date,source_url\n"
        f"{cooper.pk},oppose,2026-11-01,https://hansard.parliament.uk/a\n"
        f"{tice.pk},lean yes,2026-11-02,https://hansard.parliament.uk/b\n"
    ).encode()
    result = services.import_stances(campaign, data)
    assert result.recorded == 2
    assert StanceEvidence.objects.get(campaign=campaign, target=cooper).stance == Stance.OPPOSES
    assert set(services.targets_for_campaign(campaign)) >= {cooper, tice}
