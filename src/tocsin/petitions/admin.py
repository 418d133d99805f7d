from django.contrib import admin

from tocsin.campaigns.models import Campaign
from tocsin.organizations.scoping import OrganizationScopedAdmin

from .models import PetitionAction, Signature


@admin.register(PetitionAction)
class PetitionAdmin(OrganizationScopedAdmin):
    organization_path = "campaign__organization"
    list_display = ["title", "campaign", "is_collecting", "goal"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "campaign":
            kwargs["queryset"] = Campaign.objects.for_organizer(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Signature)
class SignatureAdmin(OrganizationScopedAdmin):
    organization_path = "petition__campaign__organization"
    list_display = ["name", "email", "district", "country", "created_at", "confirmed_at"]
    list_filter = ["petition", "country"]
    search_fields = ["name", "email", "postcode"]
    readonly_fields = [
        "petition", "email", "name", "postcode", "country", "district", "comment", "consents",
        "created_at", "confirmed_at",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False
