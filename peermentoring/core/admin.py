from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from peermentoring.core.models import AuditEntry, Notification, OutboundEmail, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "is_active", "is_superuser")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("School", {"fields": ("must_change_password",)}),
    )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The trail is evidence: it can be read here but never edited or deleted."""

    list_display = ("created_at", "school", "actor", "action", "target_label")
    list_filter = ("school", "action")
    search_fields = ("target_label", "action")
    list_select_related = ("school", "actor")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "school", "recipient", "title", "read_at")
    list_filter = ("school",)
    list_select_related = ("school", "recipient")


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "school", "to_address", "subject", "status", "attempts")
    list_filter = ("school", "status")
    list_select_related = ("school",)
    readonly_fields = ("attempts", "last_error", "sent_at")
