import datetime
import uuid
from collections import Counter

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tocsin.calls import services
from tocsin.calls.factories import CallActionFactory
from tocsin.calls.models import CallAction, CallerAnswer, CallReport, Outcome, ScriptVariant
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

from .conftest import report

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


def test_counts_are_read_from_the_reports_themselves(people):
    action = action_with(people, target_mode="both", chambers="both")
    demand = DemandFactory(campaign=action.campaign)
    office = people["rep"].offices.get()
    outcomes = [Outcome.TALKED] * 5 + [Outcome.BUSY] * 3 + [Outcome.SKIPPED] * 2
    answers = [CallerAnswer.YES, CallerAnswer.YES, CallerAnswer.NO] + [""] * 7
    for outcome, answer in zip(outcomes, answers, strict=True):
        assert services.report_call(
            action,
            key=uuid.uuid4(),
            target_id=people["rep"].pk,
            office_id=office.pk,
            outcome=outcome,
            demand_ids=[demand.pk] if outcome == Outcome.TALKED else [],
            district=WI_2,
            answer=answer,
        )
    # Calls made: the five talks. Busy lines are attempts (for organizers), skips neither.
    assert services.call_count(action) == 5
    assert services.attempt_count(action) == 3
    assert services.call_counts_by_target(action) == {people["rep"].pk: 5}
    assert services.answer_counts(action) == {people["rep"].pk: Counter(yes=2, no=1)}
    assert CallReport.objects.filter(demands_raised=str(demand.pk)).count() == 5
    assert set(CallReport.objects.values_list("place", flat=True)) == {"WI-2"}

    # Another action's reports are not counted here.
    other = action_with(people)
    services.report_call(
        other,
        key=uuid.uuid4(),
        target_id=people["desk"].pk,
        office_id=people["desk"].offices.get().pk,
        outcome=Outcome.TALKED,
        demand_ids=[],
        district=None,
    )
    cache.clear()
    assert services.call_count(action) == 5
    assert services.call_count(other) == 1


def test_a_report_is_stored_once_per_key(desk_action):
    action, desk, office = desk_action
    key = uuid.uuid4()
    assert report(action, desk, office, key) is True
    assert report(action, desk, office, key) is False  # a double tap or a retry
    assert report(action, desk, office, key, outcome=Outcome.BUSY) is False
    assert CallReport.objects.get().outcome == Outcome.TALKED
    assert services.call_count(action) == 1


@pytest.mark.django_db(transaction=True)
def test_a_report_for_an_office_deleted_meanwhile_is_refused(desk_action):
    action, desk, office = desk_action
    facts = services._reportable_office(office.pk)
    Office.objects.filter(pk=office.pk).delete()
    # As if the report had been checked just before the office went.
    cache.set(services.office_cache_key(office.pk), facts)
    with pytest.raises(services.ReportRefused):
        report(action, desk, office, uuid.uuid4())
    assert not CallReport.objects.exists()


def test_dead_lines_count_only_recent_attempts(people):
    action = action_with(people)
    desk_office = people["desk"].offices.get()
    keys = []
    for outcome in [Outcome.BUSY] * 3 + [Outcome.VOICEMAIL_FULL] * 2 + [Outcome.SKIPPED] * 4:
        keys.append(uuid.uuid4())
        report_to_desk(action, people, keys[-1], outcome)
    assert services.dead_lines([desk_office.pk]) == {desk_office.pk}
    cache.clear()
    # Older than a week: no longer held against the line.
    CallReport.objects.update(
        created_at=timezone.now() - datetime.timedelta(days=services.LINE_HEALTH_DAYS + 1)
    )
    assert services.dead_lines([desk_office.pk]) == set()
    cache.clear()
    # Five recent attempts, two of them dead: under half, the line is fine.
    for outcome in [Outcome.TALKED] * 3 + [Outcome.BUSY] * 2:
        report_to_desk(action, people, uuid.uuid4(), outcome)
    assert services.dead_lines([desk_office.pk]) == set()


def report_to_desk(action, people, key, outcome):
    return services.report_call(
        action,
        key=key,
        target_id=people["desk"].pk,
        office_id=people["desk"].offices.get().pk,
        outcome=outcome,
        demand_ids=[],
        district=None,
    )


def test_reading_counts_and_the_flow_s_pages_writes_nothing(people, client):
    action = action_with(people, share_text="Act", hashtags="#x")
    report_to_desk(action, people, uuid.uuid4(), Outcome.TALKED)
    slug = action.campaign.slug
    urls = [
        reverse("calls:start", kwargs={"slug": slug}),
        reverse("calls:step", kwargs={"slug": slug, "position": 0}),
        reverse("calls:done", kwargs={"slug": slug}),
        action.campaign.get_absolute_url(),
    ]
    with CaptureQueriesContext(connection) as queries:
        for url in urls:
            assert client.get(url, follow=True).status_code == 200, url
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert services.call_count(action) == 1


def test_a_representative_of_another_district_cannot_be_reported(people):
    action = action_with(people, target_mode="lookup", chambers="house")
    with pytest.raises(services.ReportRefused):
        services.report_call(
            action,
            key=uuid.uuid4(),
            target_id=people["rep"].pk,
            office_id=people["rep"].offices.get().pk,
            outcome=Outcome.TALKED,
            demand_ids=[],
            district=DistrictRef("WI", 3),
        )
    assert not CallReport.objects.exists()


def test_posts_tag_each_target_or_fall_back_to_a_name(people, settings):
    settings.TOCSIN_BASE_URL = "http://testserver"
    action = action_with(
        people,
        target_mode="both",
        chambers="house",
        share_text="Act now:",
        hashtags="#Honduras",
        mention_fallback="{title} {name}",
    )
    SocialAccountFactory(target=people["rep"], network="x", handle="RepTwo")
    SocialAccountFactory(
        target=people["rep"], network="mastodon", handle="https://social.example.org/@reptwo"
    )
    posts = {p.network: p for p in share_posts(action, services.targets_for(action, WI_2))}
    link = f"http://testserver{action.campaign.get_absolute_url()}"
    assert posts["x"].text == f"Act now: Ministry Desk and @RepTwo #Honduras {link}?source=share-x"
    assert posts["bluesky"].text == (
        f"Act now: Ministry Desk and Representative Rep Two #Honduras {link}?source=share-bluesky"
    )
    assert "Ministry Desk and @reptwo@social.example.org" in posts["mastodon"].text
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


def test_an_inactive_action_is_not_found(people):
    action = action_with(people, is_active=False)
    response = Client().get(reverse("calls:start", kwargs={"slug": action.campaign.slug}))
    assert response.status_code == 404
    assert CallAction.objects.filter(pk=action.pk).exists()
