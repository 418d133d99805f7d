"""Passkeys' JSON endpoints: django-otp-webauthn's views, narrowed to a second factor.

The library's register and verify scripts (its template tags) call these under its own URL names
(`otp_webauthn:…`, see webauthn_urls.py). What differs from the library's defaults:

- only a signed-in organizer may begin either ceremony: no passwordless sign-in (a passkey
  verifies a session that a password opened, as an app's code does; the password check, its
  lockout and the staff session's stamps all stay in one place);
- a passkey just registered is named, recorded, and a first second factor brings recovery
  codes, to which the page is then sent;
- a passkey verified gives the session a new key before django-otp marks it verified, as a code
  does (`views.verify`);
- a refused request gets a sentence a person can act on, and anything that is not a JSON object
  is refused as malformed rather than failing further in.
"""

from django.contrib import messages
from django.db import transaction
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp_webauthn import exceptions
from django_otp_webauthn.utils import rewrite_exceptions
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
    _get_pywebauthn_logger,
)

from . import services
from .views import NEW_RECOVERY_CODES, _next_url


class _Organizers:
    """Shared by the four endpoints: a JSON object in, and a signed-in organizer only."""

    # The complete endpoints read the browser's answer, a JSON object; the begin ones no body.
    reads_an_answer = False

    def _parse_request_data(self, request):
        if not self.reads_an_answer:
            return {}
        # Anything but a JSON object (a form, a list, a string) is refused here rather than
        # half-read further in.
        data = None
        if request.content_type == "application/json":
            data = super()._parse_request_data(request)
        if not isinstance(data, dict):
            raise exceptions.MalformedRequest(detail=_("Send the passkey's answer as JSON."))
        return data

    def initial(self, request, *args, **kwargs):
        # Before the library's own checks, whose refusal of a visitor says only "Authentication
        # required."
        self._refuse_unless_organizer()
        super().initial(request, *args, **kwargs)

    def _refuse_unless_organizer(self):
        user = self.request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            raise exceptions.NotAuthenticated(detail=_("Sign in with your password first."))


class RegistrationBegin(_Organizers, BeginCredentialRegistrationView):
    def check_can_register(self):
        self._refuse_unless_organizer()


class RegistrationComplete(_Organizers, CompleteCredentialRegistrationView):
    reads_an_answer = True

    def check_can_register(self):
        self._refuse_unless_organizer()

    def post(self, *args, **kwargs):
        request, user = self.request, self.get_user()
        state = self.get_state()
        with rewrite_exceptions(logger=_get_pywebauthn_logger()), transaction.atomic():
            device = self.get_helper().register_complete(user=user, state=state, data=request.data)
            codes = services.passkey_added(user, device)
            services.record(request, "second_factor_added", device, user, kind="passkey")
        if not user.is_verified():
            # A first second factor proves itself by being made, as a confirmed app does.
            request.session.cycle_key()
            otp_login(request, device)
        if codes:
            request.session[NEW_RECOVERY_CODES] = codes
            target = reverse("signin:recovery-codes")
        else:
            messages.success(request, _("The passkey was added."))
            target = reverse("signin:setup")
        # The page's script adds its own `next` (the library's script posts none here).
        return JsonResponse({"id": device.pk, "redirect_url": target})


AUTHENTICATION_REFUSED = {
    "malformed_request",
    "invalid_cbor",
    "invalid_authentication_response",
    "invalid_json_structure",
    "invalid_authenticator_data_structure",
    "invalid_backup_flags",
}


class _Verifying(_Organizers):
    def check_can_authenticate(self):
        self._refuse_unless_organizer()

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.OTPWebAuthnApiError):
            if exc.code in AUTHENTICATION_REFUSED:
                exc.detail = _(
                    "That passkey's answer could not be checked, so it was refused. Try the "
                    "passkey again, or type a code from your authenticator app or a recovery code."
                )
            elif exc.code == "credential_not_found":
                exc.detail = _(
                    "That passkey is not one of yours here (it may have been removed). Use "
                    "another one, or type a code from your app or a recovery code."
                )
            elif exc.code == "credential_user_mismatch":
                exc.detail = _(
                    "That passkey belongs to another account. Use your own, or sign out first."
                )
            elif exc.code == "invalid_state":
                exc.detail = _("This page was open too long. Reload it and try the passkey again.")
        return super().handle_exception(exc)


class AuthenticationBegin(_Verifying, BeginCredentialAuthenticationView):
    pass


class AuthenticationComplete(_Verifying, CompleteCredentialAuthenticationView):
    reads_an_answer = True

    def complete_auth(self, device):
        # A session that just gained rights gets a new key (views.verify does the same).
        self.request.session.cycle_key()
        otp_login(self.request, device)

    def get_success_url(self):
        return _next_url(self.request)
