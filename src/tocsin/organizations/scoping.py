"""Organizers see and edit only what belongs to their own organizations.

Every back-office ModelAdmin for organization-owned data mixes this in and names the path from
its model to the owning organization. Superusers see everything.
"""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path

from .models import Organization


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
