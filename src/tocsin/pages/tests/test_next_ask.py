"""The end of every thank-you page: the campaign's next action this browser has not done yet,
in the organizer's order, then the share step."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tocsin.calls.factories import CallActionFactory
from tocsin.campaigns.factories import CampaignFactory
from tocsin.campaigns.next_ask import COOKIE_NAME
from tocsin.petitions.factories import PetitionFactory

pytestmark = pytest.mark.django_db


def next_ask_of(response) -> str:
    """The kind of action the page asks for next, from the link in its next-ask card."""
    html = response.content.decode()
    card = re.search(r'<section class="card action next-ask".*?</section>', html, re.S)
    if card is None:
        return ""
    links = {
        "call": "/call/",
        "sign": "/sign/",
        "join": "/join/",
    }
    return next(kind for kind, path in links.items() if path in card.group(0))


@pytest.fixture
def campaign():
    campaign = CampaignFactory(slug="river", share_description="Stand with the river's defenders.")
    CallActionFactory(campaign=campaign)
    PetitionFactory(campaign=campaign)
    return campaign


def test_each_thank_you_page_asks_for_what_this_browser_has_not_done(campaign):
    browser = Client()
    signed = browser.get(reverse("petitions:check-email", kwargs={"slug": "river"}))
    assert signed.status_code == 200
    assert next_ask_of(signed) == "call"  # the default order: call, sign, …, join
    assert COOKIE_NAME in signed.cookies

    called = browser.get(reverse("calls:done", kwargs={"slug": "river"}))
    assert next_ask_of(called) == "join"  # signed on this browser before, called just now

    joined = browser.get(reverse("campaigns:joined", kwargs={"slug": "river"}))
    assert next_ask_of(joined) == ""  # everything done: the share step alone
    assert 'id="share-heading"' in joined.content.decode()

    # Another browser has done nothing: its next ask after calling is the petition.
    assert next_ask_of(Client().get(reverse("calls:done", kwargs={"slug": "river"}))) == "sign"


def test_the_organizer_s_order_decides_the_next_ask(campaign):
    campaign.action_order = "join, sign"
    campaign.save()
    called = Client().get(reverse("calls:done", kwargs={"slug": "river"}))
    assert next_ask_of(called) == "join"
    campaign.primary_action = "sign"
    campaign.save()
    called = Client().get(reverse("calls:done", kwargs={"slug": "river"}))
    assert next_ask_of(called) == "sign"


def test_the_share_step_offers_every_network_with_the_campaign_s_link(campaign, settings):
    settings.TOCSIN_BASE_URL = "https://act.example.org"
    html = Client().get(reverse("petitions:check-email", kwargs={"slug": "river"})).content.decode()
    for where in ("x.com/intent/post", "bsky.app/intent/compose", "wa.me/", "facebook.com/sharer"):
        assert where in html, where
    assert "mailto:?subject=" in html
    assert 'value="https://act.example.org/c/river/?source=share-link" readonly' in html
    assert reverse("campaigns:share-mastodon", kwargs={"slug": "river"}) in html
    assert "Stand with the river" in html
    for code in ("share-x", "share-bluesky", "share-mastodon", "share-whatsapp", "share-email"):
        assert code in html, code


def test_a_closed_campaign_asks_for_nothing_more_but_can_still_be_shared(campaign):
    campaign.status = "closed"
    campaign.save()
    response = Client().get(reverse("calls:done", kwargs={"slug": "river"}))
    if response.status_code == 200:
        assert next_ask_of(response) == ""
    joined = Client().get(reverse("campaigns:joined", kwargs={"slug": "river"}))
    assert next_ask_of(joined) == ""
    assert 'id="share-heading"' in joined.content.decode()
