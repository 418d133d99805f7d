"""Organizers see and edit only what belongs to their own organizations.

Every back-office ModelAdmin for organization-owned data mixes this in and names the path from
its model to the owning organization. Superusers see everything.
"""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path

from .models import Membership, Organization, Role

EVERY_ROLE = frozenset(Role.values)
MAY = {
    "manage_members": frozenset({Role.OWNER}),
    "read_audit_log": frozenset({Role.OWNER}),
    "manage_campaigns": frozenset({Role.OWNER, Role.CAMPAIGNER}),
    "send_alerts": frozenset({Role.OWNER, Role.CAMPAIGNER}),
    "export": frozenset({Role.OWNER, Role.CAMPAIGNER}),
    "see_people": frozenset({Role.OWNER, Role.CAMPAIGNER}),
    "read_dashboards": EVERY_ROLE,
    "check_in": EVERY_ROLE,
}


def may(user, organization, action: str) -> bool:
    """Whether `user` may do `action` (a key of MAY) for this organization, by their role in
    it. Someone who is a campaigner here and a volunteer there holds a campaigner's
    permissions everywhere; a view that acts for one organization asks this as well."""
    allowed = MAY[action]  # an unknown action is a programming error, not a "no"
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.role_of(user, organization) in allowed


class OrganizationScopedAdmin(admin.ModelAdmin):
    organization_path = "organization"

    def user_organizations(self, request):
        return Organization.objects.for_user(request.user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        lookup = {f"{self.organization_path}__in": self.user_organizations(request)}
        return queryset.filter(**lookup).distinct()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Organization and not request.user.is_superuser:
            kwargs["queryset"] = self.user_organizations(request)
            kwargs.setdefault("required", True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_list_filter(self, request):
        # Django's filter on a related field lists every row of the related table (other
        # organizations' drafts by name); offer only those the rows listed here point at.
        return [_related_only(self.model, item) for item in super().get_list_filter(request)]


def _related_only(model, item):
    if isinstance(item, str):
        if get_fields_from_path(model, item)[-1].is_relation:
            return (item, admin.RelatedOnlyFieldListFilter)
    elif isinstance(item, (list, tuple)) and item[1] is admin.RelatedFieldListFilter:
        return (item[0], admin.RelatedOnlyFieldListFilter)
    return item


class OrganizationScopedInline:
    """For inlines: limit organization choices the same way."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Organization and not request.user.is_superuser:
            kwargs["queryset"] = Organization.objects.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
