"""auditlog registers an admin for the log entries; organizers read the record on
/organize/audit/ instead. What stays in the admin is the installation administrator's read-only
view: nobody adds, changes or deletes an entry through any page."""

from auditlog.admin import LogEntryAdmin
from django.contrib import admin

from .models import Entry

if admin.site.is_registered(Entry):
    admin.site.unregister(Entry)


@admin.register(Entry)
class EntryAdmin(LogEntryAdmin):
    list_filter = ["action", "event"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}
