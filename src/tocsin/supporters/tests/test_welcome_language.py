"""The welcome mail is in the language the person asked in, even when we knew them in
another, with the campaign's title in that language."""

import pytest
from django.core import mail

from tocsin.campaigns.factories import CampaignFactory
from tocsin.supporters.factories import ConsentFactory, SupporterFactory
from tocsin.supporters.tasks import send_welcome_mail

pytestmark = pytest.mark.django_db


def test_someone_known_in_english_who_joins_in_spanish_is_welcomed_in_spanish():
    campaign = CampaignFactory(
        title="No spyware for Honduras", title_es="Ni un programa espía para Honduras"
    )
    person = SupporterFactory(organization=campaign.organization, name="Rosa", language="en")
    consent = ConsentFactory(supporter=person, campaign=campaign, language="es", confirmed_at=None)
    send_welcome_mail.call(person.pk, [consent.pk])

    [message] = mail.outbox
    assert message.subject.startswith("Confirma: ¿quieres recibir noticias de")
    assert message.body.startswith("Hola, Rosa:")
    assert "Ni un programa espía para Honduras" in message.body
    assert "No spyware" not in message.body


def test_an_english_consent_gets_the_english_mail_and_title():
    campaign = CampaignFactory(
        title="No spyware for Honduras", title_es="Ni un programa espía para Honduras"
    )
    person = SupporterFactory(organization=campaign.organization, language="es")
    consent = ConsentFactory(supporter=person, campaign=campaign, language="en")
    send_welcome_mail.call(person.pk, [consent.pk])

    [message] = mail.outbox
    assert message.subject.startswith("Thank you for joining")
    assert "No spyware for Honduras" in message.body
