"""Two-factor sign-in: setting up an authenticator app, proving it after the password, recovery
codes, and the back office refusing to open before both."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory
from tocsin.organizations.models import Role

pytestmark = pytest.mark.django_db

PASSWORD = "a long organizer passphrase"


def code_now(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    # Never one the device would accept within its tolerance.
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    accepted = set()
    for offset in range(-device.tolerance, device.tolerance + 1):
        totp.drift = device.drift + offset
        accepted.add(f"{totp.token():06d}")
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in accepted)


def sign_in(client, user):
    """Django's admin login with the password, as a person would (axes watching)."""
    response = client.post(
        reverse("admin:login"),
        {"username": user.username, "password": PASSWORD, "next": reverse("admin:index")},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return response


@pytest.fixture
def required(settings):
    settings.TOCSIN_REQUIRE_TWO_FACTOR = True


@pytest.fixture
def organizer():
    return OrganizerFactory()


@pytest.fixture
def organizer_with_app(organizer):
    device = TOTPDevice.objects.create(user=organizer, name="Phone", confirmed=True)
    recovery = StaticDevice.objects.create(user=organizer, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=recovery, token="k7dq2mwa")
    return organizer, device


def test_setup_with_a_correct_code_confirms_the_app_and_shows_ten_recovery_codes_once(
    client, organizer, required
):
    sign_in(client, organizer)
    assert client.get(reverse("admin:index")).url.startswith(reverse("signin:setup"))
    page = client.get(reverse("signin:setup"))
    assert "Add an authenticator app" in page.content.decode()

    started = client.post(reverse("signin:add"))
    device = TOTPDevice.objects.get(user=organizer)
    assert not device.confirmed
    assert started.url.startswith(reverse("signin:confirm", args=[device.pk]))
    confirm_page = client.get(started.url).content.decode()
    assert "<svg" in confirm_page
    assert TOTPDevice.objects.get(pk=device.pk).config_url.split("secret=")[1][:16] in (
        confirm_page.replace(" ", "")
    )

    refused = client.post(started.url, {"code": wrong_code(device)})
    assert refused.status_code == 200
    assert "That code is not right" in refused.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=organizer).exists()

    device.throttle_reset()  # the wrong code made django-otp wait before the next try
    accepted = client.post(started.url, {"code": code_now(device)})
    assert accepted.url.startswith(reverse("signin:recovery-codes"))
    device.refresh_from_db()
    assert device.confirmed
    tokens = set(StaticToken.objects.filter(device__user=organizer).values_list("token", flat=True))
    assert len(tokens) == 10

    shown = client.get(accepted.url).content.decode()
    assert all(token in shown for token in tokens)
    assert not any(token in client.get(accepted.url).content.decode() for token in tokens)
    # Setting up proved the app in this session: the back office opens.
    assert client.get(reverse("admin:index")).status_code == 200


def test_an_unverified_organizer_is_sent_to_verify_and_a_correct_code_lets_them_in(
    client, organizer_with_app, required
):
    organizer, device = organizer_with_app
    sign_in(client, organizer)
    for page in (reverse("admin:index"), reverse("dashboard:index")):
        response = client.get(page)
        assert response.status_code == 302
        assert response.url.startswith(reverse("signin:verify"))
    # A code cannot be skipped by going to set up another app (a stolen password is not enough).
    assert client.post(reverse("signin:add")).url.startswith(reverse("signin:verify"))
    assert TOTPDevice.objects.filter(user=organizer).count() == 1

    response = client.post(
        reverse("signin:verify"), {"code": code_now(device), "next": reverse("admin:index")}
    )
    assert response.url == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("dashboard:index")).status_code == 200


def test_a_wrong_code_is_refused_and_throttling_then_refuses_even_the_right_one(
    client, organizer_with_app, required, settings
):
    # A long wait after the first failure, so the test depends on no clock.
    settings.OTP_TOTP_THROTTLE_FACTOR = 1000
    organizer, device = organizer_with_app
    sign_in(client, organizer)
    wrong = client.post(reverse("signin:verify"), {"code": wrong_code(device)})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()

    throttled = client.post(reverse("signin:verify"), {"code": code_now(device)})
    assert "Too many wrong codes" in throttled.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_same_code_replayed_in_a_new_session_is_refused(client, organizer_with_app, required):
    organizer, device = organizer_with_app
    code = code_now(device)
    sign_in(client, organizer)
    assert client.post(reverse("signin:verify"), {"code": code}).status_code == 302

    thief = Client()
    sign_in(thief, organizer)
    replayed = thief.post(reverse("signin:verify"), {"code": code})
    assert replayed.status_code == 200
    assert "That code is not right, or was already used" in replayed.content.decode()
    assert thief.get(reverse("admin:index")).url.startswith(reverse("signin:verify"))


