from django.contrib import admin

from tocsin.core.admin_mixins import ReadOnlyAdminMixin

from .models import DatasetImport


@admin.register(DatasetImport)
class DatasetImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What the sync commands last loaded: organizers can check the data is current."""

    list_display = ["dataset", "rows", "imported_at", "source"]
    readonly_fields = list_display
