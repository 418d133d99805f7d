"""Passkeys (WebAuthn, django-otp-webauthn) as a second factor.

In real Chromium with its virtual authenticator (the DevTools protocol's WebAuthn domain): an
organizer adds a passkey after their password, signs out, signs in again with password and
passkey, reaches /organize/ with the session proved, and removes the passkey.

With Django's test client and a software authenticator (a P-256 key of the test's own, signing
as a real one does): a correctly signed answer proves the session, and a forged or garbled one
is refused with a sentence, never a 500; nobody removes another person's passkey; an owner's
reset takes a colleague's passkeys too."""

import base64
import hashlib
import json
import os

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from tocsin.audit.models import Entry
from tocsin.conftest import ARTIFACTS
from tocsin.core.tests import a11y
from tocsin.organizations.factories import OrganizationFactory, OrganizerFactory
from tocsin.organizations.models import Role

from .test_two_factor import code_now, sign_in
from .test_walk import PASSWORD, photograph

ORIGIN = "http://localhost"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SoftwareAuthenticator:
    """What a security key does, in a few lines: a P-256 key pair, a credential id, a counter,
    and an ES256 signature over the authenticator data and the hash of the client data."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.counter = 0

    def cose_public_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def register(self, user) -> WebAuthnCredential:
        return WebAuthnCredential.objects.create(
            user=user,
            name="Passkey",
            credential_id=self.credential_id,
            public_key=self.cose_public_key(),
            confirmed=True,
        )

    def answer(self, challenge: str, *, signing_key=None, origin: str = ORIGIN) -> dict:
        self.counter += 1
        authenticator_data = (
            hashlib.sha256(b"localhost").digest() + b"\x01" + self.counter.to_bytes(4, "big")
        )
        client_data = json.dumps(
            {"type": "webauthn.get", "challenge": challenge, "origin": origin}
        ).encode()
        signature = (signing_key or self.key).sign(
            authenticator_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "authenticatorData": b64url(authenticator_data),
                "clientDataJSON": b64url(client_data),
                "signature": b64url(signature),
                "userHandle": None,
            },
            "clientExtensionResults": {},
        }


@pytest.fixture
def relying_party(settings):
    settings.TOCSIN_REQUIRE_TWO_FACTOR = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    # The test client's own address too, so the pages offer passkeys there.
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [ORIGIN, "http://testserver"]


def begin(client) -> str:
    response = client.post(
        reverse("otp_webauthn:credential-authentication-begin"), HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()["challenge"]


def complete(client, body, *, content_type="application/json"):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(
        reverse("otp_webauthn:credential-authentication-complete")
        + "?next="
        + reverse("organize:home"),
        data=data,
        content_type=content_type,
    )


def proved(client) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_a_signed_answer_proves_the_session_and_a_forged_or_garbled_one_is_refused(
    client, relying_party
):
    organizer = OrganizerFactory()
    authenticator = SoftwareAuthenticator()
    device = authenticator.register(organizer)
    sign_in(client, organizer)
    assert client.get(reverse("admin:index")).url.startswith(reverse("signin:verify"))
    page = client.get(reverse("signin:verify")).content.decode()
    assert 'id="passkey-verification-available-template"' in page
    assert "Use a passkey" in page
    assert "Passkeys need JavaScript" in page

    forger = ec.generate_private_key(ec.SECP256R1())
    garbage = [
        ("{not json", "application/json", 400),
        ("[1, 2]", "application/json", 400),
        ("id=abc&type=public-key", "application/x-www-form-urlencoded", 400),
        ({}, "application/json", 422),
        ({"id": 5, "rawId": [], "response": "x", "type": "public-key"}, "application/json", 422),
    ]
    for body, content_type, status in garbage:
        begin(client)
        refused = complete(client, body, content_type=content_type)
        assert refused.status_code == status, (body, refused.content)
        assert refused.json()["detail"], body
        assert not proved(client)

    challenge = begin(client)
    forged = complete(client, authenticator.answer(challenge, signing_key=forger))
    assert forged.status_code == 422
    assert "could not be checked, so it was refused" in forged.json()["detail"]
    assert not proved(client)

    # An answer made for another site (a phishing page's origin) is refused the same way.
    challenge = begin(client)
    phished = complete(client, authenticator.answer(challenge, origin="http://localhost.evil"))
    assert phished.status_code == 422
    assert not proved(client)

    # A real answer replayed after its challenge was spent is refused: the challenge goes once.
    challenge = begin(client)
    answer = authenticator.answer(challenge)
    session_before = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    accepted = complete(client, answer)
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["redirect_url"] == reverse("organize:home")
    assert proved(client)
    assert (
        client.cookies[django_settings.SESSION_COOKIE_NAME].value != session_before
    )  # a new key once proved
    session = SessionStore(session_key=client.cookies[django_settings.SESSION_COOKIE_NAME].value)
    assert session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    device.refresh_from_db()
    assert device.last_used_at is not None

    thief = Client()
    sign_in(thief, organizer)
    replayed = complete(thief, answer)
    assert replayed.status_code == 400
    assert "Reload it and try the passkey again" in replayed.json()["detail"]
    begin(thief)
    assert complete(thief, answer).status_code == 422  # its challenge is not this one
    assert not proved(thief)


@pytest.mark.django_db
def test_no_passwordless_sign_in_and_another_accounts_passkey_is_refused(client, relying_party):
    organizer, other = OrganizerFactory(), OrganizerFactory()
    SoftwareAuthenticator().register(organizer)
    theirs = SoftwareAuthenticator()
    theirs.register(other)

    for name in ("authentication-begin", "registration-begin"):
        response = client.post(reverse(f"otp_webauthn:credential-{name}"))
        assert response.status_code == 403
        assert response.json()["detail"] == "Sign in with your password first."

    sign_in(client, organizer)
    refused = complete(client, theirs.answer(begin(client)))
    assert refused.status_code == 403
    assert "belongs to another account" in refused.json()["detail"]
    # Nor may a session not yet proved add a passkey to skip the one it has.
    assert client.post(reverse("otp_webauthn:credential-registration-begin")).status_code == 403
    assert not proved(client)


@pytest.mark.django_db
def test_another_persons_passkey_cannot_be_removed_and_ones_own_is(client, relying_party):
    organizer, other = OrganizerFactory(), OrganizerFactory()
    mine = SoftwareAuthenticator()
    my_passkey = mine.register(organizer)
    their_passkey = SoftwareAuthenticator().register(other)
    recovery = StaticDevice.objects.create(user=organizer, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=recovery, token="k7dq2mwa")

    sign_in(client, organizer)
    # Not before the session is proved.
    response = client.post(reverse("signin:remove-passkey", args=[my_passkey.pk]))
    assert response.url.startswith(reverse("signin:verify"))
    assert complete(client, mine.answer(begin(client))).status_code == 200

    page = client.get(reverse("signin:setup")).content.decode()
    # Without JavaScript no passkey button shows (it is inside a <template> the library's
    # script puts in place), and the page says why.
    assert "Passkeys need JavaScript, which is off in this browser." in page
    template = page.split('id="passkey-registration-available-template">')[1].split("</template>")[
        0
    ]
    assert 'id="passkey-register-button"' in template
    assert page.count('id="passkey-register-button"') == 1
    assert "Your passkeys" in page
    assert "Remove this passkey" in page
    assert "You have 1 unused recovery code." in page

    assert client.post(reverse("signin:remove-passkey", args=[their_passkey.pk])).status_code == 404
    assert client.get(reverse("signin:remove-passkey", args=[my_passkey.pk])).status_code == 405
    assert WebAuthnCredential.objects.filter(pk=their_passkey.pk).exists()

    client.post(reverse("signin:remove-passkey", args=[my_passkey.pk]))
    assert not WebAuthnCredential.objects.filter(user=organizer).exists()
    # With the last second factor go the recovery codes.
    assert not StaticDevice.objects.filter(user=organizer).exists()
    removed = Entry.objects.get(event="second_factor_removed")
    assert removed.actor == organizer
    assert removed.additional_data == {"kind": "passkey"}
    assert removed.organization_id == organizer.memberships.get().organization_id


@pytest.mark.django_db
def test_a_passkey_counts_as_a_second_factor_and_an_owners_reset_removes_it(client, relying_party):
    ours = OrganizationFactory()
    owner = OrganizerFactory(organizations=[ours], organizations__role=Role.OWNER)
    colleague = OrganizerFactory(organizations=[ours])
    SoftwareAuthenticator().register(colleague)
    TOTPDevice.objects.create(user=colleague, name="Phone", confirmed=True)
    owner_device = TOTPDevice.objects.create(user=owner, name="Phone", confirmed=True)

    client.force_login(owner)
    client.post(reverse("signin:verify"), {"code": code_now(owner_device)})
    listing = client.get(reverse("signin:colleagues")).content.decode()
    assert colleague.username in listing
    assert "app and passkey" in listing
    client.post(reverse("signin:reset", args=[colleague.pk]))
    assert not WebAuthnCredential.objects.filter(user=colleague).exists()
    assert not TOTPDevice.objects.filter(user=colleague).exists()
    reset = Entry.objects.get(event="second_factor_reset")
    assert reset.actor == owner
    assert reset.organization_id == ours.pk

    # A passkey alone is a second factor: it is asked for, and counted on the colleagues' page.
    only_passkey = OrganizerFactory(organizations=[ours])
    SoftwareAuthenticator().register(only_passkey)
    assert "passkey" in client.get(reverse("signin:colleagues")).content.decode()
    other = Client()
    sign_in(other, only_passkey)
    assert other.get(reverse("organize:home")).url.startswith(reverse("signin:verify"))
    page = other.get(reverse("signin:verify")).content.decode()
    assert "Or type one of your recovery codes" in page


# ----------------------------------------------------------------------------------------------
# In the browser, with Chromium's virtual authenticator.


def virtual_authenticator(page) -> tuple:
    """A platform authenticator with user verification, as a phone's or laptop's screen lock."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def password_sign_in(page, base: str, organizer) -> None:
    page.goto(f"{base}{reverse('admin:login')}?next={reverse('organize:home')}")
    page.fill("#id_username", organizer.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_organizer_adds_a_passkey_and_signs_in_with_it(live_server, browser_page, settings):
    base = live_server.url
    assert base.startswith("http://localhost:"), "passkeys need localhost, never 127.0.0.1"
    settings.TOCSIN_REQUIRE_TWO_FACTOR = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [base]
    organizer = OrganizerFactory(username="bea")
    page, problems = browser_page, []
    cdp, authenticator_id = virtual_authenticator(page)

    password_sign_in(page, base, organizer)
    page.wait_for_url("**" + reverse("signin:setup") + "*")
    assert page.locator("text=Passkeys need JavaScript").count() == 0
    page.get_by_role("button", name="Add a passkey").click()
    page.wait_for_url("**" + reverse("signin:recovery-codes") + "*")
    assert len(page.locator(".signin-codes code").all_inner_texts()) == 10
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(credentials["credentials"]) == 1
    passkey = WebAuthnCredential.objects.get(user=organizer)
    assert passkey.name == "Passkey"
    assert Entry.objects.filter(event="second_factor_added", actor=organizer).exists()
    page.get_by_role("link", name="Continue").click()
    page.wait_for_url(base + reverse("organize:home"))

    page.goto(base + reverse("signin:setup"))
    assert page.locator(".signin-devices strong").all_inner_texts() == ["Passkey"]
    assert "not used yet" in page.content()
    assert page.get_by_role("button", name="Add another passkey").is_visible()
    problems += a11y.audit(page, "setup with a passkey")
    photograph(page, "signin-setup-with-passkey")

    page.goto(base + reverse("admin:index"))
    page.locator("#logout-form button").click()
    page.wait_for_url("**" + reverse("admin:logout"))

    password_sign_in(page, base, organizer)
    page.wait_for_url("**" + reverse("signin:verify") + "*")
    problems += a11y.audit(page, "verify with a passkey")
    photograph(page, "signin-verify-passkey")
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(base + reverse("organize:home"))
    assert page.get_by_role("heading", level=1).count() >= 1
    session_key = next(
        c["value"]
        for c in page.context.cookies(base)
        if c["name"] == django_settings.SESSION_COOKIE_NAME
    )
    session = SessionStore(session_key=session_key)
    assert session[DEVICE_ID_SESSION_KEY] == passkey.persistent_id
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
    page.goto(base + reverse("admin:index"))
    assert page.url == base + reverse("admin:index")

    page.goto(base + reverse("signin:setup"))
    page.get_by_text("Remove this passkey").click()
    page.get_by_role("button", name="Remove").click()
    page.wait_for_url(base + reverse("signin:setup") + "*")
    assert not WebAuthnCredential.objects.filter(user=organizer).exists()
    assert not StaticDevice.objects.filter(user=organizer).exists()
    assert Entry.objects.filter(event="second_factor_removed", actor=organizer).exists()
    assert problems == []
    assert (ARTIFACTS / "signin-verify-passkey-1280.png").exists()
