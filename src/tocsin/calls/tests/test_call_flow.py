import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tocsin.calls import places, services
from tocsin.calls.models import CallReport, Outcome
from tocsin.targets.models import Office, Target

pytestmark = pytest.mark.django_db


def step_url(action, position=0, **place):
    """A step's URL and query: the place (zip, district, town) sealed, as the flow carries it."""
    url = reverse("calls:step", kwargs={"slug": action.campaign.slug, "position": position})
    return url, ({"place": places.seal(place)} if place else {})


def hidden(html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return value.group(1) if value else ""


def report(client, action, html, outcome, **overrides):
    data = {
        name: hidden(html, name)
        for name in (
            "key",
            "position",
            "total",
            "target",
            "office",
            "tried",
            "place",
        )
        if f'name="{name}"' in html
    }
    data |= {"outcome": outcome, **overrides}
    return client.post(reverse("calls:report", kwargs={"slug": action.campaign.slug}), data)


def test_a_fixed_list_is_called_in_order_with_every_office(client, demo):
    action = demo["baldwin"]
    # A fixed list needs nothing from the supporter: the start goes straight to the first call.
    start = client.get(reverse("calls:start", kwargs={"slug": action.campaign.slug}))
    assert start.status_code == 302
    assert start["Location"] == step_url(action, 0)[0]

    url, params = step_url(action)
    page = client.get(url, params).content.decode()
    assert "Senator Tammy Baldwin" in page
    assert "Next: US Department of State Honduras Desk" in page
    # Washington first, then her Wisconsin offices, each a tel: link.
    assert page.index('href="tel:+12022245653"') < page.index('href="tel:+16082645338"')
    for city in ("Green Bay", "La Crosse", "Madison", "Milwaukee", "Eau Claire and Ladysmith"):
        assert city in page
    assert "I ask Senator Tammy Baldwin" in page  # the script names the person called

    response = report(client, action, page, Outcome.TALKED)
    assert response.status_code == 302
    assert response["Location"].startswith(step_url(action, 1)[0])
    assert CallReport.objects.get().outcome == Outcome.TALKED

    desk = client.get(response["Location"]).content.decode()
    assert "Honduras Desk" in desk
    assert 'href="tel:+12027367660"' in desk
    done = report(client, action, desk, Outcome.VOICEMAIL)
    assert reverse("calls:done", kwargs={"slug": action.campaign.slug}) in done["Location"]
    thanks = client.get(done["Location"]).content.decode()
    assert "2</strong>" in thanks
    assert "@SenatorBaldwin" in thanks
    assert "@StateDept" in thanks
    assert "#HondurasElections2017" in thanks


def test_a_double_tap_or_a_retry_is_counted_once(client, demo):
    action = demo["baldwin"]
    url, params = step_url(action)
    page = client.get(url, params).content.decode()
    first = report(client, action, page, Outcome.TALKED)
    second = report(client, action, page, Outcome.TALKED)
    assert first["Location"] == second["Location"]
    assert CallReport.objects.count() == 1
    assert services.call_count(action) == 1


def test_the_installation_kill_switch_stops_counting_reports_and_says_so(client, demo):
    from tocsin.core.models import Switches

    Switches.objects.update_or_create(pk=1, defaults={"calls_paused": True})
    action = demo["baldwin"]
    url, params = step_url(action)
    page = client.get(url, params).content.decode()
    response = report(client, action, page, Outcome.TALKED)
    assert response.status_code == 503
    assert "not counting call reports" in response.content.decode()
    assert not CallReport.objects.exists()


def test_a_busy_line_offers_the_next_office_of_the_same_person_at_once(client, demo):
    action = demo["baldwin"]
    url, params = step_url(action)
    page = client.get(url, params).content.decode()
    washington = hidden(page, "office")
    busy = report(client, action, page, Outcome.BUSY)
    assert busy["Location"].startswith(step_url(action, 0)[0])
    retry = client.get(busy["Location"]).content.decode()
    assert "did not get through" in retry
    next_office = hidden(retry, "office")
    assert next_office != washington
    assert Office.objects.get(pk=next_office).target.name == "Tammy Baldwin"
    full = report(client, action, retry, Outcome.VOICEMAIL_FULL)
    third = client.get(full["Location"]).content.decode()
    assert hidden(third, "office") not in (washington, next_office)
    assert CallReport.objects.filter(outcome__in=["busy", "voicemail_full"]).count() == 2


def test_offices_whose_lines_are_mostly_dead_go_last(client, demo):
    action = demo["baldwin"]
    baldwin = Target.objects.get(bioguide_id="B001230")
    washington = baldwin.offices.get(kind="washington")
    for _ in range(6):
        services.report_call(
            action,
            key=uuid.uuid4(),
            target_id=baldwin.pk,
            office_id=washington.pk,
            outcome=Outcome.BUSY,
            demand_ids=[],
            district=None,
        )
    offices = services.ordered_offices(action, baldwin, None)
    assert offices[-1] == washington
    assert offices[0].kind == "district"


def test_the_supporter_s_own_representative_by_zip(client, demo):
    action = demo["hr1299"]
    start_url = reverse("calls:start", kwargs={"slug": action.campaign.slug})
    asked = client.get(start_url).content.decode()
    assert 'name="zip"' in asked

    # The ZIP code leads straight to the first call: no page that only lists whom to call.
    found = client.post(start_url, {"zip": "53703", "town": "Madison"}, follow=True)
    assert found.redirect_chain[-1][0].startswith(step_url(action, 0)[0])
    found = found.content.decode()
    assert "Mark Pocan" in found
    assert "Baldwin" not in found  # this action calls the House only
    url, params = step_url(action, zip="53703", district="WI-2", town="Madison")
    page = client.get(url, params).content.decode()
    assert "I am a constituent from Madison" in page
    # Nearest office first: his Madison office, not Washington.
    current = Office.objects.get(pk=hidden(page, "office"))
    assert current.city == "Madison"
    assert report(client, action, page, Outcome.TALKED).status_code == 302
    assert CallReport.objects.get().place == "WI-2"


def test_a_split_zip_asks_which_district_before_anyone_is_called(client, demo):
    action = demo["hr1299"]
    start_url = reverse("calls:start", kwargs={"slug": action.campaign.slug})
    split = client.post(start_url, {"zip": "91711"}).content.decode()
    assert "split between 6 districts" in split
    assert "Start calling" not in split
    picked = client.post(start_url, {"zip": "91711", "district": "CA-28"}, follow=True)
    picked = picked.content.decode()
    assert "Judy Chu" in picked
    url, params = step_url(action, zip="91711")
    assert client.get(url, params).status_code == 302  # back to the question, no guess


def test_location_resolves_the_district(client, demo):
    action = demo["hr1299"]
    response = client.post(
        reverse("calls:start", kwargs={"slug": action.campaign.slug}),
        {"latitude": "43.0747", "longitude": "-89.3841"},
    )
    assert response.status_code == 302
    assert "Mark Pocan" in client.get(response["Location"], follow=True).content.decode()


@pytest.mark.parametrize(
    "tamper",
    [
        "another_members_office",
        "office_of_the_desk_for_baldwin",
        "unknown_target",
        "forged_outcome",
        "bad_key",
        "unknown_demand",
        "hidden_office",
    ],
)
def test_reports_that_do_not_match_the_campaign_are_refused_and_not_counted(client, demo, tamper):
    action = demo["baldwin"]
    url, params = step_url(action)
    page = client.get(url, params).content.decode()
    baldwin = Target.objects.get(bioguide_id="B001230")
    overrides = {
        "another_members_office": {
            "office": Office.objects.filter(target__bioguide_id="J000293").first().pk,
            "target": Target.objects.get(bioguide_id="J000293").pk,
        },
        "office_of_the_desk_for_baldwin": {
            "office": Office.objects.get(target__name="Honduras Desk").pk
        },
        "unknown_target": {"target": 999_999_999},
        "forged_outcome": {"outcome": "hung_up_on_by_the_senator"},
        "bad_key": {"key": "not-a-uuid"},
        "unknown_demand": {"demands": [999_999]},
        "hidden_office": {},
    }[tamper]
    if tamper == "hidden_office":
        baldwin.offices.filter(kind="washington").update(hidden=True)
    outcome = overrides.pop("outcome", Outcome.TALKED)
    response = report(client, action, page, outcome, **overrides)
    assert response.status_code == 400
    assert not CallReport.objects.exists()


def test_an_overlong_town_is_a_clear_error_not_a_crash(client, demo):
    action = demo["hr1299"]
    response = client.post(
        reverse("calls:start", kwargs={"slug": action.campaign.slug}),
        {"zip": "53703", "town": "x" * 10_000},
    )
    assert response.status_code == 400
    assert "shorten the town name" in response.content.decode()


def test_reporting_without_a_csrf_token_is_refused(demo):
    action = demo["baldwin"]
    response = Client(enforce_csrf_checks=True).post(
        reverse("calls:report", kwargs={"slug": action.campaign.slug}),
        {"outcome": "talked"},
    )
    assert response.status_code == 403
    assert not CallReport.objects.exists()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fields=st.dictionaries(
        st.sampled_from(
            [
                "key",
                "position",
                "target",
                "office",
                "outcome",
                "demands",
                "zip",
                "district",
                "town",
                "tried",
                "place",
            ]
        ),
        st.text(max_size=300),
    )
)
def test_any_report_form_input_is_answered_without_an_error_page(client, demo, fields):
    response = client.post(
        reverse("calls:report", kwargs={"slug": demo["baldwin"].campaign.slug}), fields
    )
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert not CallReport.objects.exists()


