"""The back office's admin site: Django's, with a view-on-site shortcut that respects
organizations, and a second factor (the signin app) before any page when one is required."""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device

from .models import Role

ROLES_NEEDING_A_SECOND_FACTOR = (Role.OWNER, Role.CAMPAIGNER)

# The back office's index and sidebar group models by the organizer's task, not by the Django
# app that happens to hold them, and name them as an organizer would. Names are set here
# rather than in each model's Meta, which would need a migration in every app.
ADMIN_SECTIONS = (
    (
        "campaigns",
        _("Campaigns"),
        (
            ("campaigns.Campaign", _("Campaigns")),
            ("campaigns.Demand", _("Demands")),
            ("campaigns.Source", _("Sources")),
            ("campaigns.Partnership", _("Partner organizations")),
        ),
    ),
    (
        "actions",
        _("Actions"),
        (
            ("calls.CallAction", _("Call actions")),
            ("calls.ScriptVariant", _("Call scripts for particular targets")),
            ("petitions.PetitionAction", _("Petitions")),
            ("letters.WriteAction", _("Letter-writing actions")),
            ("letters.LetterVariant", _("Letters for particular targets")),
            ("events.Event", _("Events")),
            ("events.Session", _("Event sessions")),
            ("fundraising.Fundraiser", _("Fundraisers")),
        ),
    ),
    (
        "people",
        _("People"),
        (
            ("supporters.Supporter", _("Supporters")),
            ("supporters.Consent", _("Consents to contact")),
            ("supporters.Tag", _("Tags and lists")),
            ("supporters.Activity", _("Actions people took")),
            ("supporters.PeopleImport", _("Imported lists of people")),
            ("supporters.Suppression", _("Do-not-contact list")),
            ("events.Rsvp", _("RSVPs")),
            ("petitions.Signature", _("Signatures")),
            ("fundraising.Gift", _("Gifts")),
            ("letters.Letter", _("Letters people wrote")),
        ),
    ),
    (
        "mail",
        _("Mail"),
        (
            ("alerts.Alert", _("Action alerts")),
            ("alerts.AlertRecipient", _("Who each alert went to")),
        ),
    ),
    (
        "whom-we-ask",
        _("Whom we ask"),
        (
            ("targets.Target", _("Targets and members of Congress")),
            ("targets.Office", _("Offices")),
            ("targets.OfficeCorrection", _("Corrections to offices")),
            ("targets.SocialAccount", _("Social media accounts")),
            ("campaigns.CampaignTarget", _("Whom each campaign asks")),
            ("campaigns.TargetStance", _("Where targets stand")),
            ("campaigns.StanceEvidence", _("Evidence of where targets stand")),
        ),
    ),
    (
        "records",
        _("Records"),
        (
            ("calls.CallReport", _("Callers' reports")),
            ("calls.ConnectSession", _("Calls connected through us")),
            ("calls.CallLeg", _("Offices dialled")),
            ("districts.DatasetImport", _("District data updates")),
            ("calls.BlockedNumber", _("Blocked phone numbers")),
            ("letters.BadAddress", _("Office addresses that failed")),
            ("fundraising.GiftIntent", _("Gifts started")),
            ("fundraising.WebhookEvent", _("Messages from the payment service")),
        ),
    ),
    (
        "organization",
        _("Organization"),
        (
            ("organizations.Organization", _("Organizations")),
            ("organizations.Membership", _("Members and their roles")),
            ("organizations.Invitation", _("Invitations")),
            ("organizations.UserSession", _("Signed-in sessions")),
            ("auth.User", _("User accounts")),
            ("auth.Group", _("Groups and their permissions")),
            ("audit.Entry", _("Record of who changed what")),
            ("admin.LogEntry", _("Back office log")),
        ),
    ),
)
OTHER_SECTION = "other"
# Installation-level models kept under "Other", still named plainly.
OTHER_NAMES = {
    "core.Switches": _("Switches and limits"),
    "axes.AccessAttempt": _("Sign-in attempts"),
    "axes.AccessFailureLog": _("Failed sign-ins"),
    "axes.AccessLog": _("Sign-in log"),
    "otp_totp.TOTPDevice": _("Authenticator apps"),
    "otp_static.StaticDevice": _("Recovery codes"),
    "django_otp_webauthn.WebAuthnCredential": _("Passkeys"),
    "django_otp_webauthn.WebAuthnAttestation": _("Passkey attestations"),
    "django_tasks_database.DBTaskResult": _("Background jobs"),
}


