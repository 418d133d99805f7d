"""Issue 18: every alert carries a one-click unsubscribe (RFC 8058). Opening the link changes
nothing; the POST a mail client sends (no cookie, no CSRF token) withdraws the person's
consents to the alert's organization, once, and the next alert's audience leaves them out."""

import pytest
from django.test import Client
from django.utils import timezone

from tocsin.alerts import audience
from tocsin.alerts.models import Alert, AlertRecipient
from tocsin.alerts.unsubscribe import unsubscribe_url
from tocsin.organizations.factories import OrganizationFactory
from tocsin.supporters.factories import ConsentFactory, SupporterFactory
from tocsin.supporters.models import Consent
from tocsin.supporters.services import erase_supporter

pytestmark = pytest.mark.django_db

BASE_URL = "https://act.example.org"


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.TOCSIN_BASE_URL = BASE_URL


def alert_to(person, *, language: str = "en") -> AlertRecipient:
    alert = Alert.objects.create(
        organization=person.organization,
        action_kind=Alert.ActionKind.JOIN,
        subject="Call Senator Baldwin today",
        body="Hello {first_name}",
        button_label="Call now",
        status=Alert.Status.SENT,
    )
    return AlertRecipient.objects.create(
        alert=alert,
        supporter=person,
        language=language,
        state=AlertRecipient.State.SENT,
        sent_at=timezone.now(),
    )


def subscribed(email: str = "Ana.Lopez@Example.org", organization=None, language="en"):
    person = SupporterFactory(
        email=email.lower(), organization=organization or OrganizationFactory(), language=language
    )
    ConsentFactory(supporter=person, organization=person.organization)
    return person


def path_of(url: str) -> str:
    assert url.startswith(f"{BASE_URL}/alerts/unsubscribe/")
    return url.removeprefix(BASE_URL)


def post_like_a_mail_client(path: str):
    """RFC 8058: a POST with the one-click body, no cookie and no CSRF token."""
    return Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )


def test_the_link_is_absolute_and_carries_no_personal_data():
    person = subscribed("ana.lopez@example.org")
    url = unsubscribe_url(alert_to(person))
    assert url.startswith(f"{BASE_URL}/alerts/unsubscribe/")
    assert "ana" not in url.lower()
    assert "example.org/" not in url.removeprefix(BASE_URL)


def test_opening_the_link_shows_a_button_and_withdraws_nothing(client):
    person = subscribed()
    recipient = alert_to(person)
    response = client.get(path_of(unsubscribe_url(recipient)))

    assert response.status_code == 200
    page = response.content.decode()
    assert person.organization.name in page
    assert '<form method="post"' in page
    assert "<button" in page
    assert response["Cache-Control"].count("no-store") == 1
    assert Consent.objects.current().filter(supporter=person).count() == 1
    recipient.refresh_from_db()
    assert recipient.event == ""
    assert audience.people(person.organization_id, {}).filter(pk=person.pk).exists()


def test_a_mail_clients_one_click_post_unsubscribes_once_and_the_next_audience_leaves_them_out():
    person = subscribed()
    neighbour = subscribed("neighbour@example.org", organization=person.organization)
    recipient = alert_to(person)
    path = path_of(unsubscribe_url(recipient))

    response = post_like_a_mail_client(path)
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    [consent] = Consent.objects.filter(supporter=person)
    assert consent.withdrawn_at is not None
    recipient.refresh_from_db()
    assert recipient.event == AlertRecipient.Event.UNSUBSCRIBED
    assert AlertRecipient.objects.filter(alert=recipient.alert).counts()["unsubscribed"] == 1
    next_audience = audience.people(person.organization_id, {})
    assert list(next_audience) == [neighbour]

    # A second POST (a retry, or the page's own button after the header's click) changes
    # nothing more.
    assert post_like_a_mail_client(path).status_code == 200
    assert Consent.objects.get(pk=consent.pk).withdrawn_at == consent.withdrawn_at
    assert AlertRecipient.objects.filter(alert=recipient.alert).counts()["unsubscribed"] == 1


