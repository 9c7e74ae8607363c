"""The text-message log for the system administrator: each message with its tries."""

from django.contrib import admin

from .models import SmsAttempt, SmsMessage


class AttemptInline(admin.TabularInline):
    model = SmsAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("at", "phone", "body", "ok", "answer")


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "phone", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("phone",)
    inlines = [AttemptInline]
    readonly_fields = [f.name for f in SmsMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
