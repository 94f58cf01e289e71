from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from docplatform import services
from docplatform.models import ApiKey, Service
from webhooks.services import service_webhook_secret_rotate


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "public_id", "kind", "is_active", "created_at")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "public_id")
    readonly_fields = ("public_id", "created_at")
    inlines = [ApiKeyInline]
    actions = ["rotate_webhook_secret"]

    @admin.action(description="New webhook secret for per-request webhook_url deliveries")
    def rotate_webhook_secret(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        for service in queryset:
            secret = service_webhook_secret_rotate(service=service)
            messages.warning(
                request,
                f"Webhook secret of {service.name} for per-request webhook_url deliveries: "
                f"{secret}  (copy it now: it is shown only once)",
            )


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "service", "prefix", "created_at", "last_used_at", "status")
    list_filter = ("service",)
    search_fields = ("name", "prefix", "service__name", "service__public_id")
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        if obj is None:
            return ["service", "name", "expires_at"]
        return [
            "service",
            "name",
            "prefix",
            "created_at",
            "last_used_at",
            "expires_at",
            "revoked_at",
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> tuple:
        return ("service", *self.readonly_fields) if obj else ()

    @admin.display(description="Status")
    def status(self, obj: ApiKey) -> str:
        if obj.revoked_at:
            return "revoked"
        return "active" if obj.is_usable() else "expired"

    def save_model(self, request: HttpRequest, obj: ApiKey, form: object, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        key, raw = services.api_key_create(
            service=obj.service, name=obj.name, expires_at=obj.expires_at
        )
        obj.pk, obj.prefix, obj.hashed_key = key.pk, key.prefix, key.hashed_key
        obj.created_at = key.created_at
        messages.warning(
            request,
            f"API key for {obj.service.name}: {raw}  (copy it now: it is shown only once)",
        )

    @admin.action(description="Revoke selected keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset:
            services.api_key_revoke(api_key=key)
        self.message_user(request, f"Revoked {queryset.count()} key(s).", messages.SUCCESS)
