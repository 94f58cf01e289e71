from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from jobs.models import Document, Job


class DocumentInline(admin.StackedInline):
    model = Document
    can_delete = False
    extra = 0
    fields = (
        "id",
        "alias",
        "original_filename",
        "content_type",
        "size",
        "sha256",
        "page_count",
        "file",
    )
    readonly_fields = fields


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "service",
        "status",
        "attempts",
        "error_code",
        "created_at",
        "completed_at",
    )
    list_filter = ("status", "service", "error_code")
    search_fields = ("id", "document__alias", "document__original_filename", "document__sha256")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Job._meta.fields]
    inlines = [DocumentInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Job | None = None) -> bool:
        return False
