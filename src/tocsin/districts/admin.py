from django.contrib import admin

from .models import DatasetImport


@admin.register(DatasetImport)
class DatasetImportAdmin(admin.ModelAdmin):
    """What the sync commands last loaded: organizers can check the data is current."""

    list_display = ["dataset", "rows", "imported_at", "source"]
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
