"""The whip count shows the letters each target has had beside their calls."""

import datetime

import pytest
from django.urls import reverse

from tocsin.campaigns.factories import CampaignFactory, CampaignTargetFactory
from tocsin.campaigns.models import Stance
from tocsin.letters.factories import WriteActionFactory
from tocsin.letters.models import Letter
from tocsin.targets.factories import CustomTargetFactory, MinisterFactory
from tocsin.whip import services

pytestmark = pytest.mark.django_db


def write(action, target, count, state=Letter.State.SENT):
    for number in range(count):
        Letter.objects.create(
            action=action,
            target=target,
            name=f"Writer {number}",
            email=f"writer-{number}-{state}-{action.pk}@example.org",
            subject="Subject",
            body="Body",
            method=Letter.Method.EMAIL,
            state=state,
        )


@pytest.fixture
def ministers():
    campaign = CampaignFactory(slug="spyware", title="No spyware for Honduras")
    home = MinisterFactory(name="Home Secretary Person")
    trade = MinisterFactory(name="Trade Secretary Person", title="Secretary of State for Trade")
    for target in (home, trade):
        CampaignTargetFactory(campaign=campaign, target=target)
    services.record_stance(
        campaign,
        home,
        Stance.OPPOSES,
        stated_on=datetime.date(2026, 11, 1),
        summary="Said licences are a matter for the department.",
        source_title="Hansard",
    )
    return {"campaign": campaign, "home": home, "trade": trade}


def test_letters_from_every_write_action_count_and_unconfirmed_ones_do_not(ministers):
    campaign, home, trade = ministers["campaign"], ministers["home"], ministers["trade"]
    to_ministers = WriteActionFactory(campaign=campaign, slug="ministers")
    again = WriteActionFactory(campaign=campaign, slug="again")
    write(to_ministers, home, 4)
    write(to_ministers, home, 1, state=Letter.State.HANDED_OVER)
    write(again, home, 2)
    write(to_ministers, home, 3, state=Letter.State.AWAITING)  # never confirmed
    write(to_ministers, trade, 2, state=Letter.State.HELD)  # held for review: not sent
    other_campaign = WriteActionFactory(slug="elsewhere")
    write(other_campaign, trade, 5)

    rows = {row.target_id: row for row in services.scoreboard_rows(campaign)}

    assert rows[home.pk].letters == 7
    assert rows[trade.pk].letters == 0
    assert rows[home.pk].calls == 0


def test_the_scoreboard_and_the_target_page_show_letters_beside_calls(client, ministers):
    campaign, home = ministers["campaign"], ministers["home"]
    write(WriteActionFactory(campaign=campaign), home, 3)

    html = client.get(campaign.get_absolute_url()).content.decode()
    row = html[html.index(f'id="target-{home.pk}"') :]
    row = row[: row.index("</li>")]
    assert '<span class="letters"><strong>3</strong> letters</span>' in row

    page = client.get(
        reverse("whip:target-stance", kwargs={"slug": campaign.slug, "target_id": home.pk})
    ).content.decode()
    assert "<strong>3</strong> letters" in page


def test_a_target_with_no_letters_shows_calls_alone(client):
    campaign = CampaignFactory()
    desk = CustomTargetFactory(organization=campaign.organization, name="Honduras Desk")
    CampaignTargetFactory(campaign=campaign, target=desk)
    services.record_stance(
        campaign, desk, Stance.OPPOSES, stated_on=datetime.date(2026, 11, 1), summary="No."
    )

    html = client.get(campaign.get_absolute_url()).content.decode()
    row = html[html.index(f'id="target-{desk.pk}"') :]
    row = row[: row.index("</li>")]
    assert "<strong>0</strong> calls" in row
    assert "letter" not in row
