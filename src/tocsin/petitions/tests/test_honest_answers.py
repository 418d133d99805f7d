"""Finding 5 of issue 15: never tell a signer something was stored when it was not, nor that
a mail is coming when it is not."""

import re
import time

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tocsin.core.tests.form_errors import form_error_problems
from tocsin.petitions import services
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.forms import MIN_FILL_SECONDS, started_value
from tocsin.petitions.models import Signature
from tocsin.petitions.tests.test_signing import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def petition():
    return PetitionFactory()


def sign_url(petition) -> str:
    return reverse("petitions:sign", kwargs={"slug": petition.campaign.slug})


def started_token_in(html: str) -> str:
    return re.search(r'name="started" value="([^"]+)"', html).group(1)


def test_too_fast_then_a_second_press_signs_and_mails(client, petition, smtp_server, run_tasks):
    """A fast human with autofill: the first press stores nothing and says so; the form comes
    back filled in with a fresh token, and pressing Sign again after reading it signs."""
    first = client.post(sign_url(petition), form_data(started=started_value()))
    assert first.status_code == 400
    html = first.content.decode()
    assert "not saved yet" in html
    assert "A confirmation email is on its way" not in html
    assert not Signature.objects.exists()
    assert DBTaskResult.objects.count() == 0
    assert form_error_problems(html) == []
    assert 'value="Ana"' in html
    assert 'value="ana@example.org"' in html

    fresh = started_token_in(html)
    # The person reads the message and presses again, a few seconds later.
    later = time.time() + MIN_FILL_SECONDS + 1
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(time, "time", lambda: later)
        second = client.post(sign_url(petition), form_data(started=fresh))
    assert second.status_code == 302
    assert not second["Location"].endswith("?held=1")
    signature = Signature.objects.get()
    assert signature.held_at is None
    run_tasks()
    [message] = smtp_server.messages
    assert message["To"] == "ana@example.org"
    page = client.get(second["Location"]).content.decode()
    assert "A confirmation email is on its way" in page


def test_a_held_signature_is_stored_without_mail_and_the_page_says_so(
    client, petition, smtp_server, run_tasks
):
    answer = client.post(sign_url(petition), form_data(website="http://spam.example"))
    assert answer.status_code == 302
    assert "ana@example.org" not in answer["Location"]
    signature = Signature.objects.get()
    assert signature.held_at is not None
    assert signature.mailed_at is None
    run_tasks()
    assert smtp_server.messages == []

    page = client.get(answer["Location"]).content.decode()
    assert "Signature received" in page
    assert "checked" in page
    assert "A confirmation email is on its way" not in page
    assert "Check your email" not in page

    # What the page promises is what releasing it does: the mail goes then.
    services.release_held(Signature.objects.all())
    run_tasks()
    [message] = smtp_server.messages
    assert message["To"] == "ana@example.org"


def test_a_repeat_gets_the_answer_a_new_signature_gets(client, petition):
    """The answer page must not tell whether an address had signed before."""
    new = client.post(sign_url(petition), form_data())
    repeat = client.post(sign_url(petition), form_data(name="Someone else"))
    assert new["Location"] == repeat["Location"]
    assert Signature.objects.count() == 1


def test_a_repeat_that_fails_a_check_gets_the_held_answer_whatever_was_there(client, petition):
    """Held or not is decided by this request, never by what the address did before."""
    client.post(sign_url(petition), form_data())
    repeat = client.post(sign_url(petition), form_data(website="http://spam.example"))
    stranger = client.post(
        sign_url(petition), form_data(email="new@example.org", website="http://spam.example")
    )
    assert repeat["Location"] == stranger["Location"]
    assert repeat["Location"].endswith("?held=1")


def test_the_service_says_which_answer_to_give(petition):
    def sign(email, hold):
        return services.sign(
            petition,
            name="Ana",
            email=email,
            postcode="",
            country="",
            comment="",
            consents=[],
            language="en",
            hold=hold,
        ).outcome

    assert sign("a@example.org", hold=False) == services.SignOutcome.MAILED
    assert sign("b@example.org", hold=True) == services.SignOutcome.HELD
    assert sign("a@example.org", hold=False) == services.SignOutcome.MAILED  # a repeat


def test_an_empty_petition_form_announces_its_errors(client, petition):
    response = client.post(sign_url(petition), {"started": started_value(time.time() - 30)})
    assert response.status_code == 400
    html = response.content.decode()
    assert form_error_problems(html) == []
    assert 'href="#id_name"' in html
    assert 'href="#id_email"' in html
    # Under the label, above the input.
    field = html[html.index('<label for="id_email"') :]
    assert field.index('id="id_email_error"') < field.index('<input type="email"')
