"""Fixtures the alerts' tests share: an organization with a live campaign, people with a
current consent to it, and an alert written in English and Spanish whose button opens the
campaign's join page."""

import pytest

from tocsin.alerts.models import Alert
from tocsin.campaigns.factories import CampaignFactory
from tocsin.supporters.factories import ConsentFactory, SupporterFactory


@pytest.fixture
def campaign(db):
    return CampaignFactory(title="Call Senator Baldwin")


@pytest.fixture
def make_person(campaign):
    """A person of the campaign's organization with a current consent to it (pass
    consent=False for one without)."""

    def make(email: str, name: str = "", *, consent: bool = True, **fields):
        person = SupporterFactory(
            organization=campaign.organization, email=email, name=name, **fields
        )
        if consent:
            ConsentFactory(supporter=person, organization=campaign.organization)
        return person

    return make


@pytest.fixture
def make_alert(campaign):
    """An alert of the campaign's organization, in English and Spanish, whose button opens
    the campaign's join page."""

    def make(**fields):
        values = {
            "organization": campaign.organization,
            "campaign": campaign,
            "action_kind": Alert.ActionKind.JOIN,
            "action_id": campaign.pk,
            "subject_en": "Call Senator Baldwin today",
            "body_en": "Hello {first_name}, one call today makes the difference.",
            "button_label_en": "Call now",
            "subject_es": "Llama hoy a la senadora Baldwin",
            "body_es": "Hola {first_name}, una llamada hoy marca la diferencia.",
            "button_label_es": "Llamar ahora",
            "audience": {},
        }
        values.update(fields)
        return Alert.objects.create(**values)

    return make
