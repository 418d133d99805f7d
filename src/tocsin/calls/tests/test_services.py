import datetime
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from tocsin.calls import services
from tocsin.calls.factories import CallActionFactory
from tocsin.calls.models import (
    CallAction,
    CallReport,
    CallTally,
    DemandTally,
    Outcome,
    ScriptVariant,
)
from tocsin.calls.sharing import clean_instance, mention, share_posts
from tocsin.campaigns.factories import CampaignTargetFactory, DemandFactory
from tocsin.campaigns.models import Stance, TargetStance
from tocsin.districts.services import DistrictRef
from tocsin.targets.factories import (
    CustomTargetFactory,
    LegislatorFactory,
    OfficeFactory,
    SenatorFactory,
    SocialAccountFactory,
)
from tocsin.targets.models import Office

pytestmark = pytest.mark.django_db

WI_2 = DistrictRef("WI", 2)


@pytest.fixture
def people():
    representative = LegislatorFactory(name="Rep Two", state="WI", district=2)
    senators = [SenatorFactory(name=f"Sen {n}", state="WI") for n in ("A", "B")]
    desk = CustomTargetFactory(name="Ministry Desk")
    for person in (representative, *senators, desk):
        OfficeFactory(target=person)
    return {"rep": representative, "senators": senators, "desk": desk}


def action_with(people, **fields):
    action = CallActionFactory(**fields)
    CampaignTargetFactory(campaign=action.campaign, target=people["desk"])
    return action


@pytest.mark.parametrize(
    ("mode", "chambers", "placement", "expected"),
    [
        ("fixed", "both", "first", ["Ministry Desk"]),
        ("lookup", "house", "first", ["Rep Two"]),
        ("lookup", "senate", "first", ["Sen A", "Sen B"]),
        ("both", "both", "first", ["Ministry Desk", "Rep Two", "Sen A", "Sen B"]),
        ("both", "house", "last", ["Rep Two", "Ministry Desk"]),
        ("both", "house", "fallback", ["Rep Two"]),
    ],
)
def test_whom_to_call_follows_the_organizer_s_choice(people, mode, chambers, placement, expected):
    action = action_with(people, target_mode=mode, chambers=chambers, custom_placement=placement)
    assert [t.name for t in services.targets_for(action, WI_2)] == expected


def test_the_fallback_is_used_when_the_lookup_finds_nobody(people):
    action = action_with(people, target_mode="both", chambers="house", custom_placement="fallback")
    assert [t.name for t in services.targets_for(action, DistrictRef("WI", 5))] == ["Ministry Desk"]


def test_targets_already_supporting_can_be_left_out(people):
    action = action_with(people, target_mode="both", chambers="both", only_unsupportive=True)
    TargetStance.objects.create(
        campaign=action.campaign, target=people["senators"][0], stance=Stance.SUPPORTS
    )
    TargetStance.objects.create(
        campaign=action.campaign, target=people["senators"][1], stance=Stance.UNDECIDED
    )
    names = [t.name for t in services.targets_for(action, WI_2)]
    assert "Sen A" not in names
    assert "Sen B" in names
    assert "Rep Two" in names  # no stance recorded: unknown counts as not supporting


def test_scripts_fill_placeholders_and_use_a_target_s_own_variant(people):
    action = action_with(people, script="Hi {title} {name}, I am from {town} ({zip}). {oops}")
    text = services.script_for(action, people["rep"], zip_code="53703", town="Madison")
    assert text == "Hi Representative Rep Two, I am from Madison (53703). {oops}"
    ScriptVariant.objects.create(action=action, target=people["rep"], script="Thank you, {name}!")
    assert services.script_for(action, people["rep"]) == "Thank you, Rep Two!"
    action.script = "Broken {brace"
    assert services.script_for(action, people["desk"]) == "Broken {brace"


def test_office_clock_uses_the_office_s_own_time_zone(people):
    monday_noon_utc = datetime.datetime(2026, 11, 23, 17, 0, tzinfo=datetime.UTC)
    washington = Office(target=people["rep"], kind=Office.Kind.WASHINGTON, state="DC")
    madison = Office(target=people["rep"], kind=Office.Kind.DISTRICT, state="WI")
    honolulu = Office(target=people["rep"], kind=Office.Kind.DISTRICT, state="HI")
    assert services.office_clock(washington, monday_noon_utc).local_time.hour == 12
    assert services.office_clock(madison, monday_noon_utc).local_time.hour == 11
    assert services.office_clock(madison, monday_noon_utc).likely_open
    assert services.office_clock(honolulu, monday_noon_utc).local_time.hour == 7
    assert not services.office_clock(honolulu, monday_noon_utc).likely_open
    saturday = monday_noon_utc - datetime.timedelta(days=2)
    assert not services.office_clock(washington, saturday).likely_open


