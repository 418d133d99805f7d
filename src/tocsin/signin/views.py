from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from tocsin.organizations.models import Membership, Organization, Role
from tocsin.organizations.scoping import may
from tocsin.organizations.sites import second_factor_required, second_factor_step

from . import services
from .forms import CodeForm

NEW_RECOVERY_CODES = "signin:new_recovery_codes"


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("admin:index")


def _with_next(url: str, request) -> str:
    return f"{url}?{urlencode({'next': _next_url(request)})}"


def _context(request, title: str, **extra) -> dict:
    return {
        **admin.site.each_context(request),
        # These pages come before the back office is open: no list of its sections.
        "available_apps": [],
        "is_nav_sidebar_enabled": False,
        "title": title,
        "next": _next_url(request),
        **extra,
    }


def _refusal(check: services.CodeCheck) -> str:
    if check.wait_seconds:
        return ngettext(
            "Too many wrong codes. Wait %(seconds)d second and try again.",
            "Too many wrong codes. Wait %(seconds)d seconds and try again.",
            check.wait_seconds,
        ) % {"seconds": check.wait_seconds}
    return _(
        "That code is not right, or was already used. Type the six digits your app shows "
        "now, or one of your unused recovery codes."
    )


def _must_prove_first(request):
    """Changing a second factor that exists needs it proved in this session first, or a
    stolen password would be enough to add the thief's own app."""
    if second_factor_step(request) == "signin:verify":
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse('signin:verify')}?{query}")
    return None


def _passkey_origin(request) -> str | None:
    """Where passkeys work, when it is not this page's own address (None when it is). The
    browser ties each passkey to the site's host name (OTP_WEBAUTHN_RP_ID), and refuses one on
    a bare IP address or plain HTTP other than localhost."""
    allowed = list(getattr(settings, "OTP_WEBAUTHN_ALLOWED_ORIGINS", []))
    here = f"{request.scheme}://{request.get_host()}"
    if here in allowed or not allowed:
        return None
    return allowed[0]


@staff_member_required
def setup(request):
    if (response := _must_prove_first(request)) is not None:
        return response
    user = request.user
    authenticators = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk")
    passkeys = services.passkeys_of(user)
    context = _context(
        request,
        _("Two-factor sign-in"),
        authenticators=authenticators,
        passkeys=passkeys,
        has_factor=authenticators.exists() or passkeys.exists(),
        passkeys_elsewhere=_passkey_origin(request),
        recovery_codes_left=services.recovery_codes_left(user),
        required=second_factor_required(user),
        may_reset_others=_may_reset_others(request),
        form=CodeForm(),
    )
    return render(request, "signin/setup.html", context)


@staff_member_required
@require_POST
def add(request):
    if (response := _must_prove_first(request)) is not None:
        return response
    device = services.start_authenticator(request.user, name=_("Authenticator app"))
    return redirect(_with_next(reverse("signin:confirm", args=[device.pk]), request))


