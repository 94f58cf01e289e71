from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from webhooks import services, signing, targets
from webhooks.models import EventType, WebhookAttempt, WebhookEndpoint, WebhookEvent


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=2000, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("service", "url", "description", "events", "is_active")

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            services.webhook_url_check(url=url)
        except targets.TargetRefused as exc:
            raise forms.ValidationError(str(exc)) from None
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ("url", "service", "is_active", "last_success_at", "disabled_reason")
    list_filter = ("is_active", "service")
    search_fields = ("url", "description", "service__name", "service__public_id")
    readonly_fields = ("last_success_at", "disabled_reason", "created_at")
    actions = ["rotate_secret"]

    def save_model(
        self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool
    ) -> None:
        if change:
            if obj.is_active:
                obj.disabled_reason = ""
            super().save_model(request, obj, form, change)
            return
        obj.secret = signing.new_secret()
        super().save_model(request, obj, form, change)
        messages.warning(
            request,
            f"Signing secret for {obj.url}: {obj.secret}  (copy it now: it is shown only once)",
        )

    @admin.action(
        description="Rotate the signing secret of the selected endpoints", permissions=["change"]
    )
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            secret = services.endpoint_secret_rotate(endpoint=endpoint)
            messages.warning(
                request, f"New signing secret for {endpoint.url}: {secret}  (shown only once)"
            )


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("number", "attempted_at", "succeeded", "response_status", "duration_ms", "error")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "event_type",
        "url",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
        "delivered_at",
    )
    list_filter = ("status", "event_type", "service")
    search_fields = ("id", "url", "job__id")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in WebhookEvent._meta.fields]
    inlines = [WebhookAttemptInline]
    actions = ["redeliver"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: WebhookEvent | None = None) -> bool:
        return False

    def has_redeliver_permission(self, request: HttpRequest) -> bool:
        # Events are read-only in the admin, so the action has a permission of its own: the
        # model's change permission, which only the action uses.
        return request.user.has_perm("webhooks.change_webhookevent")

    @admin.action(description="Redeliver the selected events", permissions=["redeliver"])
    def redeliver(self, request: HttpRequest, queryset: QuerySet[WebhookEvent]) -> None:
        count = 0
        for event in queryset:
            services.event_redeliver(event=event)
            count += 1
        self.message_user(request, f"Queued {count} event(s) for delivery.", messages.SUCCESS)
