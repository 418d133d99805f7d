import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tocsin.core.emails import normalize_email
from tocsin.core.models import Switches
from tocsin.petitions import services
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.forms import started_value
from tocsin.petitions.models import Signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def petition():
    from tocsin.petitions.factories import PetitionFactory

    return PetitionFactory()


def form_data(**changes):
    started = started_value(time.time() - 30)
    return {
        "name": "Ana",
        "email": "ana@example.org",
        "postcode": "53703",
        "started": started,
        **changes,
    }


def sign(client, petition, **changes):
    return client.post(
        reverse("petitions:sign", kwargs={"slug": petition.campaign.slug}), form_data(**changes)
    )


def confirm_link(message) -> str:
    return re.search(r"https?://\S+/petitions/confirm/\S+/", message.get_content()).group(0)


def test_sign_check_email_then_confirm_with_a_post(
    client, petition, smtp_server, run_tasks, settings
):
    settings.TOCSIN_BASE_URL = "http://testserver"
    response = sign(client, petition)
    assert response.status_code == 302
    assert "check-your-email" in response["Location"]
    assert services.public_count(petition).confirmed == 0

    run_tasks()
    [message] = smtp_server.messages
    assert message["To"] == "ana@example.org"
    link = confirm_link(message).replace("http://testserver", "")

    # Opening the link (as a mail scanner does) confirms nothing.
    page = client.get(link)
    assert page.status_code == 200
    assert '<form method="post">' in page.content.decode()
    assert Signature.objects.get().confirmed_at is None

    confirmed = client.post(link)
    assert "your signature counts" in confirmed.content.decode()
    assert Signature.objects.get().confirmed_at is not None
    client.post(link)  # a replayed confirm changes nothing
    assert Signature.objects.counted().count() == 1
    assert Signature.objects.get().district == ""  # no ZIP data loaded in this test


@pytest.mark.parametrize(
    "again",
    ["ana@example.org", "ANA@Example.org", " ana@example.org "],
)
def test_signing_twice_adds_nothing_and_says_the_same(client, petition, again):
    first = sign(client, petition)
    second = sign(client, petition, email=again)
    assert first["Location"] == second["Location"]
    assert Signature.objects.count() == 1


def test_gmail_dots_and_plus_tags_are_the_same_person(client, petition):
    assert normalize_email("A.N.A+petition@GoogleMail.com") == "ana@gmail.com"
    assert normalize_email("a.n.a+x@example.org") == "a.n.a+x@example.org"
    sign(client, petition, email="ana@gmail.com")
    sign(client, petition, email="A.N.A+petition@GoogleMail.com")
    assert Signature.objects.get().email == "ana@gmail.com"


def test_a_filled_trap_is_held_for_review_and_told_so(client, petition):
    """Stored (never dropped), not counted, not mailed, and the page does not promise a mail."""
    answer = sign(client, petition, email="bot@example.org", website="http://spam.example")
    assert answer.status_code == 302
    assert answer["Location"].endswith("?held=1")
    assert Signature.objects.get().held_at is not None
    assert DBTaskResult.objects.count() == 0


@pytest.mark.parametrize(
    "started",
    [
        pytest.param(lambda: started_value(), id="within-3-seconds"),
        pytest.param(lambda: f"{time.time() - 30:.3f}:00", id="forged"),
        pytest.param(lambda: started_value(time.time() - 2 * 86400), id="stale"),
        pytest.param(lambda: "", id="none"),
    ],
)
def test_a_rushed_form_stores_nothing_and_asks_for_one_more_press(client, petition, started):
    """Told so on the form itself, with what was typed, instead of a false "check your email"."""
    answer = sign(client, petition, email="fast@example.org", started=started())
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "not saved yet" in html
    assert "press Sign once more" in html
    assert 'value="fast@example.org"' in html
    assert not Signature.objects.exists()
    assert DBTaskResult.objects.count() == 0


def test_a_person_who_took_their_time_is_counted_and_mailed(client, petition):
    assert sign(client, petition).status_code == 302
    assert Signature.objects.get().held_at is None
    assert DBTaskResult.objects.count() == 1


