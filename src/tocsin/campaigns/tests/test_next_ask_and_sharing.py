"""The next ask's memory (a signed cookie of campaign ids and action kinds), the order of the
actions, the share step's links and source codes, and a partner's own share link."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from tocsin.campaigns import next_ask
from tocsin.campaigns.factories import CampaignFactory, PartnershipFactory
from tocsin.campaigns.sharing import clean_instance, join_names, share_step
from tocsin.organizations.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def _with_cookie(response: HttpResponse):
    request = RequestFactory().get("/")
    request.COOKIES[next_ask.COOKIE_NAME] = response.cookies[next_ask.COOKIE_NAME].value
    return request


def test_the_browser_remembers_what_it_did_per_campaign_and_nothing_more():
    first, second = CampaignFactory(), CampaignFactory()
    response = next_ask.mark_done(RequestFactory().get("/"), HttpResponse(), first, "sign")
    cookie = response.cookies[next_ask.COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 180 * 24 * 3600
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
    assert signing.loads(cookie.value, salt=next_ask.SALT) == {str(first.pk): ["sign"]}

    again = next_ask.mark_done(_with_cookie(response), HttpResponse(), first, "call")
    request = _with_cookie(again)
    assert next_ask.done_kinds(request, first) == {"sign", "call"}
    assert next_ask.done_kinds(request, second) == set()


def test_a_forged_expired_or_unknown_cookie_reads_as_nothing_done():
    campaign = CampaignFactory()
    request = RequestFactory().get("/")
    request.COOKIES[next_ask.COOKIE_NAME] = f'{{"{campaign.pk}": ["sign"]}}'
    assert next_ask.done_kinds(request, campaign) == set()
    request.COOKIES[next_ask.COOKIE_NAME] = signing.dumps(
        {str(campaign.pk): ["sign", "dance"]}, salt=next_ask.SALT
    )
    assert next_ask.done_kinds(request, campaign) == {"sign"}
    old = signing.TimestampSigner(salt=next_ask.SALT).sign_object({str(campaign.pk): ["sign"]})
    request.COOKIES[next_ask.COOKIE_NAME] = old
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(next_ask, "MAX_AGE", datetime.timedelta(seconds=-1))
        assert next_ask.done_kinds(request, campaign) == set()


def test_the_cookie_keeps_only_the_most_recent_campaigns():
    campaigns = [CampaignFactory() for _ in range(next_ask.MAX_CAMPAIGNS + 2)]
    response = HttpResponse()
    request = RequestFactory().get("/")
    for campaign in campaigns:
        response = next_ask.mark_done(request, HttpResponse(), campaign, "join")
        request = _with_cookie(response)
    assert next_ask.done_kinds(request, campaigns[0]) == set()
    assert next_ask.done_kinds(request, campaigns[-1]) == {"join"}


def test_the_next_action_follows_the_organizer_s_order_with_the_main_action_first():
    everything = {"call", "sign", "rsvp", "give", "join"}
    assert next_ask.ordered_actions(everything) == ["call", "sign", "rsvp", "give", "join"]
    order = next_ask.ordered_actions(everything, chosen=["give", "join"])
    assert order == ["give", "join", "call", "sign", "rsvp"]
    order = next_ask.ordered_actions(everything, primary="sign", chosen=["give", "join"])
    assert order == ["sign", "give", "join", "call", "rsvp"]
    assert next_ask.ordered_actions({"join", "sign"}, chosen=["give"]) == ["sign", "join"]
    assert next_ask.next_action(["sign", "call", "join"], {"sign"}) == "call"
    assert next_ask.next_action(["sign", "call"], {"sign", "call"}) is None


def test_an_organizer_s_order_is_checked_and_tidied():
    campaign = CampaignFactory(action_order="Sign; call  sign,JOIN")
    campaign.clean()
    assert campaign.action_order == "sign, call, join"
    assert campaign.chosen_action_order == ["sign", "call", "join"]
    campaign.action_order = "sign, dance"
    with pytest.raises(ValidationError) as error:
        campaign.clean()
    assert "dance" in str(error.value.message_dict["action_order"])


def test_names_are_listed_as_a_sentence_lists_them():
    assert join_names(["@a", "@b", "@c"]) == "@a, @b and @c"
    assert join_names(["@a", "@b"]) == "@a and @b"
    assert join_names(["@a", ""]) == "@a"
    assert join_names([]) == ""


def test_every_share_carries_the_campaign_link_with_the_network_s_source_code(settings):
    settings.TOCSIN_BASE_URL = "https://act.example.org"
    campaign = CampaignFactory(slug="river", title="Save the river")
    step = share_step(
        campaign,
        text="I just called.",
        mentions={"bluesky": ["@a.bsky.social", "@b.bsky.social", "@c.bsky.social"]},
        hashtags="#river",
    )
    link = "https://act.example.org/c/river/?source="
    posts = {post.network: post for post in step.posts}
    assert posts["bluesky"].text == (
        "I just called. @a.bsky.social, @b.bsky.social and @c.bsky.social #river "
        f"{link}share-bluesky"
    )
    assert posts["x"].text == f"I just called. #river {link}share-x"
    assert parse_qs(urlsplit(posts["x"].url).query)["text"] == [posts["x"].text]
    assert posts["mastodon"].text.endswith(f"{link}share-mastodon")
    assert posts["mastodon"].url == ""  # the supporter names their server first
    assert parse_qs(urlsplit(step.whatsapp_url).query)["text"][0].endswith(f"{link}share-whatsapp")
    assert parse_qs(urlsplit(step.facebook_url).query)["u"] == [f"{link}share-facebook"]
    assert step.email_url.startswith("mailto:?subject=Save%20the%20river&body=")
    assert "share-email" in step.email_url
    assert step.link == f"{link}share-link"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("mastodon.social", "mastodon.social"),
        ("https://Mastodon.Social/@me", "mastodon.social"),
        ("@me@hachyderm.io", "hachyderm.io"),
        ("javascript:alert(1)", None),
        ("evil.example/../x", "evil.example"),
        ("a b", None),
        ("", None),
    ],
)
def test_a_mastodon_server_is_read_from_what_people_type(typed, expected):
    assert clean_instance(typed) == expected


def test_the_mastodon_form_sends_the_post_to_the_supporter_s_own_server_only():
    campaign = CampaignFactory(status="live")
    url = reverse("campaigns:share-mastodon", kwargs={"slug": campaign.slug})
    response = Client().post(url, {"instance": "https://mastodon.social/", "text": "Act #x"})
    assert response.status_code == 302
    assert response["Location"] == "https://mastodon.social/share?text=Act+%23x"
    refused = Client().post(url, {"instance": "<script>", "text": "Act #x"})
    assert refused.status_code == 400
    assert "does not look like a Mastodon server" in refused.content.decode()
    assert "Act #x" in refused.content.decode()  # the post is not lost
    forged = Client(enforce_csrf_checks=True).post(url, {"instance": "evil.example", "text": "x"})
    assert forged.status_code == 403
    assert Client().get(url).status_code == 405


def test_a_partner_gets_a_source_code_and_its_own_share_link(settings):
    settings.TOCSIN_BASE_URL = "https://act.example.org"
    campaign = CampaignFactory(slug="river")
    partner = OrganizationFactory(slug="Friends-Of-Rivers")
    partnership = PartnershipFactory(campaign=campaign, organization=partner)
    assert partnership.source_code == "partner-friends-of-rivers"
    assert partnership.share_url() == (
        "https://act.example.org/c/river/?source=partner-friends-of-rivers"
    )
    partnership.source_code = "Bad Code!"
    with pytest.raises(ValidationError):
        partnership.full_clean()
