"""A partner group is invited, and named or asked about in consent boxes only once its own
organizers accept (issue 14, finding 6)."""

import time

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from tocsin.campaigns.factories import CampaignFactory, PartnershipFactory
from tocsin.campaigns.models import Partnership
from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.forms import started_value
from tocsin.petitions.models import Signature
from tocsin.supporters.models import Consent

pytestmark = pytest.mark.django_db

CAMPAIGN_INLINES = ("demands", "sources", "campaign_targets", "stances", "partnerships")


@pytest.fixture
def world():
    ours = OrganizationFactory(name="SOA Watch")
    partner = OrganizationFactory(name="Honduras Solidarity Network")
    campaign = CampaignFactory(organization=ours, slug="baldwin", title="Ask Senator Baldwin")
    PetitionFactory(campaign=campaign)
    return {
        "campaign": campaign,
        "partner": partner,
        "our_organizer": OrganizerFactory(organizations=[ours]),
        "partner_organizer": OrganizerFactory(organizations=[partner]),
    }


def public_pages(client, campaign) -> dict[str, str]:
    urls = {
        "campaign": reverse("pages:campaign", kwargs={"slug": campaign.slug}),
        "join": reverse("campaigns:join", kwargs={"slug": campaign.slug}),
        "sign": reverse("petitions:sign", kwargs={"slug": campaign.slug}),
        "legislators": reverse("campaigns:legislators", kwargs={"slug": campaign.slug}),
    }
    return {name: client.get(url).content.decode() for name, url in urls.items()}


def campaign_form(campaign, **changes) -> dict:
    data = {
        "title_en": campaign.title,
        "language": campaign.language,
        "slug": campaign.slug,
        "status": campaign.status,
        "deadline": "",
        "country": campaign.country,
        "organization": campaign.organization_id,
        "summary_en": campaign.summary,
        "body_en": campaign.body,
    }
    for prefix in CAMPAIGN_INLINES:
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    return data | changes


def invite(client, campaign, organization):
    data = campaign_form(
        campaign,
        **{"partnerships-TOTAL_FORMS": 1, "partnerships-0-organization": organization.pk},
    )
    return client.post(reverse("admin:campaigns_campaign_change", args=[campaign.pk]), data)


def answer_url(partnership) -> str:
    return reverse("admin:campaigns_partnership_change", args=[partnership.pk])


def test_an_invited_group_is_neither_named_nor_asked_until_its_organizers_accept(client, world):
    campaign, partner = world["campaign"], world["partner"]
    consent_box = f'name="consent_{partner.pk}"'
    client.force_login(world["our_organizer"])
    assert invite(client, campaign, partner).status_code == 302
    partnership = Partnership.objects.get()
    assert partnership.status == Partnership.Status.PENDING
    assert partnership.invited_by == world["our_organizer"]

    client.logout()
    for name, page in public_pages(client, campaign).items():  # the campaign page is cached now
        assert "Honduras Solidarity Network" not in page, name
        assert consent_box not in page, name
    assert list(campaign.accepted_partners()) == []
    # A consent posted for the invited group anyway is not recorded in its name.
    both = {f"consent_{campaign.organization_id}": "on", f"consent_{partner.pk}": "on"}
    person = {"name": "Ana", "email": "ana@example.org", "postcode": "53703"}
    joined = client.post(reverse("campaigns:join", kwargs={"slug": campaign.slug}), person | both)
    assert joined.status_code == 302
    assert Consent.objects.filter(organization=campaign.organization).exists()
    assert not Consent.objects.filter(organization=partner).exists()
    signed = client.post(
        reverse("petitions:sign", kwargs={"slug": campaign.slug}),
        person | both | {"started": started_value(time.time() - 30)},
    )
    assert signed.status_code == 302
    consents = Signature.objects.get().consents
    assert [c["organization"] for c in consents] == [campaign.organization_id]

    client.force_login(world["partner_organizer"])
    invitations = client.get(reverse("admin:campaigns_partnership_changelist")).content.decode()
    assert "Ask Senator Baldwin" in invitations
    page = client.get(answer_url(partnership)).content.decode()
    assert "SOA Watch" in page
    assert 'value="accept"' in page
    assert Partnership.objects.get().status == Partnership.Status.PENDING  # a GET answers nothing
    assert client.post(answer_url(partnership), {"answer": "accept"}).status_code == 302
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.ACCEPTED
    assert partnership.answered_by == world["partner_organizer"]
    assert partnership.answered_at is not None

    client.logout()
    pages = public_pages(client, campaign)
    for name in ("campaign", "join", "sign", "legislators"):
        assert "Honduras Solidarity Network" in pages[name], name
    for name in ("join", "sign"):
        assert consent_box in pages[name], name
    assert list(campaign.accepted_partners()) == [partner]


