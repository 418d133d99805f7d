"""Colleagues: the members page, invitations, and the user's own sessions.

Every page about an organization looks it up among the user's own organizations, so another
organization's members, invitations and ids are a 404, as if they did not exist. Changing
anything needs the owner's role in that organization (`scoping.may`), else a 403.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tocsin.core.emails import normalize_email

from . import services
from .forms import InviteForm, NewAccountForm, RoleForm
from .models import Invitation, Membership, Organization, Role
from .scoping import may


def _organization(request, organization_id: int) -> Organization:
    return get_object_or_404(Organization.objects.for_user(request.user), pk=organization_id)


def _owner_of(request, organization_id: int) -> Organization:
    organization = _organization(request, organization_id)
    if not may(request.user, organization, "manage_members"):
        raise PermissionDenied(_("Only the organization's owners can change its members."))
    return organization


@staff_member_required
def home(request) -> HttpResponse:
    organizations = list(Organization.objects.for_user(request.user))
    if len(organizations) == 1:
        return redirect("organizations:members", organization_id=organizations[0].pk)
    return render(request, "organizations/home.html", {"organizations": organizations})


@staff_member_required
@require_http_methods(["GET", "POST"])
def members(request, organization_id: int) -> HttpResponse:
    organization = _organization(request, organization_id)
    is_owner = may(request.user, organization, "manage_members")
    form = InviteForm()
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied(_("Only the organization's owners can invite colleagues."))
        form = InviteForm(request.POST)
        if form.is_valid():
            try:
                invitation = services.invite(
                    organization,
                    form.cleaned_data["email"],
                    form.cleaned_data["role"],
                    invited_by=request.user,
                )
            except services.Refused as refusal:
                form.add_error("email", str(refusal))
            else:
                messages.success(
                    request,
                    _("An invitation is on its way to %(email)s. It expires on %(date)s.")
                    % {
                        "email": invitation.email,
                        "date": date_format(localtime(invitation.expires_at)),
                    },
                )
                return redirect("organizations:members", organization_id=organization.pk)
    memberships = organization.memberships.select_related("user").order_by("user__username")
    context = {
        "organization": organization,
        "memberships": memberships,
        "is_owner": is_owner,
        "my_role": Role(role).label
        if (role := Membership.objects.role_of(request.user, organization))
        else "",
        "invitations": organization.invitations.pending() if is_owner else [],
        "form": form,
        "roles": Role.choices,
    }
    status = 400 if form.is_bound else 200  # a bound form here is one that was refused
    return render(request, "organizations/members.html", context, status=status)


@staff_member_required
@require_POST
def change_role(request, organization_id: int, membership_id: int) -> HttpResponse:
    organization = _owner_of(request, organization_id)
    membership = get_object_or_404(Membership, pk=membership_id, organization=organization)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles offered."))
    else:
        try:
            services.change_role(membership, form.cleaned_data["role"])
        except services.Refused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {
                    "name": membership.user.get_username(),
                    "role": Role(form.cleaned_data["role"]).label,
                },
            )
    return redirect("organizations:members", organization_id=organization.pk)


@staff_member_required
@require_POST
def remove(request, organization_id: int, membership_id: int) -> HttpResponse:
    organization = _owner_of(request, organization_id)
    membership = Membership.objects.filter(pk=membership_id, organization=organization).first()
    if membership is None:
        messages.info(request, _("That colleague is no longer a member."))
    else:
        try:
            services.remove_member(membership)
        except services.Refused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("%(name)s is no longer a member.") % {"name": membership.user.get_username()},
            )
    return redirect("organizations:members", organization_id=organization.pk)


@staff_member_required
@require_POST
def revoke(request, organization_id: int, invitation_id: int) -> HttpResponse:
    organization = _owner_of(request, organization_id)
    invitation = get_object_or_404(Invitation, pk=invitation_id, organization=organization)
    services.revoke(invitation)
    messages.success(
        request, _("The invitation to %(email)s is revoked.") % {"email": invitation.email}
    )
    return redirect("organizations:members", organization_id=organization.pk)


# ------------------------------------------------------------------ accepting an invitation


@require_http_methods(["GET", "POST"])
def join(request, token: str) -> HttpResponse:
    state, invitation = services.find_invitation(token)
    context = {"state": state.value, "invitation": invitation}
    if state is not services.State.OPEN:
        return _join_page(request, context, status=410 if invitation else 404)
    user = request.user if request.user.is_authenticated else None
    User = get_user_model()
    if user is not None and normalize_email(user.email or "") != invitation.email:
        context["other_account"] = user
        return _join_page(request, context, status=403 if request.method == "POST" else 200)
    if user is None and User.objects.filter(email__iexact=invitation.email).exists():
        # The address has an account already: its owner signs in, then comes back here.
        here = reverse("organizations:join", kwargs={"token": token})
        context["sign_in_url"] = reverse("admin:login") + "?" + urlencode({"next": here})
        return _join_page(request, context, status=403 if request.method == "POST" else 200)
    form = None if user else NewAccountForm(request.POST or None, email=invitation.email)
    context["form"] = form
    if request.method == "POST":
        if form is not None and not form.is_valid():
            return _join_page(request, context, status=400)
        joined = services.accept(
            invitation,
            user,
            username=form.cleaned_data["username"] if form else "",
            password=form.cleaned_data["password1"] if form else "",
        )
        if joined is None:
            context["state"] = services.State.USED.value
            return _join_page(request, context, status=410)
        if user is None:
            login(request, joined, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Welcome to %(organization)s.") % {"organization": invitation.organization.name},
        )
        return redirect("organizations:members", organization_id=invitation.organization_id)
    return _join_page(request, context)


def _join_page(request, context, status: int = 200) -> HttpResponse:
    response = render(request, "organizations/join.html", context, status=status)
    # The link's token is in this page's address: it goes to no other site. Not "no-referrer":
    # browsers then send the form's POST with "Origin: null", which Django's CSRF check refuses.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------ sessions


@staff_member_required
def sessions(request) -> HttpResponse:
    context = {
        "sessions": services.open_sessions(request.user),
        "current_key": request.session.session_key,
    }
    return render(request, "organizations/sessions.html", context)


@staff_member_required
@require_POST
def end_session(request, session_id: int) -> HttpResponse:
    if services.end_session(request.user, session_id):
        messages.success(request, _("That session has ended."))
    else:
        messages.info(request, _("That session had ended already."))
    return redirect("organizations:sessions")


@staff_member_required
@require_POST
def end_every_session(request) -> HttpResponse:
    services.end_every_session(request.user)
    logout(request)
    return redirect(reverse("admin:login"))


# ------------------------------------------------------------------ password reset
# Django's views, with the admin's look; the page says the same whether or not an account
# has the address (the mail goes only to a real one).


class AdminLook:
    """The back office's header and title, as on its sign-in page."""

    def get_context_data(self, **kwargs):
        return {**admin.site.each_context(self.request), **super().get_context_data(**kwargs)}


class PasswordResetView(AdminLook, auth_views.PasswordResetView):
    template_name = "organizations/password/reset_form.html"
    email_template_name = "organizations/password/reset_email.txt"
    subject_template_name = "organizations/password/reset_subject.txt"
    success_url = reverse_lazy("organizations:password-reset-done")
    title = gettext_lazy("Password reset")

    def get_extra_email_context(self):
        # The link names the installation's own address, never the Host the request came with.
        return {"base_url": settings.TOCSIN_BASE_URL}

    def form_valid(self, form):
        self.extra_email_context = self.get_extra_email_context()
        return super().form_valid(form)


class PasswordResetDoneView(AdminLook, auth_views.PasswordResetDoneView):
    template_name = "organizations/password/reset_done.html"


class PasswordResetConfirmView(AdminLook, auth_views.PasswordResetConfirmView):
    template_name = "organizations/password/reset_confirm.html"
    success_url = reverse_lazy("organizations:password-reset-complete")


class PasswordResetCompleteView(AdminLook, auth_views.PasswordResetCompleteView):
    template_name = "organizations/password/reset_complete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["login_url"] = reverse("admin:login")
        return context
