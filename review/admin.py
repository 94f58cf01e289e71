from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from review.models import DocumentReview, FieldRevision, ServiceMembership


@admin.register(ServiceMembership)
class ServiceMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "service", "role", "created_at")
    list_filter = ("role", "service")
    search_fields = ("user__username", "user__email", "service__name", "service__public_id")
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(DocumentReview)
class DocumentReviewAdmin(ReadOnlyAdmin):
    list_display = ("document", "revision_status", "reviewed_by", "reviewed_at")
    list_filter = ("revision_status", "document__service")
    search_fields = ("document__id", "document__alias", "document__original_filename")


@admin.register(FieldRevision)
class FieldRevisionAdmin(ReadOnlyAdmin):
    list_display = ("document", "field", "old_value", "new_value", "user", "created_at")
    list_filter = ("document__service",)
    search_fields = ("document__id", "field")


# The admin is named after the platform.
admin.site.site_header = "Document platform administration"
admin.site.site_title = "Document platform"
admin.site.index_title = "Services, keys, plans and reviews"