def test_a_declining_group_stays_unnamed_and_can_leave_after_accepting(client, world):
    campaign, partner = world["campaign"], world["partner"]
    partnership = PartnershipFactory(campaign=campaign, organization=partner)
    client.force_login(world["partner_organizer"])
    client.post(answer_url(partnership), {"answer": "decline"})
    assert Partnership.objects.get().status == Partnership.Status.DECLINED
    assert "Honduras Solidarity Network" not in public_pages(client, campaign)["campaign"]

    client.post(answer_url(partnership), {"answer": "accept"})
    assert "Honduras Solidarity Network" in public_pages(client, campaign)["campaign"]
    client.post(answer_url(partnership), {"answer": "decline"})  # leaving the campaign
    assert "Honduras Solidarity Network" not in public_pages(client, campaign)["campaign"]


def test_only_the_invited_group_s_organizers_answer(client, world):
    partnership = PartnershipFactory(campaign=world["campaign"], organization=world["partner"])
    for stranger in (world["our_organizer"], OrganizerFactory()):
        client.force_login(stranger)
        assert client.get(answer_url(partnership)).status_code in (302, 404)
        client.post(answer_url(partnership), {"answer": "accept"})
        listing = client.get(reverse("admin:campaigns_partnership_changelist"))
        assert "Ask Senator Baldwin" not in listing.content.decode()
    assert Partnership.objects.get().status == Partnership.Status.PENDING


def test_answering_needs_the_permission_to_change_partnerships(client, world):
    from tocsin.campaigns.factories import organizer_allowed

    partnership = PartnershipFactory(campaign=world["campaign"], organization=world["partner"])
    helper = organizer_allowed([world["partner"]], "campaigns.view_partnership")
    client.force_login(helper)
    assert client.get(answer_url(partnership)).status_code == 200
    assert client.post(answer_url(partnership), {"answer": "accept"}).status_code == 403
    assert Partnership.objects.get().status == Partnership.Status.PENDING


@pytest.mark.parametrize("answer", ["", "maybe", "ACCEPT", "accept\x00"])
def test_a_bad_answer_changes_nothing(client, world, answer):
    partnership = PartnershipFactory(campaign=world["campaign"], organization=world["partner"])
    client.force_login(world["partner_organizer"])
    response = client.post(answer_url(partnership), {"answer": answer})
    assert response.status_code == 400
    assert Partnership.objects.get().status == Partnership.Status.PENDING


def test_an_accepted_partnership_cannot_be_moved_to_another_group(client, world):
    campaign, partner = world["campaign"], world["partner"]
    partnership = PartnershipFactory(campaign=campaign, organization=partner, accepted=True)
    other = OrganizationFactory(name="Someone Else")
    client.force_login(world["our_organizer"])
    data = campaign_form(
        campaign,
        **{
            "partnerships-TOTAL_FORMS": 1,
            "partnerships-INITIAL_FORMS": 1,
            "partnerships-0-id": partnership.pk,
            "partnerships-0-campaign": campaign.pk,
            "partnerships-0-organization": other.pk,
        },
    )
    client.post(reverse("admin:campaigns_campaign_change", args=[campaign.pk]), data)
    assert Partnership.objects.get().organization == partner
    assert list(campaign.accepted_partners()) == [partner]


def test_a_group_cannot_be_its_own_partner(client, world):
    campaign = world["campaign"]
    client.force_login(world["our_organizer"])
    response = invite(client, campaign, campaign.organization)
    assert response.status_code == 200  # the form again, with the reason
    assert "already runs this campaign" in response.content.decode()
    assert not Partnership.objects.exists()


def test_the_invitation_form_offers_groups_beyond_the_organizer_s_own(client, world):
    client.force_login(world["our_organizer"])
    form = client.get(reverse("admin:campaigns_campaign_change", args=[world["campaign"].pk]))
    assert "Honduras Solidarity Network" in form.content.decode()


@pytest.mark.django_db(transaction=True)
def test_partners_named_before_invitations_existed_wait_for_their_answer():
    """The data migration: a partner named without being asked is pending, not accepted."""
    executor = MigrationExecutor(connection)
    before = [("campaigns", "0003_stance_evidence")]
    after = [("campaigns", "0004_partnership")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    organization = old.get_model("organizations", "Organization").objects.create(
        name="Named Partner", slug="named-partner"
    )
    owner = old.get_model("organizations", "Organization").objects.create(
        name="Owner", slug="owner"
    )
    campaign = old.get_model("campaigns", "Campaign").objects.create(
        organization=owner, title="Old", slug="old", summary="x", status="live"
    )
    campaign.partners.add(organization)

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    partnership = new.get_model("campaigns", "Partnership").objects.get()
    assert (partnership.campaign_id, partnership.organization_id) == (campaign.pk, organization.pk)
    assert partnership.status == "pending"
    assert partnership.answered_at is None
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
