import json

import pytest
from django.urls import reverse

from tocsin.campaigns.factories import CampaignFactory
from tocsin.campaigns.models import Campaign
from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory
from tocsin.supporters.factories import ConsentFactory, SupporterFactory
from tocsin.supporters.models import Supporter
from tocsin.targets.factories import CustomTargetFactory, SenatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two groups, each with an organizer, a draft campaign, a custom target and a supporter."""
    ours, theirs = OrganizationFactory(name="Our Group"), OrganizationFactory(name="Their Group")
    shared_supporter = SupporterFactory(name="Both Groups Fan", email="fan@example.net")
    ConsentFactory(supporter=shared_supporter, organization=ours, wording="Ours may email me")
    ConsentFactory(supporter=shared_supporter, organization=theirs, wording="Theirs may email me")
    their_supporter = SupporterFactory(name="Only Theirs", email="theirs@example.net")
    ConsentFactory(supporter=their_supporter, organization=theirs)
    return {
        "ours": ours,
        "theirs": theirs,
        "organizer": OrganizerFactory(organizations=[ours]),
        "our_campaign": CampaignFactory(organization=ours, title="Our Draft", status="draft"),
        "their_campaign": CampaignFactory(organization=theirs, title="Their Draft", status="draft"),
        "our_desk": CustomTargetFactory(organization=ours, name="Our Ministry Desk"),
        "their_desk": CustomTargetFactory(organization=theirs, name="Their Ministry Desk"),
        "senator": SenatorFactory(name="Tammy Baldwin", state="WI"),
        "shared_supporter": shared_supporter,
        "their_supporter": their_supporter,
    }


@pytest.fixture
def organizer_client(client, world):
    client.force_login(world["organizer"])
    return client


def test_campaign_list_and_pages_show_only_our_campaigns(organizer_client, world):
    listing = organizer_client.get(reverse("admin:campaigns_campaign_changelist")).content.decode()
    assert "Our Draft" in listing
    assert "Their Draft" not in listing

    ours = organizer_client.get(
        reverse("admin:campaigns_campaign_change", args=[world["our_campaign"].pk])
    )
    assert ours.status_code == 200
    theirs = organizer_client.get(
        reverse("admin:campaigns_campaign_change", args=[world["their_campaign"].pk])
    )
    assert theirs.status_code == 302  # "does not exist", exactly as for a made-up id
    assert "Their Draft" not in organizer_client.get(theirs.url).content.decode()


def test_a_new_campaign_can_only_belong_to_our_group(organizer_client, world):
    url = reverse("admin:campaigns_campaign_add")
    form = organizer_client.get(url).content.decode()
    assert "Our Group" in form
    data = {
        "title_en": "Sneaky",
        "slug": "sneaky",
        "language": "en",
        "status": "draft",
        "country": "US",
        "organization": world["theirs"].pk,
        "summary_en": "x",
        "body_en": "",
    }
    for prefix in ("demands", "sources", "campaign_targets", "partnerships", "stances"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    response = organizer_client.post(url, data)
    assert response.status_code == 200  # the form comes back with an error
    assert not Campaign.objects.filter(slug="sneaky").exists()

    data["organization"] = world["ours"].pk
    response = organizer_client.post(url, data)
    assert response.status_code == 302
    assert Campaign.objects.get(slug="sneaky").organization == world["ours"]


def test_target_search_offers_members_of_congress_and_our_own_targets_only(organizer_client, world):
    response = organizer_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "campaigns",
            "model_name": "campaigntarget",
            "field_name": "target",
            "term": "",
        },
    )
    names = {result["text"] for result in response.json()["results"]}
    assert any("Tammy Baldwin" in name for name in names)
    assert "Our Ministry Desk" in names
    assert "Their Ministry Desk" not in names
    their_target = organizer_client.get(
        reverse("admin:targets_target_change", args=[world["their_desk"].pk])
    )
    assert their_target.status_code == 302


def test_supporters_are_listed_only_for_groups_they_gave_consent_to(organizer_client, world):
    listing = organizer_client.get(
        reverse("admin:supporters_supporter_changelist")
    ).content.decode()
    assert "Both Groups Fan" in listing
    assert "Only Theirs" not in listing

    page = organizer_client.get(
        reverse("admin:supporters_supporter_change", args=[world["shared_supporter"].pk])
    ).content.decode()
    assert "Ours may email me" in page
    assert "Theirs may email me" not in page  # who else they follow is not ours to see
    hidden = organizer_client.get(
        reverse("admin:supporters_supporter_change", args=[world["their_supporter"].pk])
    )
    assert hidden.status_code == 302


def test_public_previews_of_drafts_are_for_their_own_organizers(organizer_client, world):
    ours = organizer_client.get(world["our_campaign"].get_absolute_url())
    theirs = organizer_client.get(world["their_campaign"].get_absolute_url())
    assert ours.status_code == 200
    assert theirs.status_code == 404


def test_export_and_erase_of_one_supporter(organizer_client, world):
    url = reverse("admin:supporters_supporter_changelist")
    supporter = world["shared_supporter"]
    export = organizer_client.post(
        url, {"action": "export_data", "_selected_action": [supporter.pk]}
    )
    assert export["Content-Type"].startswith("application/json")
    [person] = json.loads(export.content)
    [data] = person["supporters"]
    assert data["email"] == "fan@example.net"
    # Only what our group holds: not the consent they gave the other group.
    assert {c["wording"] for c in data["consents"]} == {"Ours may email me"}

    # Erasing takes what our group holds; the other group's person stays theirs.
    organizer_client.post(url, {"action": "erase", "_selected_action": [supporter.pk]})
    supporter.refresh_from_db()
    assert supporter.erased_at is not None
    theirs = Supporter.objects.get(organization=world["theirs"], email="fan@example.net")
    assert [c.wording for c in theirs.consents.current()] == ["Theirs may email me"]
    assert Supporter.objects.count() == 3  # the fan is a person of each group

    # Erasing someone who never gave us consent is impossible: they are not even selectable.
    organizer_client.post(
        url, {"action": "erase", "_selected_action": [world["their_supporter"].pk]}
    )
    world["their_supporter"].refresh_from_db()
    assert world["their_supporter"].erased_at is None


@pytest.fixture
def their_unpublished_work(world):
    """Another group's draft petition, unpublished event and fund, and two of each of ours
    (a filter with one choice is not shown), each with a row a list filter points at."""
    from tocsin.events.factories import RsvpFactory
    from tocsin.fundraising.factories import GiftFactory
    from tocsin.petitions.factories import PetitionFactory
    from tocsin.petitions.models import Signature

    made = {}
    for who, campaign, status in [
        ("Their Secret", world["their_campaign"], False),
        ("Our Open", world["our_campaign"], True),
        ("Our Other", CampaignFactory(organization=world["ours"]), True),
    ]:
        petition = PetitionFactory(campaign=campaign, title=f"{who} Petition")
        Signature.objects.create(petition=petition, email="s@example.org", name="Signer")
        rsvp = RsvpFactory(
            session__event__campaign=campaign,
            session__event__title=f"{who} Meeting",
            session__event__is_published=status,
        )
        gift = GiftFactory(fundraiser__campaign=campaign, fundraiser__title=f"{who} Fund")
        made[who] = {
            "petition": petition,
            "event": rsvp.session.event,
            "fundraiser": gift.fundraiser,
        }
    return made["Their Secret"]


@pytest.mark.parametrize(
    ("changelist", "ours", "theirs"),
    [
        ("admin:petitions_signature_changelist", "Our Open Petition", "Their Secret Petition"),
        ("admin:events_rsvp_changelist", "Our Open Meeting", "Their Secret Meeting"),
        ("admin:fundraising_gift_changelist", "Our Open Fund", "Their Secret Fund"),
    ],
)
def test_list_filters_offer_only_our_own_records(
    organizer_client, their_unpublished_work, changelist, ours, theirs
):
    page = organizer_client.get(reverse(changelist)).content.decode()
    assert ours in page  # the filter is there, with our own rows
    assert theirs not in page


def test_view_on_site_redirects_only_to_our_own_records(
    organizer_client, world, their_unpublished_work, admin_client
):
    from django.contrib.contenttypes.models import ContentType

    def view_on_site(client, obj):
        content_type = ContentType.objects.get_for_model(obj)
        return client.get(reverse("admin:view_on_site", args=[content_type.pk, obj.pk]))

    ours = view_on_site(organizer_client, world["our_campaign"])
    assert ours.status_code == 302
    assert world["our_campaign"].slug in ours["Location"]
    for obj in (
        world["their_campaign"],
        their_unpublished_work["event"],
        their_unpublished_work["fundraiser"],
    ):
        response = view_on_site(organizer_client, obj)
        assert response.status_code == 404
        assert obj.slug not in response.content.decode()
        # The installation's administrator still reaches every page.
        assert view_on_site(admin_client, obj).status_code == 302
    content_type = ContentType.objects.get_for_model(Campaign)
    for object_id in ("not-a-number", "999999"):
        missing = organizer_client.get(
            reverse("admin:view_on_site", args=[content_type.pk, object_id])
        )
        assert missing.status_code == 404
