"""Organizers see and edit only what belongs to their own organizations.

Every back-office ModelAdmin for organization-owned data mixes this in and names the path from
its model to the owning organization. Superusers see everything.
"""

from django.contrib import admin

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


class OrganizationScopedInline:
    """For inlines: limit organization choices the same way."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Organization and not request.user.is_superuser:
            kwargs["queryset"] = Organization.objects.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
