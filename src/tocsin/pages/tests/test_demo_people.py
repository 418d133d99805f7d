"""The demo's signers and festival-goers are people the demo organizer can look through."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tocsin.events.models import Rsvp
from tocsin.petitions.models import Signature
from tocsin.supporters.models import Activity, Consent, Supporter, Tagging

pytestmark = pytest.mark.django_db

PASSWORD = "demo-people-password"


def load_demo():
    call_command("load_demo", organizer_password=PASSWORD, verbosity=0)


def everything_counted():
    return {
        "people": Supporter.objects.count(),
        "actions": Activity.objects.count(),
        "consents": Consent.objects.count(),
        "taggings": Tagging.objects.count(),
        "linked signatures": Signature.objects.filter(supporter__isnull=False).count(),
        "linked answers": Rsvp.objects.filter(supporter__isnull=False).count(),
    }


def test_the_demo_organizer_sees_the_demo_people_and_their_timelines(client):
    load_demo()

    client.force_login(get_user_model().objects.get(username="organizer"))
    people_list = reverse("admin:supporters_supporter_changelist")
    listing = client.get(people_list)
    assert listing.status_code == 200
    for name in ("Demo attendee", "Demo signer"):
        found = client.get(people_list, {"q": name}).content.decode()
        assert name in found

    # Every counted signature is its signer's "signed", dated when it was confirmed.
    counted = Signature.objects.counted().filter(petition__campaign__slug="no-spyware-for-honduras")
    assert counted.count() > 250
    assert not counted.filter(supporter__isnull=True).exists()
    assert not Signature.objects.filter(confirmed_at__isnull=True, supporter__isnull=False).exists()
    consented = [s for s in counted.order_by("pk") if s.consents]
    signature = next(s for s in consented if s.district)
    person = signature.supporter
    signed = person.activities.get(kind=Activity.Kind.SIGNED)
    assert (signed.ref_model, signed.ref_id) == ("petitions.signature", signature.pk)
    assert signed.occurred_at == signature.confirmed_at
    state = signature.district.split("-")[0]
    assert (person.country, person.state, person.district) == ("US", state, signature.district)
    assert person.created_at == signature.created_at
    assert person.last_action_at == signature.confirmed_at

    # The consent the signer ticked is current, given and confirmed when the row says.
    consent = Consent.objects.current().get(supporter=person)
    assert consent.given_at == signature.created_at
    assert consent.confirmed_at == signature.confirmed_at
    assert person.activities.get(kind=Activity.Kind.JOINED).occurred_at == signature.confirmed_at
    # (The demo's alerts have people of their own, who joined without signing.)
    signers = [s.supporter_id for s in counted]
    assert Consent.objects.current().filter(supporter__in=signers).count() == len(consented)

    # The organizer's person page shows the action.
    person_page = client.get(reverse("admin:supporters_supporter_change", args=[person.pk]))
    assert person_page.status_code == 200
    assert "Stop exporting tools of repression to Honduras" in person_page.content.decode()

    # The festival's answers are their people's too, on the festival's list.
    answers = Rsvp.objects.filter(session__event__slug="arise-festival")
    assert answers.exists()
    assert not answers.filter(supporter__isnull=True).exists()
    attendee = answers.first().supporter
    assert attendee.activities.filter(kind=Activity.Kind.RSVP).count() == 1
    assert attendee.tags.filter(name="London festival", kind="list").exists()
    volunteers = Supporter.objects.filter(tags__name="volunteer", tags__kind="tag")
    assert 5 <= volunteers.count() <= 30

    # Made-up people with made-up addresses, and not one mail for them.
    assert all(
        email.endswith(("@example.org", "@example.com"))
        for email in Supporter.objects.values_list("email", flat=True)
    )
    assert not DBTaskResult.objects.filter(task_path__endswith="send_welcome_mail").exists()
    assert mail.outbox == []


def test_loading_the_demo_again_doubles_no_one(client):
    load_demo()
    first = everything_counted()
    assert first["people"] > 250
    assert first["actions"] > first["people"]
    load_demo()
    assert everything_counted() == first
