"""The call flow of a UK campaign: a postcode (or, in Northern Ireland, a seat picked or a
location) to the supporter's MP, carried sealed from page to page like a US district, the
Commons number as a tel: link with the time in London, and the report counted."""

import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from tocsin.calls import services
from tocsin.calls.factories import CallActionFactory
from tocsin.calls.forms import place_from_token
from tocsin.calls.models import CallAction, CallReport, Outcome
from tocsin.campaigns.factories import CampaignFactory, CampaignTargetFactory
from tocsin.campaigns.models import Campaign
from tocsin.campaigns.tests.test_uk_lookup import (
    KNOWN,
    MADE_UP,
    PALACE_OF_WESTMINSTER,
    forget_uk_places,
    load_uk_places,
)
from tocsin.districts import uk
from tocsin.targets.models import Target

from .test_call_flow import report

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def uk_data(django_db_setup, django_db_blocker, shared_data_dir, tmp_path_factory):
    if not (shared_data_dir / "uk/postcodes/pcon_2024.json").exists():
        pytest.skip(f"UK data not found under {shared_data_dir}")
    with django_db_blocker.unblock():
        load_uk_places(shared_data_dir, tmp_path_factory.mktemp("uk-data"))
    yield
    with django_db_blocker.unblock():
        forget_uk_places()


@pytest.fixture
def action(uk_data):
    campaign = CampaignFactory(slug="spyware", country=Campaign.Country.GB)
    return CallActionFactory(
        campaign=campaign,
        title="Call your MP",
        script="Hello, I am a constituent in {zip}. Please ask {name} to act.",
        target_mode=CallAction.TargetMode.LOOKUP,
    )


def start(client, action, **data):
    return client.post(reverse("calls:start", kwargs={"slug": action.campaign.slug}), data)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_start_asks_a_uk_supporter_for_a_postcode(client, action):
    html = text_of(client.get(reverse("calls:start", kwargs={"slug": action.campaign.slug})))
    assert 'name="postcode"' in html
    assert 'name="zip"' not in html
    assert "Find your MP" in html


@pytest.mark.parametrize("postcode", list(KNOWN))
def test_a_postcode_leads_to_the_mp_with_the_commons_number_and_london_time(
    client, action, postcode
):
    code, _ = KNOWN[postcode]
    mp = Target.objects.mp_for(code)
    response = start(client, action, postcode=postcode.lower().replace(" ", ""))
    assert response.status_code == 302
    location = response["Location"]
    # Neither the postcode nor the seat is readable in the address.
    assert postcode.replace(" ", "") not in location.replace("+", "").replace("%20", "")
    assert code not in location

    step = client.get(location)
    html = text_of(step)
    assert step.status_code == 200
    assert mp.name in html
    assert 'href="tel:+442072193000"' in html
    # The office's clock is London's, not New York's.
    office = mp.offices.get()
    clock = services.office_clock(office)
    assert clock.local_time.tzinfo == ZoneInfo("Europe/London")
    assert "there" in html
    # The script is filled with the supporter's own postcode.
    assert f"I am a constituent in {postcode}" in html


def test_the_report_of_a_call_to_an_mp_is_counted(client, action):
    location = start(client, action, postcode="SW1A 0AA")["Location"]
    step = client.get(location).content.decode()
    assert report(Client(), action, step, Outcome.TALKED).status_code == 302
    saved = CallReport.objects.get()
    assert saved.target == Target.objects.mp_for("E14001172")
    # Stored by its code, as a supporter's constituency is, for the dashboard's breakdowns.
    assert saved.place == "E14001172"


def test_the_sealed_place_carries_the_postcode_and_constituency(client, action):
    location = start(client, action, postcode="M1 1AE")["Location"]
    token = re.search(r"place=([^&]+)", location).group(1)
    form = place_from_token(token)
    assert form is not None
    assert form.is_valid()
    assert form.cleaned_data["postcode"] == "M1 1AE"
    assert form.cleaned_data["constituency"] == uk.constituency("E14001352")
    assert form.cleaned_data["zip"] == ""
    assert form.cleaned_data["district"] is None


def test_a_postcode_that_does_not_exist_is_said_so(client, action):
    response = start(client, action, postcode=MADE_UP)
    assert response.status_code == 400
    assert f"We could not find the postcode {MADE_UP}" in text_of(response)


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("", "Enter your postcode, for example SW1A 0AA."),
        ("not a place", "Enter a UK postcode, for example SW1A 0AA."),
        ("90210", "That looks like a US ZIP code."),
    ],
)
def test_no_postcode_or_a_wrong_one_is_refused_with_what_to_do(client, action, postcode, message):
    response = start(client, action, postcode=postcode)
    assert response.status_code == 400
    assert message in text_of(response)


def test_northern_ireland_picks_from_its_18_seats(client, action):
    response = start(client, action, postcode="BT7 1NN")
    html = text_of(response)
    assert response.status_code == 200
    assert "BT7 1NN is in Northern Ireland" in html
    seats = re.findall(r'name="constituency" value="(N\d{8})"', html)
    assert len(set(seats)) == 18
    assert "Use my location" in html

    seat = uk.northern_ireland_constituencies()[3]
    picked = start(client, action, postcode="BT7 1NN", constituency=seat.code)
    assert picked.status_code == 302
    assert Target.objects.mp_for(seat.code).name in text_of(client.get(picked["Location"]))


def test_a_gb_seat_picked_for_a_bt_postcode_is_refused(client, action):
    response = start(client, action, postcode="BT7 1NN", constituency="E14001172")
    assert response.status_code == 400
    assert "does not include this postcode" in text_of(response)


def test_a_location_finds_the_mp(client, action):
    latitude, longitude = PALACE_OF_WESTMINSTER
    response = start(client, action, latitude=latitude, longitude=longitude)
    assert response.status_code == 302
    redirected = client.get(response["Location"])
    while redirected.status_code == 302:
        redirected = client.get(redirected["Location"])
    assert Target.objects.mp_for("E14001172").name in text_of(redirected)


def test_a_location_at_sea_says_to_enter_a_postcode(client, action):
    response = start(client, action, latitude="50.0", longitude="-2.0")
    assert response.status_code == 400
    assert "not inside any UK Parliament constituency" in text_of(response)


def test_the_campaign_page_s_mp_button_goes_straight_to_the_call(client, action):
    found = client.post(
        reverse("campaigns:legislators", kwargs={"slug": action.campaign.slug}),
        {"postcode": "EH1 1YZ"},
    )
    call_form = found.content.decode().split('class="card action next-call"')[1].split("</form>")[0]
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', call_form))
    assert hidden == {"constituency": "S14000078", "postcode": "EH1 1YZ"}
    response = start(client, action, **hidden)
    assert response.status_code == 302
    mp = Target.objects.mp_for("S14000078")
    assert mp.name in text_of(client.get(response["Location"]))


def test_ministers_only_need_no_postcode(client, uk_data):
    campaign = CampaignFactory(slug="ministers", country=Campaign.Country.GB)
    action = CallActionFactory(campaign=campaign, target_mode=CallAction.TargetMode.FIXED)
    minister = Target.objects.ministers().first()
    CampaignTargetFactory(campaign=campaign, target=minister)
    response = client.get(reverse("calls:start", kwargs={"slug": campaign.slug}))
    assert response.status_code == 302
    assert minister.name in text_of(client.get(response["Location"]))
    assert action.uses_lookup is False
