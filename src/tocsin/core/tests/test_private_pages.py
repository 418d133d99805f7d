"""Issue 14, finding 16: pages with personal data (the door page, check-in lists, delivery pages,
dashboards, the back office, and the pages a supporter reaches through a personal link) tell
every browser and proxy not to keep them."""

import pytest
from django.urls import reverse

from tocsin.campaigns.factories import CampaignFactory, CampaignTargetFactory
from tocsin.events.factories import SessionFactory
from tocsin.organizations.factories import OrganizerFactory
from tocsin.petitions.factories import PetitionFactory
from tocsin.targets.factories import CustomTargetFactory

pytestmark = pytest.mark.django_db


def kept_private(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives and "public" not in directives


@pytest.fixture
def session():
    return SessionFactory()


@pytest.fixture
def organizer(client, session):
    client.force_login(OrganizerFactory(organizations=[session.event.organization]))
    return client


@pytest.mark.parametrize(
    "name",
    [
        "events:door",
        "events:checkin-print",
        "events:checkin-csv",
        "events:organizer-session",
        "events:message",
    ],
)
def test_organizer_pages_are_never_kept(organizer, session, name):
    response = organizer.get(reverse(name, args=[session.pk]))
    assert response.status_code == 200
    assert kept_private(response)


def test_the_delivery_page_dashboards_and_back_office_are_never_kept(organizer, session):
    petition = PetitionFactory(campaign=session.event.campaign)
    target = CustomTargetFactory()
    CampaignTargetFactory(campaign=petition.campaign, target=target)
    urls = [
        reverse("petitions:delivery-page", args=[petition.pk, target.pk]),
        reverse("dashboard:index"),
        reverse("dashboard:campaign", args=[session.event.campaign.pk]),
        reverse("admin:index"),
    ]
    for url in urls:
        response = organizer.get(url)
        assert response.status_code == 200, url
        assert kept_private(response), url


def test_a_public_page_an_organizer_looks_at_is_not_kept_either(organizer, session):
    response = organizer.get(
        reverse("pages:campaign", kwargs={"slug": session.event.campaign.slug})
    )
    assert kept_private(response)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("petitions:confirm", {"token": "abc"}),
        ("events:cancel", {"token": "abc"}),
        ("supporters:unsubscribe", {"token": "abc"}),
    ],
)
def test_pages_behind_a_personal_link_are_never_kept(client, name, kwargs):
    assert kept_private(client.get(reverse(name, kwargs=kwargs)))


def test_the_rsvp_answer_page_is_never_kept(client, session):
    url = reverse(
        "events:done",
        kwargs={"slug": session.event.slug, "session_id": session.pk, "token": "abc"},
    )
    assert kept_private(client.get(url))


def test_public_pages_stay_cacheable_for_everyone_else(client):
    campaign = CampaignFactory()
    response = client.get(reverse("pages:campaign", kwargs={"slug": campaign.slug}))
    assert response.status_code == 200
    assert not kept_private(response)
    # Anonymous requests are not made to load a session just to find out, which would make
    # every public page vary on cookies.
    assert "Cookie" not in client.get("/healthz").get("Vary", "")
