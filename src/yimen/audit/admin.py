"""The audit log in the admin: searchable and filterable, never editable.

Events are written only by services through `record_event`; the admin can neither add,
change nor delete one (the model and, on PostgreSQL, a trigger would refuse anyway)."""

from __future__ import annotations

from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only view of audit events, newest first."""

    list_display = (
        "seq",
        "occurred_at",
        "event_type",
        "subject_type",
        "subject_id",
        "actor_name",
        "role",
        "division_code",
        "signer_name",
    )
    list_filter = ("event_type", "role")
    search_fields = ("subject_id", "actor_name")
    ordering = ("-seq",)
    date_hierarchy = "occurred_at"
    list_per_page = 100
    # Counting millions of rows for the paginator is slow and tells the reader nothing.
    show_full_result_count = False
    fields = readonly_fields = (
        "seq",
        "occurred_at",
        "event_type",
        "subject_type",
        "subject_id",
        "actor",
        "actor_name",
        "role",
        "division_code",
        "old",
        "new",
        "reason",
        "signer",
        "signer_name",
        "prev_hash",
        "hash",
    )

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
