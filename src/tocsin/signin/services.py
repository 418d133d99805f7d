"""Second factors: authenticator apps (TOTP), passkeys (WebAuthn, django-otp-webauthn) and
single-use recovery codes (django-otp). All three are django-otp devices, so whatever asks
"has this user a second factor?" (`user_has_device`) or "is this session proved?" (`is_verified`)
counts each of them alike.

Every check of a code runs with the user's devices locked, so two requests carrying the same
code cannot both pass (the TOTP device's last_t and each recovery code are spent once), and
through django-otp's verify_token, so its throttling (a doubling wait after each wrong code)
always applies.
"""

import dataclasses
import math
import re
from base64 import b32encode

import segno
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from tocsin.core import audit
from tocsin.organizations.models import Organization

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_CODE = re.compile(r"\d{6}")


@dataclasses.dataclass
class CodeCheck:
    device: TOTPDevice | StaticDevice | None = None
    # Seconds to wait before another try, when django-otp's throttling refused to look.
    wait_seconds: int = 0

    @property
    def passed(self) -> bool:
        return self.device is not None


def normalise_code(code: str) -> str:
    """People type codes with the spaces or dashes their app or printout shows."""
    return re.sub(r"[\s-]", "", code or "").lower()


def secret_for_typing(device: TOTPDevice) -> str:
    """The key as authenticator apps ask for it, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def start_authenticator(user, name: str) -> TOTPDevice:
    """A new, unconfirmed authenticator for the user; an earlier unconfirmed one is dropped."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=name, confirmed=False)


def _wait_seconds(info) -> int:
    locked_until = (info or {}).get("locked_until")
    if locked_until is None:
        return 1
    return max(1, math.ceil((locked_until - timezone.now()).total_seconds()))


def _check(devices, code: str) -> CodeCheck:
    wait = 0
    for device in devices:
        allowed, info = device.verify_is_allowed()
        if not allowed:
            wait = max(wait, _wait_seconds(info))
            continue
        if device.verify_token(code):
            return CodeCheck(device=device)
    return CodeCheck(wait_seconds=wait)


def confirm_authenticator(user, device_id: int, code: str) -> tuple[CodeCheck, list[str]]:
    """Confirm a new authenticator with a code from it; on success the user gets fresh recovery
    codes (replacing any earlier ones), returned to be shown once."""
    code = normalise_code(code)
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, pk=device_id, confirmed=False)
            .first()
        )
        if device is None or not AUTHENTICATOR_CODE.fullmatch(code):
            return CodeCheck(), []
        check = _check([device], code)
        if not check.passed:
            return check, []
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return check, _replace_recovery_codes(user)


def _replace_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = []
    while len(codes) < RECOVERY_CODE_COUNT:
        token = StaticToken.random_token()
        if token not in codes:
            codes.append(token)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def check_code(user, code: str) -> CodeCheck:
    """A code from one of the user's authenticators, or one of their recovery codes (spent)."""
    code = normalise_code(code)
    if not code:
        return CodeCheck()
    # Six digits can only be an authenticator's; routing by shape keeps a recovery code from
    # counting as a wrong authenticator code (and so throttling the app).
    model = TOTPDevice if AUTHENTICATOR_CODE.fullmatch(code) else StaticDevice
    with transaction.atomic():
        devices = list(
            model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk")
        )
        return _check(devices, code)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _drop_recovery_codes_without_a_factor(user) -> None:
    """Recovery codes belong to the second factor as a whole: with the last app or passkey they
    go too (a code kept alone would be a second password, not a second factor)."""
    if not (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    ):
        StaticDevice.objects.filter(user=user).delete()


def remove_authenticator(user, device_id: int) -> bool:
    """Remove one of the user's authenticators; with the last second factor go the recovery
    codes."""
    with transaction.atomic():
        deleted, _ = TOTPDevice.objects.filter(user=user, pk=device_id).delete()
        _drop_recovery_codes_without_a_factor(user)
    return bool(deleted)


def passkeys_of(user):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")


def passkey_added(user, device: WebAuthnCredential) -> list[str]:
    """Name a passkey just registered (the library saves it nameless). A first second factor
    brings recovery codes, returned to be shown once; a user who still has unused ones keeps
    them (they may be printed already)."""
    with transaction.atomic():
        number = WebAuthnCredential.objects.filter(user=user).count()
        device.name = (_("Passkey %(number)d") % {"number": number}) if number > 1 else _("Passkey")
        device.save(update_fields=["name"])
        if recovery_codes_left(user) == 0:
            return _replace_recovery_codes(user)
    return []


def remove_passkey(user, device_id: int) -> bool:
    """Remove one of the user's passkeys (its attestation goes with it); with the last second
    factor go the recovery codes."""
    with transaction.atomic():
        deleted, _ = WebAuthnCredential.objects.filter(user=user, pk=device_id).delete()
        _drop_recovery_codes_without_a_factor(user)
    return bool(deleted)


def record(request, event: str, device, owner, **details) -> None:
    """Put a change to someone's second factor in the record of changes, once for each
    organization they belong to (so each one's owners see it), or once for the installation's
    administrator. Names of devices only: never a secret, code or key."""
    organizations = list(Organization.objects.filter(memberships__user=owner).distinct())
    for organization in organizations or [None]:
        audit.record(request, event, device, organization, details)


def reset_second_factor(user) -> int:
    """A colleague lost theirs: every device goes, and their next sign-in sets one up again.
    Sessions they proved with those devices are no longer proved (django-otp looks the device
    up on each request)."""
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        removed += WebAuthnCredential.objects.filter(user=user).delete()[0]
        removed += StaticDevice.objects.filter(user=user).delete()[0]
    return removed


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (no image request, no script)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title=_("QR code for your authenticator app")
    )
