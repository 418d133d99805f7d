import pytest
from django.test import Client
from django.urls import reverse

from tocsin.campaigns.factories import CampaignFactory
from tocsin.supporters.models import Consent

pytestmark = pytest.mark.django_db


def test_welcome_mail_reaches_a_real_smtp_server_with_a_working_unsubscribe_link(
    client, smtp_server, run_tasks, settings
):
    settings.TOCSIN_BASE_URL = "http://testserver"
    campaign = CampaignFactory(status="live")
    client.post(
        reverse("campaigns:join", kwargs={"slug": campaign.slug}),
        {
            "name": "Ana",
            "email": "ana@example.org",
            "postcode": "53703",
            f"consent_{campaign.organization.pk}": "on",
        },
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert smtp_server.messages == []  # nothing is sent inside the request

    run_tasks()

    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "ana@example.org"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = message["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe_url in message.get_content()
    assert "Ana" in message.get_content()
    assert "Thank you" not in message["Subject"]  # written in the language they joined in

    # One-click unsubscribe as a mail client does it: a POST with no cookie and no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        unsubscribe_url.removeprefix("http://testserver")
    )
    assert response.status_code == 200
    assert not Consent.objects.current().exists()


def test_no_mail_goes_to_someone_who_unsubscribed_before_it_was_sent(
    client, smtp_server, run_tasks
):
    campaign = CampaignFactory(status="live")
    client.post(
        reverse("campaigns:join", kwargs={"slug": campaign.slug}),
        {
            "name": "Ana",
            "email": "ana@example.org",
            "postcode": "53703",
            f"consent_{campaign.organization.pk}": "on",
        },
    )
    Consent.objects.update(withdrawn_at="2026-01-01T00:00:00Z")
    run_tasks()
    assert smtp_server.messages == []
