from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from tocsin.organizations.scoping import OrganizationScopedAdmin, organizations_where

from .models import Office, OfficeCorrection, SocialAccount, Target

# What the congress-legislators and UK syncs own.
SYNCED_FIELDS = [
    "kind",
    "bioguide_id",
    "name",
    "title",
    "chamber",
    "state",
    "district",
    "senate_rank",
    "constituency",
    "parliament_member_id",
    "department",
    "party",
    "contact_form_url",
    "website",
    "is_active",
    "synced_at",
]
SYNCED_OFFICE_FIELDS = [
    "kind",
    "position",
    "address",
    "city",
    "state",
    "postal_code",
    "country",
    "phone",
    "hours",
    "is_active",
]
US_ONLY_FIELDS = ["state", "district", "senate_rank", "bioguide_id", "contact_form_url"]
UK_ONLY_FIELDS = ["constituency", "department", "parliament_member_id"]
# The UK data carries each MP's and minister's parliamentary address; Congress's does not.
SYNCED_UK_FIELDS = ["email"]


def is_shared(target) -> bool:
    """Members of Congress, MPs and ministers are shared by every organization: only the
    installation's administrator changes them; organizers correct offices for their own
    campaigns instead."""
    return target is not None and target.is_shared


class SharedRecordInline:
    """An inline that organizers may change on their own custom targets only."""

    def has_add_permission(self, request, obj=None):
        if is_shared(obj) and not request.user.is_superuser:
            return False
        return super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if is_shared(obj) and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if is_shared(obj) and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


class OfficeInline(SharedRecordInline, admin.StackedInline):
    model = Office
    extra = 0
    fields = [
        ("kind", "position"),
        "address",
        ("city", "state", "postal_code", "country"),
        ("phone", "phone_override"),
        "hours",
        ("hidden", "is_active"),
    ]

    def get_fields(self, request, obj=None):
        if is_shared(obj) and not request.user.is_superuser:
            return [*self.fields, "correction"]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        if is_shared(obj):
            return [*SYNCED_OFFICE_FIELDS, "correction"]
        return ["is_active"]

    def has_add_permission(self, request, obj=None):
        return (obj is None or obj.kind == Target.Kind.CUSTOM) and super().has_add_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return (
            obj is not None
            and obj.kind == Target.Kind.CUSTOM
            and super().has_delete_permission(request, obj)
        )

    @admin.display(description=_("for your campaigns"))
    def correction(self, office):
        url = reverse("admin:targets_officecorrection_add") + "?" + urlencode({"office": office.pk})
        return format_html('<a href="{}">{}</a>', url, _("Correct the phone or hide this office"))


class SocialAccountInline(SharedRecordInline, admin.TabularInline):
    model = SocialAccount
    extra = 0
    fields = ["network", "handle", "from_dataset"]
    readonly_fields = ["from_dataset"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    """Members of Congress are shared and kept by the sync; custom targets belong to a group."""

    list_display = ["name", "title", "seat", "party", "kind", "is_active"]
    list_filter = ["kind", "chamber", "party", "is_active", "state"]
    search_fields = [
        "name",
        "state",
        "title",
        "party",
        "bioguide_id",
        "constituency",
        "department",
        "=parliament_member_id",
    ]
    inlines = [OfficeInline, SocialAccountInline]
    fields = [
        "kind",
        "organization",
        "name",
        "title",
        "email",
        "chamber",
        "state",
        "district",
        "senate_rank",
        "constituency",
        "department",
        "party",
        "bioguide_id",
        "parliament_member_id",
        "contact_form_url",
        "website",
        "is_active",
        "synced_at",
    ]

    def get_fields(self, request, obj=None):
        # Each record shows the fields its country's data has: no state or bioguide ID for an
        # MP, no constituency for a member of Congress; custom targets keep every field.
        if obj is not None and obj.parliament_member_id:
            hidden = US_ONLY_FIELDS
        elif obj is not None and obj.bioguide_id:
            hidden = UK_ONLY_FIELDS
        else:
            hidden = []
        return [name for name in self.fields if name not in hidden]

    @admin.display(description=_("seat"), ordering="state")
    def seat(self, target):
        return target.seat_label

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_readonly_fields(self, request, obj=None):
        if is_shared(obj):
            uk_fields = SYNCED_UK_FIELDS if obj.parliament_member_id else []
            return [*SYNCED_FIELDS, *uk_fields, "organization"]
        return ["kind", "bioguide_id", "parliament_member_id", "synced_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization" and not request.user.is_superuser:
            # Where their role handles targets, not where they only volunteer.
            kwargs["queryset"] = organizations_where(
                request.user, "targets.add_target", "targets.change_target"
            )
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if is_shared(obj) and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if is_shared(obj):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    """Every office, to find one and to review the administrator's corrections; offices are
    added and changed on their target's page."""

    list_display = ["target", "label", "phone", "phone_override", "hidden", "is_active"]
    list_filter = [("phone_override", admin.EmptyFieldListFilter), "hidden", "kind", "is_active"]
    list_select_related = ["target"]
    search_fields = ["target__name", "city", "state", "address"]
    fields = [*SYNCED_OFFICE_FIELDS, "target", "phone_override", "hidden"]
    readonly_fields = [*SYNCED_OFFICE_FIELDS, "target"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(target__in=Target.objects.visible_to(request.user))
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OfficeCorrection)
class OfficeCorrectionAdmin(OrganizationScopedAdmin):
    """An organization's own phone numbers and hidden offices for members of Congress."""

    list_display = ["office", "phone", "hidden", "organization", "updated_at"]
    list_filter = ["hidden", "organization"]
    list_select_related = ["office__target", "organization"]
    search_fields = ["office__target__name", "office__city", "phone"]
    autocomplete_fields = ["office"]
    fields = ["organization", "office", "listed_phone", "phone", "hidden"]
    readonly_fields = ["listed_phone"]

    @admin.display(description=_("listed phone"))
    def listed_phone(self, correction):
        office = correction.office if correction.office_id else None
        return (office.phone_override or office.phone) if office else "—"

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        organizations = list(self.user_organizations(request)[:2])
        if len(organizations) == 1:
            initial.setdefault("organization", organizations[0].pk)
        return initial