def test_the_campaign_page_shows_the_call_action_and_its_count(client, demo):
    action = demo["baldwin"]
    baldwin = Target.objects.get(bioguide_id="B001230")
    outcomes = (
        Outcome.TALKED,
        Outcome.VOICEMAIL,
        Outcome.SKIPPED,
        Outcome.BUSY,
        Outcome.VOICEMAIL_FULL,
    )
    for outcome in outcomes:
        services.report_call(
            action,
            key=uuid.uuid4(),
            target_id=baldwin.pk,
            office_id=baldwin.offices.first().pk,
            outcome=outcome,
            demand_ids=[],
            district=None,
        )
    html = client.get(action.campaign.get_absolute_url()).content.decode()
    # Calls made: talked or left a message. Skips, busy lines and full mailboxes are not.
    assert "2 calls made so far" in html
    assert reverse("calls:start", kwargs={"slug": action.campaign.slug}) in html


def test_the_flow_speaks_spanish(demo):
    # A script said in Spanish's own words (the one said in English: test_said_in.py).
    demo["baldwin"].script_said_in = ""
    demo["baldwin"].save(update_fields=["script_said_in"])
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    url, params = step_url(demo["baldwin"])
    page = client.get(url, params).content.decode()
    assert "Qué decir" in page
    assert "Hablé con el personal" in page


def test_what_was_raised_and_heard_is_stored_and_a_missing_outcome_is_asked_for(client, demo):
    action = demo["baldwin"]
    url, params = step_url(action)
    page = client.get(url, params).content.decode()
    demands = re.findall(r'name="demands" value="(\d+)"', page)
    assert len(demands) > 1

    untapped = report(client, action, page, "")
    assert untapped.status_code == 400
    assert "Tap how the call went." in untapped.content.decode()
    assert "Senator Tammy Baldwin" in untapped.content.decode()  # the same step again
    assert not CallReport.objects.exists()

    response = report(client, action, page, Outcome.TALKED, demands=demands[:2], answer="yes")
    assert response.status_code == 302
    stored = CallReport.objects.get()
    assert stored.demands_raised == ",".join(sorted(demands[:2], key=int))
    assert stored.answer == "yes"
    assert services.answer_counts(action) == {stored.target_id: {"yes": 1}}