def test_it_withdraws_from_the_alerts_organization_only():
    person = subscribed()
    other_group = OrganizationFactory()
    ConsentFactory(supporter=person, organization=other_group)
    there = Consent.objects.get(organization=other_group)

    post_like_a_mail_client(path_of(unsubscribe_url(alert_to(person))))

    assert Consent.objects.get(organization=person.organization).withdrawn_at is not None
    there.refresh_from_db()
    assert there.withdrawn_at is None
    assert audience.people(other_group.pk, {}).filter(pk=there.supporter_id).exists()


def test_a_complaint_already_recorded_is_not_overwritten_by_the_unsubscribe():
    person = subscribed()
    recipient = alert_to(person)
    AlertRecipient.objects.filter(pk=recipient.pk).update(event=AlertRecipient.Event.COMPLAINED)

    post_like_a_mail_client(path_of(unsubscribe_url(recipient)))

    recipient.refresh_from_db()
    assert recipient.event == AlertRecipient.Event.COMPLAINED
    assert not Consent.objects.open().filter(supporter=person).exists()


@pytest.mark.parametrize(
    "token",
    ["nonsense", "MQ:forged-signature", "', 'x'); DROP TABLE x; --"],
)
def test_a_bad_link_says_so_and_changes_nothing(client, token):
    person = subscribed()
    recipient = alert_to(person)
    response = client.post(f"/alerts/unsubscribe/{token}/")
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert Consent.objects.current().filter(supporter=person).count() == 1
    recipient.refresh_from_db()
    assert recipient.event == ""


def test_a_link_changed_by_one_character_does_not_work(client):
    recipient = alert_to(subscribed())
    path = path_of(unsubscribe_url(recipient))
    tampered = path[:-2] + ("A" if path[-2] != "A" else "B") + "/"
    assert client.post(tampered).status_code == 400
    assert Consent.objects.open().count() == 1


def test_the_link_of_a_deleted_alert_says_so(client):
    recipient = alert_to(subscribed())
    path = path_of(unsubscribe_url(recipient))
    recipient.alert.delete()
    response = client.get(path)
    assert response.status_code == 400
    assert "has been deleted" in response.content.decode()


def test_the_page_speaks_the_language_of_the_alert_they_got(client):
    person = subscribed(language="es")
    path = path_of(unsubscribe_url(alert_to(person, language="es")))

    page = client.get(path).content.decode()
    assert '<html lang="es">' in page
    assert "¿Dejar de recibir estos correos?" in page
    done = post_like_a_mail_client(path).content.decode()
    assert "Te has dado de baja" in done

    # A visitor who chose a language on the site keeps their choice.
    client.cookies["django_language"] = "en"
    assert "Stop these emails?" in client.get(path).content.decode()


def test_the_link_of_an_erased_person_changes_nothing_and_does_not_fail(client):
    person = subscribed()
    recipient = alert_to(person)
    path = path_of(unsubscribe_url(recipient))
    erase_supporter(person)

    assert client.get(path).status_code == 200
    assert post_like_a_mail_client(path).status_code == 200
    assert not audience.people(person.organization_id, {}).exists()


def test_the_header_of_a_real_alert_unsubscribes_and_the_next_alert_goes_to_the_others(
    make_alert, make_person, smtp_server, run_tasks
):
    """The whole loop: the mail as sent over SMTP, its List-Unsubscribe POSTed as Gmail does,
    and a second alert that leaves her out."""
    from tocsin.alerts import services

    ana = make_person("ana@example.org", "Ana López", state="WI")
    make_person("rosa@example.org", "Rosa Díaz", state="WI", language="es")
    services.send_now(make_alert(audience={"state": "WI"}))
    run_tasks()
    [mail] = [m for m in smtp_server.messages if m["To"] == "ana@example.org"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = mail["List-Unsubscribe"].strip().strip("<>")

    assert post_like_a_mail_client(path_of(url)).status_code == 200

    assert not Consent.objects.open().filter(supporter=ana).exists()
    smtp_server.messages.clear()
    services.send_now(make_alert(audience={"state": "WI"}))
    run_tasks()
    assert [m["To"] for m in smtp_server.messages] == ["rosa@example.org"]
