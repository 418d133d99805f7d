"""Forged call reports: rate limits per client address and per campaign, and the optional
proof-of-work check (issue 14, finding 7)."""

import types
import uuid

import pytest
from django.urls import reverse

from tocsin.calls import services
from tocsin.calls.models import CallReport, Outcome
from tocsin.core import challenge, ratelimits, switches
from tocsin.petitions.tests.test_challenge import solution_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def one_window(monkeypatch):
    """Every request of a test falls in the same fixed window, whatever the clock says."""
    monkeypatch.setattr(ratelimits, "time", types.SimpleNamespace(time=lambda: 1_800_000_000.0))


@pytest.fixture
def reports(client, desk_action):
    """Posts a report as the step page would, from a given address, each with a new key."""
    action, desk, office = desk_action
    url = reverse("calls:report", kwargs={"slug": action.campaign.slug})

    def post(ip="203.0.113.7", key=None, forwarded_for=None, **extra):
        data = {
            "key": key or uuid.uuid4(),
            "position": 0,
            "total": 1,
            "target": desk.pk,
            "office": office.pk,
            "outcome": Outcome.TALKED,
            "answer": "yes",
            **extra,
        }
        headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
        return client.post(url, data, REMOTE_ADDR=ip, **headers)

    return post


@pytest.fixture(params=["memory", "redis"])
def shared_cache(request):
    """The counters in each process's memory, then in the real local Redis (what several web
    servers share)."""
    if request.param == "redis":
        request.getfixturevalue("local_redis")
    return request.param


def test_forty_forged_reports_from_one_address_count_only_up_to_its_limit(
    shared_cache, reports, desk_action, settings
):
    switches.change(call_reports_per_ip_per_minute=10)
    action, desk, _office = desk_action
    answers = [reports().status_code for _ in range(40)]
    assert answers.count(302) == 10
    assert answers.count(429) == 30
    assert CallReport.objects.count() == 10
    # Only what was counted feeds the stance suggestions and the public count.
    assert services.answer_counts(action) == {desk.pk: {"yes": 10}}
    assert services.call_count(action) == 10


def test_over_the_limit_the_supporter_is_told_plainly_and_can_go_on(reports, settings):
    switches.change(call_reports_per_ip_per_minute=1)
    assert reports().status_code == 302
    refused = reports()
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "was not counted" in page
    assert "Your call still made a difference" in page
    assert CallReport.objects.count() == 1


def test_a_repeat_of_a_counted_report_is_not_refused_over_the_limit(reports, settings):
    switches.change(call_reports_per_ip_per_minute=1)
    key = uuid.uuid4()
    first = reports(key=key)
    again = reports(key=key)  # a double tap
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert CallReport.objects.count() == 1


def test_the_hourly_limit_per_address(reports, settings):
    switches.change(call_reports_per_ip_per_hour=3)
    assert [reports().status_code for _ in range(5)] == [302, 302, 302, 429, 429]


def test_many_addresses_together_are_held_to_the_campaign_s_limit(reports, settings):
    switches.change(call_reports_per_campaign_per_minute=15)
    answers = [reports(ip=f"198.51.100.{n}").status_code for n in range(1, 41)]
    assert answers.count(302) == 15
    assert CallReport.objects.count() == 15


def test_another_campaign_is_not_held_by_this_one_s_limit(reports, settings, client):
    from tocsin.calls.factories import CallActionFactory
    from tocsin.campaigns.factories import CampaignTargetFactory
    from tocsin.targets.factories import CustomTargetFactory, OfficeFactory

    switches.change(call_reports_per_campaign_per_minute=2)
    for _ in range(3):
        reports(ip="198.51.100.1")
    other = CallActionFactory()
    desk = CustomTargetFactory()
    office = OfficeFactory(target=desk)
    CampaignTargetFactory(campaign=other.campaign, target=desk)
    response = client.post(
        reverse("calls:report", kwargs={"slug": other.campaign.slug}),
        {
            "key": uuid.uuid4(),
            "position": 0,
            "total": 1,
            "target": desk.pk,
            "office": office.pk,
            "outcome": Outcome.TALKED,
        },
        REMOTE_ADDR="198.51.100.2",
    )
    assert response.status_code == 302
    assert CallReport.objects.filter(action=other).count() == 1


def test_behind_the_proxy_each_client_has_its_own_limit(reports, settings):
    """Behind nginx every request comes from the proxy's address: the limit must count the
    client named in X-Forwarded-For, or one busy supporter would stop everyone."""
    settings.TOCSIN_TRUSTED_PROXIES = 1
    switches.change(call_reports_per_ip_per_minute=2)
    proxy = "127.0.0.1"

    def from_client(address):
        return reports(ip=proxy, forwarded_for=address).status_code

    assert [from_client("203.0.113.1") for _ in range(3)] == [302, 302, 429]
    assert from_client("203.0.113.2") == 302


def test_reports_over_the_limit_write_nothing(reports, settings):
    switches.change(call_reports_per_ip_per_minute=0)
    assert reports().status_code == 429
    assert not CallReport.objects.exists()


# ---------------------------------------------------------------------------- proof of work


@pytest.fixture
def challenged(desk_action, settings):
    settings.TOCSIN_ALTCHA_MAX_NUMBER = 2_000  # keeps solving it here quick
    action = desk_action[0]
    action.ask_for_challenge = True
    action.save()
    services.forget_public_action(action.campaign.slug)
    return desk_action


def test_the_step_page_carries_a_challenge_only_when_switched_on(client, challenged):
    action, _desk, _office = challenged
    url = reverse("calls:step", kwargs={"slug": action.campaign.slug, "position": 0})
    page = client.get(url).content.decode()
    assert "<altcha-widget" in page
    assert "You can still sign" not in page  # the petitions' wording does not fit a call
    action.ask_for_challenge = False
    action.save()
    services.forget_public_action(action.campaign.slug)
    assert "<altcha-widget" not in client.get(url).content.decode()


def test_a_report_without_a_solved_challenge_is_not_counted_and_says_so(reports, challenged):
    refused = reports()
    assert refused.status_code == 400
    assert "was not counted" in refused.content.decode()
    assert not CallReport.objects.exists()


def test_a_solved_challenge_counts_once_and_its_replay_does_not(reports, challenged):
    solved = solution_for(challenge.new_challenge())
    assert reports(altcha=solved).status_code == 302
    assert reports(altcha=solved).status_code == 400
    assert CallReport.objects.count() == 1
    # A double tap of the counted report is still a repeat, not a refusal.
    key = CallReport.objects.get().key
    assert reports(key=key, altcha=solved).status_code == 302