@staff_member_required
def confirm(request, device_id: int):
    if (response := _must_prove_first(request)) is not None:
        return response
    device = TOTPDevice.objects.filter(user=request.user, pk=device_id, confirmed=False).first()
    if device is None:
        messages.info(request, _("That set-up is finished or was replaced. Start again here."))
        return redirect(_with_next(reverse("signin:setup"), request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check, codes = services.confirm_authenticator(
            request.user, device.pk, form.cleaned_data["code"]
        )
        if check.passed:
            otp_login(request, check.device)
            services.record(
                request, "second_factor_added", check.device, request.user, kind="authenticator app"
            )
            request.session[NEW_RECOVERY_CODES] = codes
            return redirect(_with_next(reverse("signin:recovery-codes"), request))
        form.add_error("code", _refusal(check))
    context = _context(
        request,
        _("Add an authenticator app"),
        device=device,
        qr_svg=services.qr_svg(device),
        secret=services.secret_for_typing(device),
        form=form,
    )
    return render(request, "signin/confirm.html", context)


@staff_member_required
def recovery_codes(request):
    codes = request.session.pop(NEW_RECOVERY_CODES, None)
    context = _context(request, _("Your recovery codes"), codes=codes)
    return render(request, "signin/recovery_codes.html", context)


@staff_member_required
@require_POST
def remove(request, device_id: int):
    if (response := _must_prove_first(request)) is not None:
        return response
    device = get_object_or_404(TOTPDevice, user=request.user, pk=device_id, confirmed=True)
    form = CodeForm(request.POST)
    check = services.check_code(request.user, form.data.get("code", ""))
    if not check.passed:
        messages.error(request, _refusal(check))
        return redirect("signin:setup")
    services.record(
        request, "second_factor_removed", device, request.user, kind="authenticator app"
    )
    services.remove_authenticator(request.user, device.pk)
    messages.success(request, _("The authenticator app was removed."))
    return redirect("signin:setup")


@staff_member_required
@require_POST
def remove_passkey(request, device_id: int):
    """The session is proved already (`_must_prove_first`); the page's confirm step is the
    button inside "Remove this passkey". Another person's passkey is not found."""
    if (response := _must_prove_first(request)) is not None:
        return response
    device = get_object_or_404(services.passkeys_of(request.user), pk=device_id)
    services.record(request, "second_factor_removed", device, request.user, kind="passkey")
    services.remove_passkey(request.user, device.pk)
    messages.success(request, _("The passkey was removed."))
    return redirect("signin:setup")


@staff_member_required
def verify(request):
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not user_has_device(user, confirmed=True):
        return redirect(_with_next(reverse("signin:setup"), request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.check_code(user, form.cleaned_data["code"])
        if check.passed:
            # A session that just gained rights gets a new key.
            request.session.cycle_key()
            otp_login(request, check.device)
            if services.recovery_codes_left(user) < 3 and not isinstance(check.device, TOTPDevice):
                messages.warning(
                    request,
                    _("Few recovery codes are left: add your app again to get new ones."),
                )
            return redirect(_next_url(request))
        form.add_error("code", _refusal(check))
    context = _context(
        request,
        _("Your second factor"),
        form=form,
        has_app=services.has_authenticator(user),
        has_passkey=services.passkeys_of(user).exists(),
        passkeys_elsewhere=_passkey_origin(request),
    )
    return render(request, "signin/verify.html", context)


def _may_reset_others(request) -> bool:
    """Superusers, and owners of an organization (for its members only, see `_may_reset`)."""
    if second_factor_step(request) is not None:
        return False
    user = request.user
    return user.is_superuser or any(
        may(user, organization, "manage_members")
        for organization in Organization.objects.for_user(user)
    )


def _may_reset(user, colleague) -> bool:
    """A lost second factor is reset only by another owner of one of the colleague's
    organizations (or the installation's administrator)."""
    return user.is_superuser or any(
        may(user, organization, "manage_members")
        for organization in Organization.objects.filter(memberships__user=colleague)
    )


def _resettable_colleagues(user):
    people = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(pk=user.pk)
    if user.is_superuser:
        return people
    owned = Membership.objects.filter(user=user, role=Role.OWNER).values("organization")
    return people.filter(memberships__organization__in=owned).distinct()


@staff_member_required
def colleagues(request):
    if not _may_reset_others(request):
        if second_factor_step(request) is not None:
            return redirect(_with_next(reverse("signin:verify"), request))
        raise PermissionDenied
    people = (
        _resettable_colleagues(request.user)
        .annotate(
            has_app=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            has_passkey=Exists(
                WebAuthnCredential.objects.filter(user=OuterRef("pk"), confirmed=True)
            ),
        )
        .order_by("username")
    )
    context = _context(request, _("Colleagues' two-factor sign-in"), people=people)
    return render(request, "signin/colleagues.html", context)


@staff_member_required
@require_POST
def reset(request, user_id: int):
    if not _may_reset_others(request):
        raise PermissionDenied
    colleague = get_object_or_404(get_user_model(), pk=user_id, is_staff=True)
    if not _may_reset(request.user, colleague):
        raise PermissionDenied
    if colleague.pk == request.user.pk:
        messages.error(request, _("Remove your own app on your two-factor page instead."))
    elif services.reset_second_factor(colleague):
        services.record(request, "second_factor_reset", colleague, colleague)
        messages.success(
            request,
            _(
                "%(name)s's two-factor sign-in was reset: they set it up again at their next "
                "sign-in."
            )
            % {"name": colleague.get_username()},
        )
    else:
        messages.info(
            request,
            _("%(name)s had no second factor to reset.") % {"name": colleague.get_username()},
        )
    return redirect("signin:colleagues")
