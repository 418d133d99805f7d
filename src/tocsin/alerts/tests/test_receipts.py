"""Issue 18: which alerts a person was sent is their data: the export lists them (within the
organizer's groups), the erasure unlinks them and keeps the rows the alert's counts are made
of. The person page says how many they received and whether their mail is refused."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tocsin.alerts.models import Alert, AlertRecipient
from tocsin.core.personal_data import erase_person, export_person
from tocsin.organizations.factories import OrganizationFactory
from tocsin.supporters.factories import ConsentFactory, SupporterFactory

pytestmark = pytest.mark.django_db

ADDRESS = "analopez@gmail.com"


def sent(person, subject: str, **fields) -> AlertRecipient:
    alert = Alert.objects.create(
        organization=person.organization,
        action_kind=Alert.ActionKind.JOIN,
        subject=subject,
        body="Hello {first_name}",
        button_label="Act",
        status=Alert.Status.SENT,
    )
    return AlertRecipient.objects.create(
        alert=alert,
        supporter=person,
        language="es",
        state=AlertRecipient.State.SENT,
        sent_at=timezone.now(),
        **fields,
    )


@pytest.fixture
def ana():
    """Ana, supporter of two groups, each of which sent her an alert."""
    first, second = OrganizationFactory(name="Acción Sur"), OrganizationFactory(name="Other")
    here = SupporterFactory(email=ADDRESS, organization=first, name="Ana López")
    there = SupporterFactory(email=ADDRESS, organization=second, name="Ana López")
    ConsentFactory(supporter=here, organization=first)
    ConsentFactory(supporter=there, organization=second)
    return sent(here, "Llama a la senadora Baldwin hoy", event="unsubscribed"), sent(
        there, "Sign the spyware petition"
    )


def test_the_export_lists_the_alerts_they_were_sent_within_the_organizers_groups(ana):
    here, _there = ana
    [receipt] = export_person("Ana.Lopez@googlemail.com", [here.alert.organization])["alerts"]
    assert receipt["organization"] == "Acción Sur"
    assert receipt["alert"] == "Llama a la senadora Baldwin hoy"
    assert (receipt["language"], receipt["state"], receipt["event"]) == (
        "es",
        "sent",
        "unsubscribed",
    )
    assert receipt["sent"] == here.sent_at.isoformat()
    everything = export_person(ADDRESS)["alerts"]
    assert {r["alert"] for r in everything} == {
        "Llama a la senadora Baldwin hoy",
        "Sign the spyware petition",
    }


def test_erasure_unlinks_the_receipts_and_the_alerts_counts_still_add_up(ana):
    here, there = ana
    erase_person(ADDRESS, [here.alert.organization])

    here.refresh_from_db()
    there.refresh_from_db()
    assert here.supporter_id is None
    assert there.supporter_id is not None  # another group's, outside the organizer's scope
    counts = AlertRecipient.objects.filter(alert=here.alert).counts()
    assert (counts["total"], counts["sent"], counts["unsubscribed"]) == (1, 1, 1)
    assert export_person(ADDRESS, [here.alert.organization])["alerts"] == []

    erase_person(ADDRESS)
    there.refresh_from_db()
    assert there.supporter_id is None
    assert AlertRecipient.objects.count() == 2


def test_the_person_page_shows_refused_mail_and_the_alerts_received(admin_client, ana):
    here, _there = ana
    person = here.supporter
    url = reverse("admin:supporters_supporter_change", args=[person.pk])
    page = admin_client.get(url).content.decode()
    assert "1 received" in page
    assert "Mail refused" not in page

    person.mail_refused_at = timezone.now()
    person.mail_refused_reason = "complained"
    person.save()
    page = admin_client.get(url).content.decode()
    assert "Mail refused" in page
    assert "marked as spam since" in page
