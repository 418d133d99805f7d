"""The call flow moves on: a dead line leads to another number of the same person, then to the
next person, then to the end, never round again; a number shared by two offices is offered
once; each person is read their own script; and only calls made are counted in public."""

import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tocsin.calls import services
from tocsin.calls.factories import CallActionFactory
from tocsin.calls.models import CallReport, Outcome
from tocsin.campaigns.factories import CampaignTargetFactory
from tocsin.targets.factories import CustomTargetFactory, OfficeFactory
from tocsin.targets.models import Target

from .test_call_flow import hidden, report, step_url

pytestmark = pytest.mark.django_db


def test_busy_at_a_one_office_target_moves_on_instead_of_offering_the_same_number(client, demo):
    action = demo["baldwin"]
    url, params = step_url(action, 1)
    desk = client.get(url, params).content.decode()
    assert "Honduras Desk" in desk
    busy = report(client, action, desk, Outcome.BUSY)
    # The desk is the last person: the end, not the desk's one number again.
    assert busy["Location"] == reverse("calls:done", kwargs={"slug": action.campaign.slug})


def test_when_every_number_was_tried_the_flow_goes_on_to_the_next_person(client, demo):
    action = demo["baldwin"]
    url, params = step_url(action, 0)
    page = client.get(url, params).content.decode()
    offered = []
    for _ in range(20):
        offered.append(hidden(page, "office"))
        busy = report(client, action, page, Outcome.BUSY)
        if not busy["Location"].startswith(url):
            break
        page = client.get(busy["Location"]).content.decode()
        assert "Tammy Baldwin" in page
    # Washington and five Wisconsin numbers (Eau Claire and Ladysmith share one), each once.
    assert len(offered) == len(set(offered)) == 6
    assert busy["Location"].startswith(step_url(action, 1)[0])
    assert "Honduras Desk" in client.get(busy["Location"]).content.decode()

    # A step asked for with every number already tried goes on too, never back to Washington.
    tried = client.get(url, {"tried": ",".join(offered)})
    assert tried.status_code == 302
    assert tried["Location"].startswith(step_url(action, 1)[0])


def test_a_number_listed_under_two_offices_is_offered_once_under_both_names(client, demo):
    action = demo["baldwin"]
    url, params = step_url(action, 0)
    page = client.get(url, params).content.decode()
    assert page.count('href="tel:+17158328424"') == 1
    assert re.search(r'class="where">Eau Claire and Ladysmith<', page)
    assert "6 other offices" not in page
    assert "5 other offices" in page


def test_offices_sharing_a_number_written_differently_are_one_line():
    action = CallActionFactory()
    desk = CustomTargetFactory()
    CampaignTargetFactory(campaign=action.campaign, target=desk)
    district = {"target": desk, "kind": "district"}
    first = OfficeFactory(**district, city="Eau Claire", phone="715-832-8424", position=0)
    OfficeFactory(**district, city="Ladysmith", phone="(715) 832 8424", position=1)
    other = OfficeFactory(**district, city="Wausau", phone="715-261-2611", position=2)
    lines = services.lines_for(action, desk, None)
    assert [line.office for line in lines] == [first, other]
    assert lines[0].label == "Eau Claire and Ladysmith"
    assert lines[1].label == "Wausau"


def test_each_target_is_read_its_own_script(client, demo):
    action = demo["baldwin"]
    # The campaign's own script names nothing only one of them can do.
    assert "Appropriations" not in action.script
    assert "{title} {name}" not in action.script
    baldwin_url, params = step_url(action, 0)
    baldwin = client.get(baldwin_url, params).content.decode()
    assert "Appropriations Committee" in baldwin
    desk_url, params = step_url(action, 1)
    desk = client.get(desk_url, params).content.decode()
    assert "Appropriations" not in desk
    assert "Senator" not in desk.split('id="script-heading"')[1].split("</section>")[0]
    assert "certified that Honduras" in desk
    desk_target = Target.objects.get(name="Honduras Desk")
    assert action.variants.filter(target=desk_target).exists()


def _report(action, target, outcome):
    services.report_call(
        action,
        key=uuid.uuid4(),
        target_id=target.pk,
        office_id=target.offices.first().pk,
        outcome=outcome,
        demand_ids=[],
        district=None,
    )


def test_only_calls_made_are_counted_in_public_and_attempts_shown_to_organizers(client, demo):
    action = demo["baldwin"]
    baldwin = Target.objects.get(bioguide_id="B001230")
    for outcome in [Outcome.TALKED, Outcome.VOICEMAIL, Outcome.VOICEMAIL]:
        _report(action, baldwin, outcome)
    for outcome in [Outcome.BUSY, Outcome.BUSY, Outcome.VOICEMAIL_FULL, Outcome.SKIPPED]:
        _report(action, baldwin, outcome)
    assert services.call_count(action) == 3
    assert services.attempt_count(action) == 3
    assert services.call_counts_by_target(action) == {baldwin.pk: 3}

    done = client.get(reverse("calls:done", kwargs={"slug": action.campaign.slug}))
    assert "<strong>3</strong> calls made so far" in done.content.decode()
    campaign_page = client.get(action.campaign.get_absolute_url()).content.decode()
    assert "3 calls made so far" in campaign_page
    assert "attempt" not in done.content.decode().lower()

    client.force_login(get_user_model().objects.get(username="organizer"))
    change = client.get(reverse("admin:calls_callaction_change", args=[action.pk]))
    html = change.content.decode()
    attempts = r"attempts that did not get through:</label>\s*<div class=\"readonly\">3<"
    made = r"calls made \(the public count\):</label>\s*<div class=\"readonly\">3<"
    assert re.search(attempts, html, re.I)
    assert re.search(made, html, re.I)
    assert CallReport.objects.count() == 7