def second_factor_required(user, *, has_device: bool | None = None) -> bool:
    """Whether this user must prove a second factor before the back office.

    Anyone who set one up is asked for it, whatever the installation says: a device that is
    never asked for protects nothing. With TOCSIN_REQUIRE_TWO_FACTOR, superusers, owners and
    campaigners must have one; volunteers (door check-in, dashboards) need not.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if has_device is None:
        has_device = user_has_device(user, confirmed=True)
    if has_device:
        return True
    if not settings.TOCSIN_REQUIRE_TWO_FACTOR:
        return False
    return user.is_superuser or (
        user.is_staff and user.memberships.filter(role__in=ROLES_NEEDING_A_SECOND_FACTOR).exists()
    )


def second_factor_step(request) -> str | None:
    """The URL name of what this signed-in user must do before the back office, if anything:
    set up a second factor, or prove the one they have."""
    user = request.user
    # Requests that never passed through OTPMiddleware (a RequestFactory) carry no proof.
    if not user.is_authenticated or getattr(user, "is_verified", lambda: False)():
        return None
    # The admin asks several times per page (the view, its permission, the sidebar); the
    # answer for one user holds for the request.
    known = getattr(request, "_tocsin_second_factor", None)
    if known is not None and known[0] == user.pk:
        return known[1]
    if user_has_device(user, confirmed=True):
        step = "signin:verify"
    elif second_factor_required(user, has_device=False):
        step = "signin:setup"
    else:
        step = None
    request._tocsin_second_factor = (user.pk, step)
    return step


def redirect_to_step(request, step: str) -> HttpResponseRedirect:
    query = urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(f"{reverse(step)}?{query}")


class TocsinAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and second_factor_step(request) is None

    def admin_view(self, view, cacheable=False):
        guarded = super().admin_view(view, cacheable)

        @wraps(view)
        def inner(request, *args, **kwargs):
            # Signing out needs no second factor; everything else does.
            if request.path != reverse("admin:logout", current_app=self.name):
                step = second_factor_step(request)
                if step is not None:
                    return redirect_to_step(request, step)
            return guarded(request, *args, **kwargs)

        return inner

    def login(self, request, extra_context=None):
        # Signed in with a password but not yet past the second factor: Django's login page
        # would say "not authorized" and ask for a password again.
        if request.method == "GET":
            step = second_factor_step(request)
            if step is not None:
                next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
                return HttpResponseRedirect(f"{reverse(step)}?{urlencode({'next': next_url})}")
        return super().login(request, extra_context)

    def get_app_list(self, request, app_label=None):
        """The index and sidebar by task. One app's own page (/admin/<app_label>/) keeps
        Django's list: its title and breadcrumbs are that app's."""
        app_list = super().get_app_list(request, app_label)
        if app_label is not None:
            return app_list
        # A fragment, because the sidebar marks as current every section whose app_url is
        # part of the page's path: the bare index URL would mark them all.
        index_url = reverse("admin:index", current_app=self.name)
        return sections_by_task(app_list, index_url)

    def get_urls(self):
        # Django's shortcut redirects any staff user to any object's public address, so an
        # organizer could learn the slug of another organization's draft from its id.
        urls = [url for url in super().get_urls() if getattr(url, "name", "") != "view_on_site"]
        shortcut = path(
            "r/<int:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        return [shortcut, *urls]

    def view_on_site(self, request, content_type_id, object_id):
        if not request.user.is_superuser and not self.lists(request, content_type_id, object_id):
            raise Http404
        return contenttype_views.shortcut(request, content_type_id, object_id)

    def lists(self, request, content_type_id, object_id) -> bool:
        """Whether this user's back office lists the object."""
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist:
            return False
        model_admin = self._registry.get(model)
        if model_admin is None or not model_admin.has_view_permission(request):
            return False
        try:
            return model_admin.get_queryset(request).filter(pk=object_id).exists()
        except (ValidationError, ValueError):
            return False


def sections_by_task(app_list: list[dict], index_url: str) -> list[dict]:
    """Django's app list, regrouped into ADMIN_SECTIONS; whatever they do not name goes to
    "Other", so a newly registered model is never hidden. Only the models already in app_list
    (those this user may see) appear."""
    entries = {entry["model"]._meta.label: entry for app in app_list for entry in app["models"]}
    sections = []
    for slug, name, placements in ADMIN_SECTIONS:
        models = []
        for label, plain_name in placements:
            entry = entries.pop(label, None)
            if entry is not None:
                models.append({**entry, "name": plain_name})
        if models:
            sections.append(_section(slug, name, models, index_url))
    if entries:
        others = [
            {**entry, "name": OTHER_NAMES.get(label, entry["name"])}
            for label, entry in entries.items()
        ]
        others.sort(key=lambda entry: str(entry["name"]).lower())
        sections.append(_section(OTHER_SECTION, _("Other"), others, index_url))
    return sections


def _section(slug: str, name, models: list[dict], index_url: str) -> dict:
    return {
        "name": name,
        "app_label": slug,
        "app_url": f"{index_url}#{slug}",
        "has_module_perms": True,
        "models": models,
    }
