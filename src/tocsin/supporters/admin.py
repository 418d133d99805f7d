import json

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from tocsin.core.forms import StorableEmailField
from tocsin.core.personal_data import erase_person, export_person
from tocsin.organizations.models import Organization
from tocsin.organizations.scoping import OrganizationScopedAdmin

from .models import Consent, Supporter
from .services import erase_supporter


def scope_of(user) -> frozenset[int] | None:
    """What a back-office user may export or erase about a person: everything for the
    installation's administrator, only what their own organizations hold for anyone else."""
    if user.is_superuser:
        return None
    return frozenset(Organization.objects.for_user(user).values_list("pk", flat=True))


def json_download(payload, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    fields = [
        "organization",
        "campaign",
        "wording",
        "language",
        "given_at",
        "confirmed_at",
        "withdrawn_at",
    ]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        # An organizer sees only the consents given to their own groups, not who else a
        # supporter follows.
        queryset = super().get_queryset(request).select_related("organization", "campaign")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(organization__in=Organization.objects.for_user(request.user))

    def has_add_permission(self, request, obj=None):
        return False


class PersonForm(forms.Form):
    email = StorableEmailField(
        label=_("Email address"),
        error_messages={
            "required": _("Enter the person's email address."),
            "invalid": _("That does not look like an email address, e.g. name@example.org."),
        },
    )


@admin.register(Supporter)
class SupporterAdmin(OrganizationScopedAdmin):
    organization_path = "consents__organization"
    list_display = ["__str__", "email", "postcode", "language", "created_at"]
    search_fields = ["name", "email", "postcode"]
    list_filter = ["language"]
    fields = ["name", "email", "postcode", "language", "created_at", "erased_at"]
    readonly_fields = fields
    inlines = [ConsentInline]
    actions = ["export_data", "erase"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        # Nobody's supporter until they confirm: an address typed into a join form is not.
        return queryset.filter(pk__in=Supporter.objects.for_organizer(request.user))

    def has_add_permission(self, request):
        return False  # supporters join themselves, giving their own consent

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # erase instead: the record of consent stays, the person's details go

    # Both actions reach every app that registered in tocsin.core.personal_data (the person's
    # signatures, event answers and gifts as well as their supporter record), within what the
    # user's organizations hold unless the user is the installation's administrator.
    @admin.action(description=_("Export their data (JSON)"), permissions=["view"])
    def export_data(self, request, queryset):
        scope = scope_of(request.user)
        payload = [
            export_person(supporter.email, organizations=scope)
            for supporter in queryset
            if supporter.email
        ]
        return json_download(payload, "supporters.json")

    @admin.action(description=_("Erase their personal data"), permissions=["erase"])
    def erase(self, request, queryset):
        scope = scope_of(request.user)
        erased = 0
        for supporter in queryset.filter(erased_at__isnull=True):
            if supporter.email:
                erase_person(supporter.email, organizations=scope)
            elif scope is None:
                erase_supporter(supporter)
            erased += 1
        self.message_user(
            request,
            ngettext("Erased %(count)d supporter.", "Erased %(count)d supporters.", erased)
            % {"count": erased},
            messages.SUCCESS,
        )

    def has_erase_permission(self, request):
        return request.user.has_perm("supporters.erase_supporter")

    # ------------------------------------------------------------------ anyone, by address

    def get_urls(self):
        return [
            path(
                "person/",
                self.admin_site.admin_view(self.person_view),
                name="supporters_person",
            ),
            *super().get_urls(),
        ]

    def person_view(self, request):
        """Find a person by email address, supporter or not (someone who only signed or
        answered for an event too), and export or erase what is held about them: everything
        for the installation's administrator, their own groups' records for an organizer."""
        if not self.has_erase_permission(request):
            raise PermissionDenied
        scope = scope_of(request.user)
        form = PersonForm(request.POST or None)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Find a person by email"),
            "opts": self.model._meta,
            "form": form,
            "everywhere": scope is None,
        }
        if request.method != "POST":
            return TemplateResponse(request, "admin/supporters/person.html", context)
        if not form.is_valid():
            return TemplateResponse(request, "admin/supporters/person.html", context, status=400)
        email = form.cleaned_data["email"]
        if "export" in request.POST:
            return json_download(export_person(email, organizations=scope), "person.json")
        if "erase" in request.POST:
            erased = erase_person(email, organizations=scope)
            self.message_user(
                request,
                ngettext(
                    "Erased %(count)d record.", "Erased %(count)d records.", sum(erased.values())
                )
                % {"count": sum(erased.values())},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:supporters_person"))
        found = export_person(email, organizations=scope)
        context["found"] = [(label, _app_name(label), len(rows)) for label, rows in found.items()]
        context["anything"] = any(found.values())
        return TemplateResponse(request, "admin/supporters/person.html", context)


def _app_name(label: str) -> str:
    try:
        return str(apps.get_app_config(label).verbose_name)
    except LookupError:
        return label
