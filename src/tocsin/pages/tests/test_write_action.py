"""The campaign page and the home page show a campaign's write actions like its other
actions, and the demo loads its letters (offline, and with the UK data synced)."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tocsin.campaigns.factories import CampaignFactory, CampaignTargetFactory
from tocsin.campaigns.models import Campaign
from tocsin.letters.factories import WriteActionFactory
from tocsin.letters.models import Letter, WriteAction
from tocsin.pages.actions import available_actions, ordered_actions
from tocsin.petitions.factories import PetitionFactory
from tocsin.supporters.models import Activity
from tocsin.targets.factories import CustomTargetFactory
from tocsin.targets.models import Target

pytestmark = pytest.mark.django_db


def letters_to(action, target, count, state=Letter.State.SENT):
    for number in range(count):
        Letter.objects.create(
            action=action,
            target=target,
            name=f"Writer {number}",
            email=f"writer-{number}-{state}@example.org",
            subject="Subject",
            body="Body",
            method=Letter.Method.EMAIL,
            state=state,
        )


def test_an_open_write_action_is_an_action_of_the_campaign_and_a_closed_one_is_not():
    campaign = CampaignFactory()
    assert "write" not in available_actions(campaign)
    action = WriteActionFactory(campaign=campaign, is_open=False)
    assert "write" not in available_actions(Campaign.objects.get(pk=campaign.pk))
    action.is_open = True
    action.save()
    assert "write" in available_actions(Campaign.objects.get(pk=campaign.pk))


def test_writing_comes_after_signing_unless_the_organizer_puts_it_first():
    everything = {"call", "sign", "write", "rsvp", "give", "join"}
    assert ordered_actions(everything) == ["call", "sign", "write", "rsvp", "give", "join"]
    assert ordered_actions({"write", "join"}) == ["write", "join"]
    assert ordered_actions(everything, "write")[0] == "write"
    assert ordered_actions(everything, "", ["give", "write"])[:3] == ["give", "write", "call"]


def test_the_campaign_page_links_its_one_write_action_and_counts_only_letters_that_went(client):
    campaign = CampaignFactory(primary_action="write")
    target = CustomTargetFactory(organization=campaign.organization)
    CampaignTargetFactory(campaign=campaign, target=target)
    action = WriteActionFactory(campaign=campaign, title="Write to the Home Secretary")
    letters_to(action, target, 3)
    letters_to(action, target, 2, state=Letter.State.AWAITING)  # not confirmed: not counted

    html = client.get(campaign.get_absolute_url()).content.decode()

    primary = html.split('class="card action primary-action"')[1].split("</section>")[0]
    assert "Write to the Home Secretary" in primary
    assert "3 letters written so far." in primary
    assert f'href="{reverse("letters:choose", kwargs={"slug": campaign.slug})}"' in primary


def test_several_write_actions_each_get_their_own_link_and_a_closed_one_none(client):
    campaign = CampaignFactory()
    PetitionFactory(campaign=campaign)
    mp = WriteActionFactory(campaign=campaign, slug="your-mp", title="Write to your MP")
    ministers = WriteActionFactory(
        campaign=campaign, slug="ministers", title="Write to the ministers", position=2
    )
    WriteActionFactory(
        campaign=campaign, slug="old", title="Write to the last minister", is_open=False
    )

    html = client.get(campaign.get_absolute_url() + "?source=newsletter").content.decode()

    more = html.split('class="card more-actions"')[1].split("</section>")[0]
    for action in (mp, ministers):
        url = reverse("letters:write", kwargs={"slug": campaign.slug, "action_slug": action.slug})
        assert f'href="{url}?source=newsletter"' in more
        assert action.title in more
    assert "Write to the last minister" not in html
    # The petition stays the first ask; writing comes next.
    assert more.index("action-write") < more.index("action-join")


def test_a_new_write_action_shows_at_once_on_a_cached_page(client):
    campaign = CampaignFactory()
    assert "Write to your MP" not in client.get(campaign.get_absolute_url()).content.decode()
    WriteActionFactory(campaign=campaign, title="Write to your MP")
    assert "Write to your MP" in client.get(campaign.get_absolute_url()).content.decode()
    WriteAction.objects.filter(campaign=campaign).delete()
    assert "Write to your MP" not in client.get(campaign.get_absolute_url()).content.decode()


def test_the_home_card_counts_letters_and_asks_to_write(client):
    campaign = CampaignFactory(primary_action="write")
    target = CustomTargetFactory(organization=campaign.organization)
    action = WriteActionFactory(campaign=campaign)
    letters_to(action, target, 2)
    letters_to(action, target, 1, state=Letter.State.HANDED_OVER)
    other = CampaignFactory()

    html = client.get(reverse("pages:home")).content.decode()

    cards = {
        card.split('data-campaign="')[1].split('"')[0]: card
        for card in html.split('<li class="card action campaign-card"')[1:]
    }
    card = cards[campaign.slug]
    assert '<li class="count-letters">3 letters written</li>' in card
    assert '<span class="ask-write">write</span>' in card
    assert "Write now" in card
    assert "count-letters" not in cards[other.slug]


def test_the_demo_writes_offline_to_its_own_targets_and_again_without_duplicates(client):
    for _ in range(2):
        call_command("load_demo", organizer_password="demo-password-1", verbosity=0)

    spyware = Campaign.objects.get(slug="no-spyware-for-honduras")
    assert spyware.country == Campaign.Country.GB
    your_mp, ministers = spyware.write_actions.order_by("position")
    assert (your_mp.slug, your_mp.target_mode) == ("your-mp", WriteAction.TargetMode.LOOKUP)
    assert (ministers.slug, ministers.target_mode) == ("ministers", WriteAction.TargetMode.FIXED)
    assert your_mp.title_es == "Escribe a tu diputado o diputada"
    # No UK data: the ministers are the campaign's own targets, each with their department.
    targets = [link.target for link in spyware.campaign_targets.select_related("target")]
    assert {t.kind for t in targets} == {Target.Kind.CUSTOM}
    assert all(t.department for t in targets)
    # Nobody's MP is known offline; the ministers' letters (no public address) are bundled.
    assert not your_mp.letters.exists()
    assert ministers.letters.exists()
    assert set(ministers.letters.values_list("state", flat=True)) == {Letter.State.BUNDLED}

    baldwin = Campaign.objects.get(slug="baldwin-honduras-election")
    [write] = baldwin.write_actions.all()
    senator = Target.objects.get(bioguide_id="B001230")
    assert senator.contact_form_url == "https://www.baldwin.senate.gov/feedback"
    to_her = write.letters.filter(target=senator)
    assert to_her.exists()
    assert set(to_her.values_list("method", "state")) == {
        (Letter.Method.WEB_FORM, Letter.State.HANDED_OVER)
    }
    letter = to_her.first()
    assert letter.body.startswith("Dear Senator Tammy Baldwin,")
    assert "Appropriations Committee" in letter.body  # her own variant of the letter
    # Signed with their name, then their town and ZIP code: offices answer constituents.
    assert letter.body.endswith(f"Sincerely,\n{letter.name}\n{letter.town} {letter.postcode}")
    # Loaded twice: the history once, each letter on its writer's timeline.
    count = Letter.objects.count()
    assert count == Activity.objects.filter(kind=Activity.Kind.WROTE).count()
    assert Letter.objects.filter(supporter__isnull=True).count() == 0

    page = client.get(baldwin.get_absolute_url()).content.decode()
    assert "Write to Senator Baldwin and the State Department" in page
    assert f"{write.letters.count()} letters written so far." in page


def test_the_demo_writes_to_synced_mps_and_ministers(client, shared_data_dir):
    call_command("sync_uk", source=str(shared_data_dir), verbosity=0)
    call_command("load_demo", organizer_password="demo-password-1", verbosity=0)

    spyware = Campaign.objects.get(slug="no-spyware-for-honduras")
    targets = [link.target for link in spyware.campaign_targets.select_related("target")]
    assert {t.kind for t in targets} == {Target.Kind.MINISTER}
    assert any(t.title.startswith("Prime Minister") for t in targets)
    your_mp = spyware.write_actions.get(slug="your-mp")
    to_mps = your_mp.letters.select_related("target")
    assert to_mps.exists()
    for letter in to_mps:
        # Each letter went to the MP of the writer's constituency, found from the postcode.
        assert letter.target == Target.objects.mp_for(letter.place)
        assert letter.state == Letter.State.SENT
    assert "SW1A 1AA" in {letter.postcode for letter in to_mps}

    page = client.get(spyware.get_absolute_url()).content.decode()
    assert "Find your MP" in page
    assert "Write to your MP" in page
    assert "Write to the ministers" in page
