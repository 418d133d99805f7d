"""The confirmation mail goes out in the language the person signed in, the organizer's
texts inside it included."""

import pytest
from django.core import mail

from tocsin.campaigns.factories import CampaignFactory
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature
from tocsin.petitions.tasks import send_confirmation

pytestmark = pytest.mark.django_db


def signed(petition, language: str) -> Signature:
    return Signature.objects.create(
        petition=petition, email="rosa@example.org", name="Rosa", language=language
    )


def test_a_spanish_signer_gets_the_subject_body_and_petition_title_in_spanish():
    petition = PetitionFactory(
        title="Stop exporting tools of repression",
        title_es="Que dejen de exportar herramientas de represión",
    )
    send_confirmation.call(signed(petition, "es").pk)

    [message] = mail.outbox
    assert message.subject == "Confirma tu firma: Que dejen de exportar herramientas de represión"
    assert message.body.startswith("Hola, Rosa:")
    assert "Que dejen de exportar herramientas de represión" in message.body
    assert "Stop exporting" not in message.body
    assert "Please confirm" not in message.body


def test_an_english_signer_of_the_same_petition_gets_it_in_english():
    petition = PetitionFactory(
        title="Stop exporting tools of repression",
        title_es="Que dejen de exportar herramientas de represión",
    )
    send_confirmation.call(signed(petition, "en").pk)

    [message] = mail.outbox
    assert message.subject == "Confirm your signature: Stop exporting tools of repression"
    assert "herramientas" not in message.body


def test_a_title_missing_in_the_signer_s_language_comes_in_the_campaign_s_own():
    campaign = CampaignFactory(language="es", title_es="Campaña en español")
    petition = PetitionFactory(campaign=campaign, title_en="", title_es="Firma por Honduras")
    send_confirmation.call(signed(petition, "en").pk)

    [message] = mail.outbox
    assert message.subject == "Confirm your signature: Firma por Honduras"
