from django.contrib import admin

from .models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Read-only history: imports are made only through the importer (one use case)."""

    list_display = ("id", "source", "partner", "as_of", "row_count", "imported_at", "imported_by")
    list_filter = ("source", "partner")
    search_fields = ("partner", "sha256", "file_name")
    date_hierarchy = "imported_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