def test_an_address_too_long_once_normalised_is_refused_clearly(client, petition):
    """Lower-casing "İ" makes two characters: the normalised address must still fit."""
    email = "a" * 192 + "@x" + "İ" * 60 + ".com"
    response = sign(client, petition, email=email)
    assert response.status_code == 400
    assert "too long" in response.content.decode()
    assert not Signature.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not-an-email"}, "does not look like an email"),
        ({"email": ""}, "enter your email"),
        ({"name": "x" * 10_000}, "too long"),
        ({"name": "https://spam.example"}, "not a web address"),
        ({"name": "<b>\x00</b>"}, "not a web address"),
        ({"postcode": ""}, "ZIP code or postcode"),
        ({"country": "ZZ"}, "two-letter code"),
    ],
)
def test_bad_input_is_refused_clearly_and_saves_nothing(client, petition, changes, message):
    response = sign(client, petition, **changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Signature.objects.exists()


@pytest.mark.parametrize("token", ["garbage", "a" * 500, "eyJzIjoxfQ:1abc:forged"])
def test_forged_confirmation_links_are_refused(client, petition, token):
    response = client.post(reverse("petitions:confirm", kwargs={"token": token}))
    assert response.status_code == 400
    assert "does not work" in response.content.decode()


def test_an_expired_link_confirms_nothing(client, petition):
    sign(client, petition)
    signature = Signature.objects.get()
    token = services.confirmation_token(signature)
    petition.unconfirmed_days = 0
    petition.save()
    time.sleep(1.1)
    assert client.post(reverse("petitions:confirm", kwargs={"token": token})).status_code == 400
    signature.refresh_from_db()
    assert signature.confirmed_at is None


def test_unconfirmed_signatures_expire_and_counts_equal_rows(client, petition):
    from django.utils import timezone

    sign(client, petition)
    sign(client, petition, email="bo@example.org")
    services.confirm(Signature.objects.get(email="bo@example.org"))
    Signature.objects.filter(email="ana@example.org").update(
        created_at=timezone.now() - timezone.timedelta(days=8)
    )
    assert services.expire_unconfirmed() == 1
    assert services.confirmed_count(petition) == Signature.objects.counted().count() == 1
    assert services.public_count(petition).confirmed == 1


def test_goals_step_up_as_they_are_reached(petition):
    assert services.next_goal(petition, 0) == 100
    assert services.next_goal(petition, 100) == 500
    assert services.next_goal(petition, 4_999) == 5_000
    petition.goal = 2_000
    assert services.next_goal(petition, 10) == 2_000
    assert services.next_goal(petition, 2_000) == 5_000


def test_the_open_data_has_counts_and_no_personal_data(client, petition):
    sign(client, petition)
    services.confirm(Signature.objects.get())
    response = Client().get(reverse("petitions:json", kwargs={"slug": petition.campaign.slug}))
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["signatures"] == 1
    assert "ana" not in response.content.decode().lower()


def test_the_kill_switch_stops_signing_at_once_though_the_petition_is_remembered(client, petition):
    assert sign(client, petition, email="first@example.org").status_code == 302
    assert services.public_petition(petition.campaign.slug).petition.is_collecting

    petition.is_collecting = False
    petition.save()
    response = sign(client, petition)
    assert "not taking signatures" in response.content.decode()
    assert list(Signature.objects.values_list("email", flat=True)) == ["first@example.org"]


def test_the_installation_kill_switch_stops_every_petition(client, petition):
    Switches.objects.update_or_create(pk=1, defaults={"signing_paused": True})
    response = sign(client, petition)
    assert "not taking signatures" in response.content.decode()
    assert not Signature.objects.exists()


def test_the_public_count_follows_an_invalidation_within_the_refresh_period(
    client, petition, settings
):
    from django.core.cache import cache

    sign(client, petition)
    services.confirm(Signature.objects.get())
    assert services.public_count(petition).confirmed == 1
    Signature.objects.update(invalidated_at=Signature.objects.get().confirmed_at)
    assert services.public_count(petition).confirmed == 1  # still cached
    cache.clear()  # the refresh period has passed
    assert services.public_count(petition).confirmed == 0


def test_a_partner_that_accepts_gets_its_consent_box_at_once(client, petition):
    from tocsin.campaigns.factories import PartnershipFactory
    from tocsin.organizations.factories import OrganizationFactory

    url = reverse("petitions:sign", kwargs={"slug": petition.campaign.slug})
    assert client.get(url).status_code == 200
    partner = OrganizationFactory(name="Partner Group")
    partnership = PartnershipFactory(campaign=petition.campaign, organization=partner)
    assert "Partner Group" not in client.get(url).content.decode()  # invited, not accepted
    partnership.answer(accept=True, by=None)
    assert "Partner Group" in client.get(url).content.decode()


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fields=st.dictionaries(
        st.sampled_from(
            ["name", "email", "postcode", "country", "comment", "website", "started", "source"]
        ),
        st.text(max_size=300),
    )
)
def test_any_text_in_the_sign_form_is_answered_without_an_error_page(client, petition, fields):
    response = client.post(
        reverse("petitions:sign", kwargs={"slug": petition.campaign.slug}), fields
    )
    assert response.status_code in (302, 400)


def test_a_missing_country_is_asked_for_in_words(client):
    petition = PetitionFactory(ask_country=True)
    response = sign(client, petition)  # no country given
    assert response.status_code == 400
    assert "Please enter your country, e.g. United States or UK." in response.content.decode()
    assert not Signature.objects.exists()