def test_folding_makes_tallies_that_add_up_to_the_reports(people):
    action = action_with(people, target_mode="both", chambers="both")
    demand = DemandFactory(campaign=action.campaign)
    outcomes = [Outcome.TALKED] * 5 + [Outcome.BUSY] * 3 + [Outcome.SKIPPED] * 2
    for outcome in outcomes:
        services.report_call(
            action, key=uuid.uuid4(), target_id=people["rep"].pk,
            office_id=people["rep"].offices.get().pk, outcome=outcome,
            demand_ids=[demand.pk] if outcome == Outcome.TALKED else [], district=WI_2,
        )  # fmt: skip
    assert services.fold_reports() == 10
    assert services.fold_reports() == 0  # nothing is folded twice
    assert sum(CallTally.objects.values_list("count", flat=True)) == CallReport.objects.count()
    assert CallTally.objects.get(outcome=Outcome.BUSY).count == 3
    assert CallTally.objects.get(outcome=Outcome.TALKED).place == "WI-2"
    assert DemandTally.objects.get(demand=demand).count == 5
    assert services.call_count(action) == 8

    # New reports join the existing tallies.
    services.report_call(
        action, key=uuid.uuid4(), target_id=people["rep"].pk,
        office_id=people["rep"].offices.get().pk, outcome=Outcome.BUSY, demand_ids=[],
        district=WI_2,
    )  # fmt: skip
    services.fold_reports()
    assert CallTally.objects.get(outcome=Outcome.BUSY).count == 4


def test_a_representative_of_another_district_cannot_be_reported(people):
    action = action_with(people, target_mode="lookup", chambers="house")
    with pytest.raises(services.ReportRefused):
        services.report_call(
            action, key=uuid.uuid4(), target_id=people["rep"].pk,
            office_id=people["rep"].offices.get().pk, outcome=Outcome.TALKED, demand_ids=[],
            district=DistrictRef("WI", 3),
        )  # fmt: skip
    assert not CallReport.objects.exists()


def test_posts_tag_each_target_or_fall_back_to_a_name(people):
    action = action_with(
        people, target_mode="both", chambers="house", share_text="Act now:",
        hashtags="#Honduras", mention_fallback="{title} {name}",
    )  # fmt: skip
    SocialAccountFactory(target=people["rep"], network="x", handle="RepTwo")
    SocialAccountFactory(
        target=people["rep"], network="mastodon", handle="https://social.example.org/@reptwo"
    )
    posts = {p.network: p for p in share_posts(action, services.targets_for(action, WI_2))}
    assert posts["x"].text == "Act now: Ministry Desk @RepTwo #Honduras"
    assert posts["bluesky"].text == "Act now: Ministry Desk Representative Rep Two #Honduras"
    assert "@reptwo@social.example.org" in posts["mastodon"].text
    assert posts["x"].url.startswith("https://x.com/intent/post?text=Act+now")
    assert posts["x"].limit == 280
    assert not posts["x"].too_long
    assert mention(people["desk"], "x", "{nonsense") == "Ministry Desk"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("mastodon.social", "mastodon.social"),
        ("https://Mastodon.Social/", "mastodon.social"),
        ("@me@hachyderm.io", "hachyderm.io"),
        ("javascript:alert(1)", None),
        ("not a server", None),
        ("", None),
    ],
)
def test_mastodon_servers_are_read_from_what_people_type(typed, expected):
    assert clean_instance(typed) == expected


def test_mastodon_share_redirects_to_the_supporter_s_server_only_from_our_form(people):
    action = action_with(people, share_text="Act", hashtags="#x")
    url = reverse("calls:share-mastodon", kwargs={"slug": action.campaign.slug})
    client = Client()
    response = client.post(url, {"instance": "mastodon.social", "text": "Act #x"})
    assert response.status_code == 302
    assert response["Location"] == "https://mastodon.social/share?text=Act+%23x"
    assert client.post(url, {"instance": "<script>", "text": "x"}).status_code == 400
    forged = Client(enforce_csrf_checks=True).post(url, {"instance": "evil.example", "text": "x"})
    assert forged.status_code == 403


def test_an_inactive_action_is_not_found(people):
    action = action_with(people, is_active=False)
    response = Client().get(reverse("calls:start", kwargs={"slug": action.campaign.slug}))
    assert response.status_code == 404
    assert CallAction.objects.filter(pk=action.pk).exists()
