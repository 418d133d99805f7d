import json

from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tocsin.organizations.models import Organization
from tocsin.organizations.scoping import OrganizationScopedAdmin

from .models import Consent, Supporter
from .services import erase_supporter, export_supporter_data


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    fields = ["organization", "campaign", "wording", "language", "given_at", "withdrawn_at"]
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

    def has_add_permission(self, request):
        return False  # supporters join themselves, giving their own consent

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # erase instead: the record of consent stays, the person's details go

    @admin.action(description=_("Export their data (JSON)"), permissions=["view"])
    def export_data(self, request, queryset):
        payload = [export_supporter_data(supporter) for supporter in queryset]
        response = HttpResponse(
            json.dumps(payload, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="supporters.json"'
        return response

    @admin.action(description=_("Erase their personal data"), permissions=["erase"])
    def erase(self, request, queryset):
        erased = 0
        for supporter in queryset.filter(erased_at__isnull=True):
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
