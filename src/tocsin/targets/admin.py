from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tocsin.organizations.models import Organization

from .models import Office, SocialAccount, Target

# What the congress-legislators sync owns; organizers correct offices instead.
SYNCED_FIELDS = [
    "kind", "bioguide_id", "name", "title", "chamber", "state", "district", "senate_rank",
    "party", "contact_form_url", "website", "is_active", "synced_at",
]  # fmt: skip
SYNCED_OFFICE_FIELDS = ["kind", "address", "city", "state", "postal_code", "phone", "is_active"]


class OfficeInline(admin.StackedInline):
    model = Office
    extra = 0
    fields = [
        ("kind", "position"),
        "address",
        ("city", "state", "postal_code"),
        ("phone", "phone_override"),
        "hours",
        ("hidden", "is_active"),
    ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.kind == Target.Kind.LEGISLATOR:
            return SYNCED_OFFICE_FIELDS
        return ["is_active"]

    def has_add_permission(self, request, obj=None):
        return obj is None or obj.kind == Target.Kind.CUSTOM

    def has_delete_permission(self, request, obj=None):
        return obj is not None and obj.kind == Target.Kind.CUSTOM


class SocialAccountInline(admin.TabularInline):
    model = SocialAccount
    extra = 0
    fields = ["network", "handle", "from_dataset"]
    readonly_fields = ["from_dataset"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    """Members of Congress are shared and kept by the sync; custom targets belong to a group."""

    list_display = ["name", "title", "seat", "party", "kind", "is_active"]
    list_filter = ["kind", "chamber", "party", "is_active", "state"]
    search_fields = ["name", "state", "title", "party", "bioguide_id"]
    inlines = [OfficeInline, SocialAccountInline]
    fields = [
        "kind", "organization", "name", "title", "email", "photo_url", "chamber", "state",
        "district", "senate_rank", "party", "bioguide_id", "contact_form_url", "website",
        "is_active", "synced_at",
    ]  # fmt: skip

    @admin.display(description=_("state or district"), ordering="state")
    def seat(self, target):
        return target.seat_label

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.kind == Target.Kind.LEGISLATOR:
            return [*SYNCED_FIELDS, "organization"]
        return ["kind", "bioguide_id", "synced_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization" and not request.user.is_superuser:
            kwargs["queryset"] = Organization.objects.for_user(request.user)
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.kind == Target.Kind.LEGISLATOR:
            return False
        return super().has_delete_permission(request, obj)