def test_a_recovery_code_works_once(client, organizer_with_app, required):
    organizer, _device = organizer_with_app
    sign_in(client, organizer)
    # Typed as printed, with a space and capitals.
    assert client.post(reverse("signin:verify"), {"code": "K7DQ 2MWA"}).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    assert not StaticToken.objects.filter(token="k7dq2mwa").exists()

    again = Client()
    sign_in(again, organizer)
    assert again.post(reverse("signin:verify"), {"code": "k7dq2mwa"}).status_code == 200
    assert again.get(reverse("admin:index")).status_code == 302


def test_requirement_off_the_admin_works_as_before(client, organizer, settings):
    settings.TOCSIN_REQUIRE_TWO_FACTOR = False
    sign_in(client, organizer)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("dashboard:index")).status_code == 200


def test_requirement_off_an_app_set_up_is_still_asked_for(client, organizer_with_app, settings):
    settings.TOCSIN_REQUIRE_TWO_FACTOR = False
    organizer, _device = organizer_with_app
    sign_in(client, organizer)
    assert client.get(reverse("admin:index")).url.startswith(reverse("signin:verify"))


def test_removing_an_app_needs_a_current_code(client, organizer_with_app):
    organizer, device = organizer_with_app
    client.force_login(organizer)
    client.post(reverse("signin:verify"), {"code": code_now(device)})
    client.post(reverse("signin:remove", args=[device.pk]), {"code": wrong_code(device)})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    client.post(reverse("signin:remove", args=[device.pk]), {"code": "k7dq2mwa"})
    assert not TOTPDevice.objects.filter(user=organizer).exists()
    assert not StaticDevice.objects.filter(user=organizer).exists()


def test_a_superuser_resets_a_colleagues_second_factor_and_others_cannot(
    client, organizer_with_app, required
):
    organizer, _device = organizer_with_app
    colleague = OrganizerFactory()
    client.force_login(colleague)
    # A colleague with no app is sent to set one up, not to the reset page.
    assert client.get(reverse("signin:colleagues")).status_code == 302

    admin_user = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    admin_device = TOTPDevice.objects.create(user=admin_user, name="Phone", confirmed=True)
    client.force_login(admin_user)
    client.post(reverse("signin:verify"), {"code": code_now(admin_device)})
    assert organizer.username in client.get(reverse("signin:colleagues")).content.decode()
    assert client.post(reverse("signin:reset", args=[organizer.pk])).status_code == 302
    assert not TOTPDevice.objects.filter(user=organizer).exists()
    assert not StaticDevice.objects.filter(user=organizer).exists()

    TOTPDevice.objects.create(user=organizer, name="Phone", confirmed=True)
    colleague_device = TOTPDevice.objects.create(user=colleague, name="Phone", confirmed=True)
    client.force_login(colleague)
    client.post(reverse("signin:verify"), {"code": code_now(colleague_device)})
    assert client.post(reverse("signin:reset", args=[organizer.pk])).status_code == 403
    assert TOTPDevice.objects.filter(user=organizer).exists()


def test_an_owner_resets_a_member_of_their_organization_only(client, required):
    ours, theirs = OrganizationFactory(), OrganizationFactory()
    owner = OrganizerFactory(organizations=[ours], organizations__role=Role.OWNER)
    member = OrganizerFactory(organizations=[ours])
    stranger = OrganizerFactory(organizations=[theirs])
    owner_device = TOTPDevice.objects.create(user=owner, name="Phone", confirmed=True)
    for person in (member, stranger):
        TOTPDevice.objects.create(user=person, name="Phone", confirmed=True)

    client.force_login(owner)
    # Not before the owner has proved their own second factor.
    assert client.post(reverse("signin:reset", args=[member.pk])).status_code == 403
    client.post(reverse("signin:verify"), {"code": code_now(owner_device)})
    listing = client.get(reverse("signin:colleagues")).content.decode()
    assert member.username in listing
    assert stranger.username not in listing

    assert client.post(reverse("signin:reset", args=[stranger.pk])).status_code == 403
    assert TOTPDevice.objects.filter(user=stranger).exists()
    client.post(reverse("signin:reset", args=[member.pk]))
    assert not TOTPDevice.objects.filter(user=member).exists()


def test_volunteers_are_not_required_to_use_a_second_factor(client, required):
    volunteer = OrganizerFactory(organizations__role=Role.VOLUNTEER)
    sign_in(client, volunteer)
    assert client.get(reverse("dashboard:index")).status_code == 200
