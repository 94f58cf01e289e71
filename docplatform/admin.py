"""Administration of services, keys and plans. Every action is written to the admin log."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from docplatform import quotas, services
from docplatform.admin_forms import ServiceAdminForm, UsagePlanAdminForm, megabytes
from docplatform.models import ApiKey, PlanUsage, Service, ServiceUsage, UsagePlan
from docplatform.selectors import plan_status_for_plan, plan_status_get
from webhooks.services import service_webhook_secret_rotate


def usage_bar(used: int, limit: int | None) -> SafeString:
    """``used / limit`` with a bar; ∞ when unlimited."""
    if limit is None:
        return format_html("{} / ∞", used)
    return format_html(
        '<progress value="{}" max="{}" style="width:5em"></progress> {} / {}',
        min(used, limit),
        limit,
        used,
        limit,
    )


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    extra = 0
    can_delete = False
    show_change_link = True
    fields = (
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "suspended_at",
        "revoked_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    form = ServiceAdminForm

    class Media:
        css = {"all": ("css/admin.css",)}

    list_display = ("name", "public_id", "plan", "documents", "pages", "is_active", "created_at")
    list_filter = ("is_active", "plan", "kind")
    list_select_related = ("plan",)
    search_fields = ("name", "public_id", "plan__name")
    readonly_fields = ("public_id", "created_at")
    inlines = [ApiKeyInline]
    fieldsets = (
        (None, {"fields": ("name", "public_id", "kind", "plan", "is_active", "created_at")}),
        (
            "Fields",
            {
                "fields": ("field_schema",),
                "description": (
                    "Custom services: the fields to extract, one row each. The name is how the "
                    "API and exports call the field (lowercase, e.g. po_number); anchors are "
                    "the labels printed next to the value on the document (e.g. PO number, "
                    "Purchase order). Mistakes are shown here, field by field, when saving."
                ),
            },
        ),
        (
            "Review policy",
            {"fields": ("required_fields", "review_threshold", "auto_validate")},
        ),
        ("Retention", {"fields": ("result_ttl_seconds", "delete_after_fetch")}),
        ("Advanced", {"fields": ("settings",), "classes": ("collapse",)}),
    )
    actions = ["suspend", "resume", "rotate_webhook_secret"]

    @admin.display(description="Documents this period (plan)")
    def documents(self, obj: Service) -> SafeString:
        status = plan_status_get(service=obj)
        return usage_bar(status.documents_used, status.documents_limit)

    @admin.display(description="Pages this period (plan)")
    def pages(self, obj: Service) -> SafeString:
        status = plan_status_get(service=obj)
        return usage_bar(status.pages_used, status.pages_limit)

    @admin.action(
        description="Suspend selected services (refuse new documents)", permissions=["change"]
    )
    def suspend(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        self._set_active(request, queryset, active=False)

    @admin.action(description="Resume selected services", permissions=["change"])
    def resume(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        self._set_active(request, queryset, active=True)

    def _set_active(self, request: HttpRequest, queryset: QuerySet[Service], active: bool) -> None:
        word = "Resumed" if active else "Suspended"
        for service in queryset:
            services.service_set_active(service=service, active=active)
            self.log_change(request, service, f"{word} the service.")
        self.message_user(request, f"{word} {len(queryset)} service(s).", messages.SUCCESS)

    @admin.action(
        description="New webhook secret for per-request webhook_url deliveries",
        permissions=["change"],
    )
    def rotate_webhook_secret(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        for service in queryset:
            secret = service_webhook_secret_rotate(service=service)
            self.log_change(request, service, "Rotated the per-request webhook secret.")
            messages.warning(
                request,
                f"Webhook secret of {service.name} for per-request webhook_url deliveries: "
                f"{secret}  (copy it now: it is shown only once)",
            )


class PlanServiceInline(admin.TabularInline):
    model = Service
    fk_name = "plan"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("name", "public_id", "is_active")
    readonly_fields = fields
    verbose_name_plural = "services on this plan (assign a plan on the service's page)"

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(UsagePlan)
class UsagePlanAdmin(admin.ModelAdmin):
    form = UsagePlanAdminForm
    list_display = (
        "name",
        "plan_type",
        "documents",
        "pages",
        "service_count",
        "largest_file",
        "subscription_start",
        "subscription_end",
    )
    list_filter = ("plan_type",)
    search_fields = ("name", "services__name", "services__public_id")
    readonly_fields = ("current_period", "documents", "pages", "created_at")
    inlines = [PlanServiceInline]
    actions = ["reset_period"]
    fieldsets = [
        (None, {"fields": ["name", "plan_type", "subscription_start", "subscription_end"]}),
        (
            "Budget per period",
            {"fields": ["pages_limit", "documents_limit", "tolerance_percent"]},
        ),
        (
            "Limits",
            {
                "fields": [
                    "max_file_mb",
                    "max_pages_per_document",
                    "requests_per_minute",
                    "max_active_jobs",
                ]
            },
        ),
        ("Current usage", {"fields": ["current_period", "documents", "pages", "created_at"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[UsagePlan]:
        plans = super().get_queryset(request)
        return plans.annotate(service_total=Count("services", distinct=True))

    @admin.display(description="Largest file", ordering="max_file_bytes")
    def largest_file(self, obj: UsagePlan) -> str:
        return megabytes(obj.max_file_bytes)

    @admin.display(description="Services", ordering="service_total")
    def service_count(self, obj: UsagePlan) -> int:
        return obj.service_total  # type: ignore[attr-defined]

    @admin.display(description="Documents used")
    def documents(self, obj: UsagePlan) -> SafeString | str:
        if obj.pk is None:
            return "-"
        return usage_bar(plan_status_for_plan(plan=obj).documents_used, obj.documents_limit)

    @admin.display(description="Pages used")
    def pages(self, obj: UsagePlan) -> SafeString | str:
        if obj.pk is None:
            return "-"
        return usage_bar(plan_status_for_plan(plan=obj).pages_used, obj.pages_limit)

    @admin.display(description="Current period")
    def current_period(self, obj: UsagePlan) -> str:
        if obj.pk is None:
            return "-"
        start, end = obj.period_at(timezone.now())
        until = f"resets at {end:%Y-%m-%d %H:%M}" if end else "does not reset"
        return f"from {start:%Y-%m-%d %H:%M}, {until}"

    @admin.action(description="Reset the current period's usage to zero", permissions=["change"])
    def reset_period(self, request: HttpRequest, queryset: QuerySet[UsagePlan]) -> None:
        for plan in queryset:
            usage = quotas.plan_usage_reset(plan=plan)
            self.log_change(
                request, plan, f"Reset the period from {usage.period_start:%Y-%m-%d} to zero."
            )
        self.message_user(
            request, f"Reset the current period of {len(queryset)} plan(s).", messages.SUCCESS
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Usage rows are written only by the quota services."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(PlanUsage)
class PlanUsageAdmin(ReadOnlyAdmin):
    list_display = ("plan", "period_start", "documents_used", "pages_used", "reset_at")
    list_filter = ("plan",)
    search_fields = ("plan__name",)
    date_hierarchy = "period_start"


@admin.register(ServiceUsage)
class ServiceUsageAdmin(ReadOnlyAdmin):
    list_display = ("service", "plan", "period_start", "documents_used", "pages_used")
    list_filter = ("plan", "service")
    search_fields = ("service__name", "service__public_id")
    date_hierarchy = "period_start"


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "service", "prefix", "created_at", "last_used_at", "status")
    list_filter = ("service",)
    search_fields = ("name", "prefix", "service__name", "service__public_id")
    readonly_fields = ("prefix", "created_at", "last_used_at", "suspended_at", "revoked_at")
    actions = ["revoke", "suspend", "resume"]

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
            "suspended_at",
            "revoked_at",
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> tuple:
        return ("service", *self.readonly_fields) if obj else ()

    @admin.display(description="Status")
    def status(self, obj: ApiKey) -> str:
        if obj.revoked_at:
            return "revoked"
        if obj.suspended_at:
            return "suspended"
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

    @admin.action(description="Revoke selected keys", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        self._apply(request, queryset, services.api_key_revoke, "Revoked")

    @admin.action(description="Suspend selected keys", permissions=["change"])
    def suspend(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        self._apply(request, queryset, services.api_key_suspend, "Suspended")

    @admin.action(description="Resume selected keys", permissions=["change"])
    def resume(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        self._apply(request, queryset, services.api_key_resume, "Resumed")

    def _apply(
        self,
        request: HttpRequest,
        queryset: QuerySet[ApiKey],
        change: Callable[..., object],
        word: str,
    ) -> None:
        """Apply one key service to each selected key, logged in the admin's history."""
        for key in queryset:
            change(api_key=key)
            self.log_change(request, key, f"{word} the key.")
        self.message_user(request, f"{word} {len(queryset)} key(s).", messages.SUCCESS)
