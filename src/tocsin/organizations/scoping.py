"""Organizers see and edit only what belongs to their own organizations, and in each only
what their role there allows.

Every back-office ModelAdmin for organization-owned data mixes this in and names the path from
its model to the owning organization. Superusers see everything.

Django's permissions are one set per user (the union of their roles' groups): someone who is a
campaigner in one organization and a volunteer in another holds a campaigner's permissions in
both. So the admin below asks, for each organization, whether the role held *there* carries the
permission (`role_allows`), and views acting for one organization ask `may`.
"""

from functools import cache

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth import get_permission_codename
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q

from .models import Membership, Organization, Role
from .roles import ROLE_PERMISSIONS

EVERY_ROLE = frozenset(Role.values)
MAY = {
    "manage_members": frozenset({Role.OWNER}),
    "read_audit_log": frozenset({Role.OWNER}),
    # API keys and webhook endpoints: both hand the organization's data to another system.
    "manage_keys": frozenset({Role.OWNER}),
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


VIEW = ("view", "change")  # Django's "may view": either permission


@cache
def _role_permissions(role: str) -> frozenset[str]:
    return frozenset(
        f"{app}.{action}_{model}"
        for app, models in ROLE_PERMISSIONS[role].items()
        for model, actions in models.items()
        for action in actions
    )


def roles_with(*permissions: str) -> frozenset[str]:
    """The roles whose group carries any of these Django permissions ("app.codename")."""
    return frozenset(
        role for role in Role.values if _role_permissions(role).intersection(permissions)
    )


def role_allows(user, organization, *permissions: str, role: str | None = None) -> bool:
    """Whether the role `user` holds in `organization` carries any of these permissions (not
    what their other roles elsewhere carry). `role`: already looked up."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if role is None:
        role = Membership.objects.role_of(user, organization)
    return role is not None and role in roles_with(*permissions)


def organizations_where(user, *permissions: str):
    """The organizations where the user's role carries any of these permissions."""
    if not user.is_authenticated or not user.is_active:
        return Organization.objects.none()
    if user.is_superuser:
        return Organization.objects.all()
    seats = Membership.objects.filter(user=user, role__in=roles_with(*permissions))
    return Organization.objects.filter(pk__in=seats.values("organization_id"))


def _permissions(opts, *actions: str) -> list[str]:
    return [f"{opts.app_label}.{get_permission_codename(action, opts)}" for action in actions]


def _owned_by_an_organization(model) -> bool:
    try:
        field = model._meta.get_field("organization")
    except FieldDoesNotExist:
        return False
    return field.many_to_one and field.related_model is Organization


def _organization_of(obj, path: str):
    value = obj
    for part in path.split("__"):
        if part == "pk":
            break
        value = getattr(value, part, None)
        if value is None:
            return None
    return value if isinstance(value, Organization) else None


def _allowed_here(request, organization, opts, *actions: str) -> bool:
    """Whether the user's role in the object's organization carries the permission of one of
    `actions` on the model of `opts`; the role is looked up once per request."""
    if organization is None or request.user.is_superuser:
        return True  # an installation's row: the admin's own checks decide
    roles = request.__dict__.setdefault("_tocsin_roles", {})
    if organization.pk not in roles:
        roles[organization.pk] = Membership.objects.role_of(request.user, organization)
    return role_allows(
        request.user, organization, *_permissions(opts, *actions), role=roles[organization.pk]
    )


class OrganizationScopedAdmin(admin.ModelAdmin):
    """Rows of the user's organizations, and of those the ones their role in each lets them
    view; an object is changed or deleted only where their role there carries the permission.
    Inlines on an object's page are held to the same role (`get_inlines`)."""

    organization_path = "organization"

    def user_organizations(self, request, *actions: str):
        """The organizations where the user's role carries one of `actions` (view or change
        by default) on this model."""
        return organizations_where(request.user, *_permissions(self.opts, *(actions or VIEW)))

    def organization_of(self, obj):
        return _organization_of(obj, self.organization_path)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        lookup = {f"{self.organization_path}__in": self.user_organizations(request)}
        return queryset.filter(**lookup).distinct()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if request.user.is_superuser:
            return super().formfield_for_foreignkey(db_field, request, **kwargs)
        # Only where their role may add or change this model: a volunteer here who is a
        # campaigner elsewhere adds campaigns there, not here.
        where = self.user_organizations(request, "add", "change")
        if db_field.related_model is Organization:
            kwargs["queryset"] = where
            kwargs.setdefault("required", True)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and _owned_by_an_organization(db_field.related_model):
            # Another organization-owned row to point at (a campaign, a fundraiser): theirs,
            # or one shared by every organization (a member of Congress has none).
            field.queryset = field.queryset.filter(
                Q(organization__in=where) | Q(organization__isnull=True)
            )
        return field

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or _allowed_here(request, self.organization_of(obj), self.opts, *VIEW)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or _allowed_here(request, self.organization_of(obj), self.opts, "change")
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or _allowed_here(request, self.organization_of(obj), self.opts, "delete")
        )

    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        if obj is None or request.user.is_superuser:
            return inlines
        return [_scoped_inline(inline) for inline in inlines]

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


class _RoleScopedInline:
    """An inline on an organization's object: its rows are added, changed, deleted or seen
    only as the user's role in that organization allows (see `get_inlines`)."""

    def _here(self, request, obj, *actions):
        if obj is None:
            return True
        parent = self.admin_site._registry.get(self.parent_model)
        organization = parent.organization_of(obj) if parent is not None else None
        # An auto-created many-to-many table has no permissions of its own: its parent's.
        opts = self.parent_model._meta if self.opts.auto_created else self.opts
        return _allowed_here(request, organization, opts, *actions)

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self._here(request, obj, "add")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._here(request, obj, "change")

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._here(request, obj, "delete")

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._here(request, obj, *VIEW)


@cache
def _scoped_inline(inline):
    return type(inline.__name__, (_RoleScopedInline, inline), {"__module__": inline.__module__})


class OrganizationScopedInline:
    """For inlines: limit organization choices the same way."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Organization and not request.user.is_superuser:
            kwargs["queryset"] = Organization.objects.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
