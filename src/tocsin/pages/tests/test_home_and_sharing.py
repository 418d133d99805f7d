import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tocsin.calls.factories import CallActionFactory, CallReportFactory
from tocsin.calls.models import Outcome
from tocsin.campaigns.factories import CampaignFactory, DemandFactory
from tocsin.events.factories import SessionFactory
from tocsin.fundraising.factories import FundraiserFactory, GiftFactory
from tocsin.pages.actions import first_sentence, ordered_actions
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature

pytestmark = pytest.mark.django_db


def card_of(html: str, slug: str) -> str:
    start = html.index(f'data-campaign="{slug}"')
    return html[start : html.index("</li>\n", html.index('class="button"', start))]


def test_actions_come_in_the_default_order_unless_the_organizer_chose_one():
    everything = {"join", "give", "rsvp", "sign", "call"}
    assert ordered_actions(everything) == ["call", "sign", "rsvp", "give", "join"]
    assert ordered_actions({"join", "give", "sign"}) == ["sign", "give", "join"]
    assert ordered_actions(everything, "give") == ["give", "call", "sign", "rsvp", "join"]
    # A choice the campaign cannot offer (no fundraiser) falls back to the default order.
    assert ordered_actions({"join", "sign"}, "give") == ["sign", "join"]


def test_the_share_description_falls_back_to_the_summarys_first_sentence():
    assert first_sentence("Nine years on. Call now!") == "Nine years on."
    assert first_sentence("H.R. 1299 matters. Call.") == "H.R. 1299 matters."
    assert first_sentence("Stop U.S. aid") == "Stop U.S. aid"
    assert first_sentence("Act today! Then share.") == "Act today!"


def test_each_home_card_says_what_it_asks_its_deadline_and_its_count(client, settings):
    settings.LANGUAGE_CODE = "en"
    calling = CampaignFactory(
        status="live", slug="calling", deadline=timezone.localdate() + datetime.timedelta(days=9)
    )
    action = CallActionFactory(campaign=calling)
    CallReportFactory.create_batch(3, action=action)
    CallReportFactory(action=action, outcome=Outcome.SKIPPED)  # a skip is not a call

    signing = CampaignFactory(status="live", slug="signing", deadline=None)
    petition = PetitionFactory(campaign=signing)
    for number in range(4):
        Signature.objects.create(
            petition=petition,
            name="S",
            email=f"s{number}@example.org",
            confirmed_at=timezone.now(),
        )
    Signature.objects.create(petition=petition, name="U", email="u@example.org")
    giving = FundraiserFactory(campaign=signing, goal=100_000, currency="GBP")
    GiftFactory(fundraiser=giving, amount=2_500)
    SessionFactory(event__campaign=signing, event__title="Street stall")
    CampaignFactory(status="draft", slug="secret-draft")

    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    calling_card = card_of(html, "calling")
    assert "call" in calling_card
    assert "3 calls made" in calling_card
    assert "9 days left" in calling_card
    assert "Call now" in calling_card
    assert "Take action" not in calling_card

    signing_card = card_of(html, "signing")
    assert re.search(
        r"sign</span> · <span[^>]*>RSVP to an event</span> · <span[^>]*>give", signing_card
    )
    assert "4 signatures" in signing_card
    assert "£25" in signing_card
    assert "days left" not in signing_card
    assert "Sign now" in signing_card

    assert "secret-draft" not in html
    assert 'id="events-heading"' in html
    assert "Street stall" in html
    assert 'id="fundraisers-heading"' in html
    assert giving.title in html


def test_the_campaign_page_has_share_tags_with_absolute_urls(client, settings):
    settings.TOCSIN_BASE_URL = "https://act.example.org"
    campaign = CampaignFactory(status="live", slug="share-me", summary="First part. Second part.")
    html = client.get(campaign.get_absolute_url()).content.decode()

    def meta(attribute, name):
        match = re.search(rf'<meta {attribute}="{name}" content="([^"]*)"', html)
        assert match, name
        return match.group(1)

    assert meta("property", "og:title") == campaign.title
    assert meta("property", "og:description") == "First part."
    assert meta("property", "og:url") == "https://act.example.org/c/share-me/"
    assert meta("property", "og:image").startswith("https://act.example.org/c/share-me/share.png")
    assert meta("name", "twitter:card") == "summary_large_image"

    campaign.share_description = "Written for sharing."
    campaign.save()
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert meta("property", "og:description") == "Written for sharing."


def test_the_share_image_is_a_cacheable_1200_by_630_png(client):
    campaign = CampaignFactory(status="live", title="A title " * 20)
    response = client.get(reverse("pages:share-image", kwargs={"slug": campaign.slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "max-age=" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    assert image.size == (1200, 630)


def test_share_images_of_unknown_or_draft_campaigns_are_404(client):
    assert client.get("/c/no-such-campaign/share.png").status_code == 404
    draft = CampaignFactory(status="draft")
    assert client.get(f"/c/{draft.slug}/share.png").status_code == 404


def test_the_primary_action_comes_first_and_demands_beyond_the_first_fold_away(client):
    campaign = CampaignFactory(status="live")
    PetitionFactory(campaign=campaign, title="Sign this")
    CallActionFactory(campaign=campaign, title="Call them")
    for position in range(3):
        DemandFactory(campaign=campaign, position=position, text=f"Demand {position}")

    html = client.get(campaign.get_absolute_url()).content.decode()
    primary = html[
        html.index("primary-action") : html.index("</section>", html.index("primary-action"))
    ]
    assert "Call them" in primary
    assert "Start calling" in primary
    assert "Sign this" not in primary
    assert html.index("Start calling") < html.index("Sign the petition")
    assert html.index("Demand 0") < html.index("<details") < html.index("Demand 1")
    assert "All 3 demands" in html

    campaign.primary_action = "sign"
    campaign.save()
    html = client.get(campaign.get_absolute_url()).content.decode()
    primary = html[
        html.index("primary-action") : html.index("</section>", html.index("primary-action"))
    ]
    assert "Sign the petition" in primary
    assert "Start calling" not in primary
