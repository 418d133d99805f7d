from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Membership, Organization
from .scoping import OrganizationScopedAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Organization)
class OrganizationAdmin(OrganizationScopedAdmin):
    organization_path = "pk"
    list_display = ["name", "website"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "website", "description", "consent_wording"]}),
        (
            _("Action alerts"),
            {
                "fields": ["mail_from_name", "mail_reply_to"],
                "description": _(
                    "Alerts go out from this installation's address under this name, and "
                    "replies go to this address. Each alert may say otherwise."
                ),
            },
        ),
    ]

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=self.user_organizations(request))
