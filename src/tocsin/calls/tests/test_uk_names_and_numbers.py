"""UK targets in the call flow: MPs named as the British do ("Rachel Blake MP", never
"MP Rachel Blake"), ministers by their post, members of Congress as before; and office
numbers written without +44 dialled in the office's own country by click-to-call."""

import re

import pytest
from django.urls import reverse

from tocsin.calls.factories import CallActionFactory
from tocsin.calls.telephony import office_number
from tocsin.campaigns.factories import CampaignTargetFactory
from tocsin.targets.factories import (
    LegislatorFactory,
    MinisterFactory,
    MPFactory,
    OfficeFactory,
    WestminsterOfficeFactory,
)

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def action():
    # The default script says "{title} {name}": placeholders are calls.services' business.
    action = CallActionFactory(title="Call them", script="Hello, please ask {name} to act.")
    mp = MPFactory(name="Rachel Blake")
    minister = MinisterFactory(name="Yvette Cooper", title="Home Secretary")
    representative = LegislatorFactory(name="Mark Pocan", state="WI", district=2)
    for target in (mp, minister, representative):
        CampaignTargetFactory(campaign=action.campaign, target=target)
    WestminsterOfficeFactory(target=mp)
    WestminsterOfficeFactory(target=minister)
    OfficeFactory(target=representative)
    return action


def step(client, action, position):
    url = reverse("calls:step", kwargs={"slug": action.campaign.slug, "position": position})
    response = client.get(url)
    assert response.status_code == 200
    return text_of(response)


def heading(html: str) -> str:
    return re.search(r'<h1 id="target-heading"[^>]*>(.*?)</h1>', html).group(1).strip()


def next_up(html: str) -> str:
    return re.search(r'<p class="small muted next-up">(.*?)</p>', html).group(1).strip()


def test_an_mp_is_named_with_the_letters_after_the_name(client, action):
    html = step(client, action, 0)
    assert heading(html) == "Rachel Blake MP"
    assert "MP Rachel Blake" not in html
    assert next_up(html) == "Next: Yvette Cooper, Home Secretary"


def test_a_minister_and_a_member_of_congress_keep_their_usual_names(client, action):
    assert heading(step(client, action, 1)) == "Yvette Cooper, Home Secretary"
    html = step(client, action, 1)
    assert next_up(html) == "Next: Representative Mark Pocan"
    assert heading(step(client, action, 2)) == "Representative Mark Pocan"


@pytest.mark.parametrize(
    ("written", "dialled"),
    [
        ("020 7219 3000", "+442072193000"),
        ("+44 20 7219 3000", "+442072193000"),
        ("0161 234 5000", "+441612345000"),
    ],
)
def test_a_uk_office_number_without_its_country_code_dials_the_uk(written, dialled):
    office = WestminsterOfficeFactory(phone=written)
    assert office_number(office) == dialled


def test_a_us_office_number_dials_as_before_and_a_bad_one_is_not_dialled():
    assert office_number(OfficeFactory(phone="(202) 225-2906")) == "+12022252906"
    assert office_number(OfficeFactory(phone="not a number")) is None
    # A premium-rate line is never dialled, whoever typed it.
    assert office_number(WestminsterOfficeFactory(phone="09098 790 000")) is None
