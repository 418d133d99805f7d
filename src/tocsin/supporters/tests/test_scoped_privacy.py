"""Issue 14, findings 2 and 5: an organizer exports and erases only what their own group holds
about a person; the whole person, across every group, is for the installation's
administrator, who can also find and erase someone with no supporter record at all."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from tocsin.campaigns.factories import CampaignFactory
from tocsin.core.personal_data import erase_person, export_person
from tocsin.events.factories import SessionFactory
from tocsin.events.models import Rsvp
from tocsin.fundraising.factories import FundraiserFactory, GiftFactory
from tocsin.fundraising.models import Gift
from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature
from tocsin.supporters.factories import ConsentFactory, SupporterFactory
from tocsin.supporters.models import Consent, Supporter
from tocsin.supporters.services import confirm_address

pytestmark = pytest.mark.django_db

ANA = "analopez@gmail.com"


@pytest.fixture
def world():
    """Ana follows Theirs: their supporter, at their event, giving to their fund, on their
    petition. Ours is the group of the organizer who has her address."""
    ours = OrganizationFactory(name="Ours")
    theirs = OrganizationFactory(name="Theirs")
    our_campaign = CampaignFactory(organization=ours, status="live")
    their_campaign = CampaignFactory(organization=theirs, status="live")
    ana = SupporterFactory(email=ANA, name="Ana López", postcode="53703")
    ConsentFactory(supporter=ana, organization=theirs, wording="Theirs may email me")
    session = SessionFactory(event__campaign=their_campaign)
    Rsvp.objects.create(session=session, email=ANA, name="Ana López", status="confirmed")
    type(session).objects.filter(pk=session.pk).update(seats_taken=1)
    GiftFactory(
        fundraiser=FundraiserFactory(campaign=their_campaign),
        donor_email=ANA,
        donor_name="Ana López",
    )
    Signature.objects.create(
        petition=PetitionFactory(campaign=their_campaign),
        email=ANA,
        name="Ana López",
        comment="Theirs' petition",
        consents=[{"organization": theirs.pk, "wording": "Theirs may email me"}],
        confirmed_at=timezone.now(),
    )
    return {"ours": ours, "theirs": theirs, "our_campaign": our_campaign, "ana": ana}


def what_theirs_hold() -> dict:
    ana = Supporter.objects.get(email=ANA, organization__name="Theirs")
    return {
        "supporter": (ana.name, ana.email),
        "their consent": list(
            Consent.objects.current()
            .filter(organization__name="Theirs")
            .values_list("wording", flat=True)
        ),
        "rsvp": list(Rsvp.objects.values_list("name", "status")),
        "gift": list(Gift.objects.values_list("donor_name", "donor_email")),
        "signature": list(Signature.objects.values_list("name", "comment")),
    }


def run_action(client, action: str, supporters):
    return client.post(
        reverse("admin:supporters_supporter_changelist"),
        {"action": action, "_selected_action": [s.pk for s in supporters]},
    )


def test_an_organizer_who_adds_an_address_through_their_own_join_form_learns_and_erases_nothing_of_another_group(  # noqa: E501
    client, world
):
    ours, ana = world["ours"], world["ana"]
    organizer = OrganizerFactory(organizations=[ours])
    before = what_theirs_hold()
    client.post(
        reverse("campaigns:join", kwargs={"slug": world["our_campaign"].slug}),
        {
            "name": "Ana",
            "email": "Ana.Lopez+ours@gmail.com",
            "postcode": "53703",
            f"consent_{ours.pk}": "on",
        },
    )
    # No consent to Ours is current until Ana herself confirms it.
    assert not Consent.objects.current().filter(organization=ours).exists()
    client.force_login(organizer)
    assert json.loads(run_action(client, "export_data", [ana]).content) == []
    run_action(client, "erase", [ana])
    assert what_theirs_hold() == before

    # Once she has confirmed, Ours holds her consent, and only that, on its own person.
    ours_ana = Supporter.objects.get(organization=ours, email=ANA)
    confirm_address(ours_ana, welcome_sent=True)
    assert ours_ana.pk != ana.pk
    [person] = json.loads(run_action(client, "export_data", [ours_ana]).content)
    [supporter] = person["supporters"]
    assert [c["organization"] for c in supporter["consents"]] == ["Ours"]
    assert "Theirs" not in json.dumps(person)
    assert (person["events"], person["fundraising"], person["petitions"]) == ([], [], [])

    run_action(client, "erase", [ours_ana])
    assert not Consent.objects.current().filter(organization=ours).exists()
    ours_ana.refresh_from_db()
    assert (ours_ana.email, ours_ana.erased_at is not None) == (None, True)
    assert what_theirs_hold() == before


def test_the_administrator_exports_and_erases_the_whole_person(client, world):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "a long pass")
    client.force_login(admin)
    [person] = json.loads(run_action(client, "export_data", [world["ana"]]).content)
    assert person["supporters"][0]["consents"][0]["organization"] == "Theirs"
    assert len(person["events"]) == len(person["fundraising"]) == len(person["petitions"]) == 1

    run_action(client, "erase", [world["ana"]])
    assert not Supporter.objects.filter(email=ANA).exists()
    assert all(not rows for rows in export_person(ANA).values())


def test_the_registry_keeps_to_the_organizations_it_is_given(world):
    ours, theirs = world["ours"], world["theirs"]
    assert all(not rows for rows in export_person(ANA, organizations=[ours]).values())
    assert erase_person(ANA, organizations=[ours]) == dict.fromkeys(export_person(ANA).keys(), 0)
    scoped = export_person("Ana.Lopez@googlemail.com", organizations=[theirs])
    assert scoped == export_person(ANA)
    assert set(erase_person(ANA, organizations=[theirs.pk]).values()) <= {0, 1}
    assert all(not rows for rows in export_person(ANA).values())


# ---------------------------------------------------------------------------- finding 5


def person_url() -> str:
    return reverse("admin:supporters_person")


def test_someone_who_only_answered_an_event_is_found_exported_and_erased_by_the_administrator(
    client,
):
    session = SessionFactory(capacity=5)
    Rsvp.objects.create(
        session=session, email="bo@example.org", name="Bo Answer", status="confirmed"
    )
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "a long pass")
    client.force_login(admin)

    page = client.post(person_url(), {"email": "BO@example.org", "find": "1"})
    assert page.status_code == 200
    assert re.search(r'data-app="events".*?<td>1</td>', page.content.decode(), re.S)

    exported = client.post(person_url(), {"email": "bo@example.org", "export": "1"})
    assert exported["Content-Type"].startswith("application/json")
    assert json.loads(exported.content)["events"][0]["name"] == "Bo Answer"

    erased = client.post(person_url(), {"email": "bo@example.org", "erase": "1"})
    assert erased.status_code == 302
    answer = Rsvp.objects.get()
    assert (answer.name, answer.email.endswith("@invalid")) == ("", True)


def test_an_organizer_finds_and_erases_only_their_own_group_s_records(client, world):
    organizer = OrganizerFactory(organizations=[world["ours"]])
    client.force_login(organizer)
    before = what_theirs_hold()
    page = client.post(person_url(), {"email": ANA, "find": "1"})
    assert page.status_code == 200
    assert "Theirs" not in page.content.decode()
    assert json.loads(client.post(person_url(), {"email": ANA, "export": "1"}).content) == {
        label: [] for label in export_person(ANA)
    }
    client.post(person_url(), {"email": ANA, "erase": "1"})
    assert what_theirs_hold() == before


def test_the_person_page_needs_the_erase_permission(client):
    helper = get_user_model().objects.create_user("helper", password="a long pass", is_staff=True)
    client.force_login(helper)
    response = client.post(person_url(), {"email": ANA, "erase": "1"})
    assert response.status_code == 403


def test_bad_input_on_the_person_page_is_refused_clearly(client):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "a long pass")
    client.force_login(admin)
    response = client.post(person_url(), {"email": "not an address", "erase": "1"})
    assert response.status_code == 400
    assert "email address" in response.content.decode()


def test_an_erased_signer_is_not_listed_as_consenting_whatever_the_spelling(client):
    from tocsin.dashboard import exports

    campaign = CampaignFactory(status="live")
    organization = campaign.organization
    Signature.objects.create(
        petition=PetitionFactory(campaign=campaign),
        email=ANA,
        name="Ana López",
        consents=[{"organization": organization.pk, "wording": "Yes"}],
        confirmed_at=timezone.now(),
    )
    ana = SupporterFactory(email=ANA, name="Ana López")
    ConsentFactory(supporter=ana, organization=organization)
    _header, lines = exports.signatures(campaign)
    [row] = list(lines)
    assert "Ana López" in row

    admin = get_user_model().objects.create_superuser("root", "root@example.org", "a long pass")
    client.force_login(admin)
    client.post(person_url(), {"email": "Ana.Lopez+whatever@googlemail.com", "erase": "1"})
    _header, lines = exports.signatures(campaign)
    [row] = list(lines)
    assert "Ana López" not in row
    assert ANA not in row
    assert all(not rows for rows in export_person(ANA).values())
