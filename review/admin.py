from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from review.models import (
    DocumentReview,
    FieldRevision,
    LearnedField,
    LearnedSupplier,
    ServiceMembership,
)


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


@admin.register(LearnedSupplier)
class LearnedSupplierAdmin(ReadOnlyAdmin):
    """Suppliers a service's reviewers taught about; deleting one resets what was learned."""

    list_display = ("name", "service", "knowledge", "created_at", "last_seen_at")
    list_filter = ("service",)
    search_fields = ("name", "service__name", "service__public_id")
    exclude = ("identifiers",)
    actions = ["reset"]

    @admin.display(description="fields learned")
    def knowledge(self, obj: LearnedSupplier) -> str:
        return ", ".join(sorted(obj.fields.values_list("field", flat=True)))

    @admin.action(description="Reset: forget what was learned about the selected suppliers")
    def reset(self, request: HttpRequest, queryset: QuerySet[LearnedSupplier]) -> None:
        count = queryset.count()
        queryset.delete()
        self.message_user(request, f"Forgot what was learned about {count} supplier(s).")


@admin.register(LearnedField)
class LearnedFieldAdmin(ReadOnlyAdmin):
    """Per service: which supplier, which field, how it was learned, how often reviewers
    confirmed or overruled it, when it was last used. Deleting resets it."""

    list_display = (
        "supplier",
        "field",
        "service",
        "how",
        "confirmed",
        "overruled",
        "used",
        "last_used_at",
        "updated_at",
    )
    list_filter = ("service", "how", "field")
    search_fields = ("supplier__name", "field", "service__name")
    exclude = ("documents",)
    actions = ["reset"]

    @admin.action(description="Reset: forget the selected learned fields")
    def reset(self, request: HttpRequest, queryset: QuerySet[LearnedField]) -> None:
        count = queryset.count()
        queryset.delete()
        self.message_user(request, f"Forgot {count} learned field(s).")


# The admin is named after the platform.
admin.site.site_header = "Document platform administration"
admin.site.site_title = "Document platform"
admin.site.index_title = "Services, keys, plans and reviews"
