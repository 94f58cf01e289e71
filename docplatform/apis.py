"""The base of the per-service API (key checks, rate limit, plan headers); the quotas API."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from docplatform import quotas
from docplatform.authentication import ApiKeyAuthentication
from docplatform.errors import Forbidden, NotFound, rate_limit_headers
from docplatform.models import ApiKey, Service, UsagePlan
from docplatform.quotas import UsageCounts
from docplatform.selectors import plan_status_get
from jobs.serializers import ErrorResponseSerializer


class ServiceApi(APIView):
    """Base for endpoints under ``/service/<service_id>/``, authenticated by ``x-api-key``.

    A key only sees its own service: any other service id, existing or not, is a 404. A
    suspended key is refused (403 ``key_suspended``); each request counts against the key's
    rate (429 ``rate_limited``). Every response to a known key carries the plan's usage
    headers and, when the plan sets a rate, the ``RateLimit-*`` headers.
    """

    authentication_classes = [ApiKeyAuthentication]
    # Set by a view that debited the plan: the usage its debit returned, which the plan headers
    # report instead of reading the row again.
    plan_usage: UsageCounts | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        key: ApiKey = request.auth
        self.api_key: ApiKey | None = key
        if key.suspended_at is not None:
            raise Forbidden("This API key is suspended.", code="key_suspended")
        self.rate = quotas.rate_limit_consume(api_key=key)

    def service(self, request: Request, service_id: str) -> Service:
        service = request.auth.service
        if service.public_id != service_id:
            raise NotFound("No such service.", code="service_not_found")
        return service

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        key = getattr(self, "api_key", None)
        if key is None:
            return response
        # Every answer to a known key, with or without a plan (then the calendar month's
        # usage and no limit).
        usage = self.plan_usage
        if usage is None:
            usage = plan_status_get(service=key.service)
        headers = plan_headers(
            plan=key.service.plan, documents_used=usage.documents_used, pages_used=usage.pages_used
        )
        for name, value in headers.items():
            response[name] = value
        rate = getattr(self, "rate", None)
        if rate is not None and "RateLimit-Limit" not in response:
            headers = rate_limit_headers(
                limit=rate.limit, remaining=rate.remaining, reset_seconds=rate.reset_seconds
            )
            for name, value in headers.items():
                response[name] = value
        return response


def plan_headers(*, plan: UsagePlan | None, documents_used: int, pages_used: int) -> dict[str, str]:
    """myBiros' usage headers (processed pages) and their document counterparts.

    A limit header is left out when that limit is unlimited (always without a plan).
    """
    headers = {
        "x-plan-usage": str(pages_used),
        "x-plan-documents-usage": str(documents_used),
    }
    if plan is not None and plan.pages_limit is not None:
        headers["x-plan-usage-limit"] = str(plan.pages_limit)
    if plan is not None and plan.documents_limit is not None:
        headers["x-plan-documents-usage-limit"] = str(plan.documents_limit)
    return headers


# myBiros documents plan_usage_limit as an integer: "unlimited" is the largest 32-bit one, so
# `usage < limit` and `limit - usage` keep working in clients.
UNLIMITED = 2**31 - 1


class PlanQuotasOutputSerializer(serializers.Serializer):
    plan_usage = serializers.IntegerField(help_text="Pages processed in the current period.")
    plan_usage_limit = serializers.IntegerField(
        help_text=f"Pages per period; {UNLIMITED} (2^31 - 1) when unlimited."
    )
    plan_type = serializers.ChoiceField(
        choices=["TRIAL", "PAID_MONTHLY_QUOTA_RESET", "PAID_ANNUAL_QUOTA_RESET"],
        help_text="A service without a plan counts its usage per calendar month: "
        "PAID_MONTHLY_QUOTA_RESET.",
    )
    subscription_start_date = serializers.DateTimeField(allow_null=True)
    subscription_end_date = serializers.DateTimeField(allow_null=True)
    documents_usage = serializers.IntegerField()
    documents_usage_limit = serializers.IntegerField(allow_null=True)
    period_start = serializers.DateTimeField()
    period_reset_at = serializers.DateTimeField(
        allow_null=True, help_text="When the usage next goes back to 0; null for a trial."
    )


class PlanQuotasApi(ServiceApi):
    @extend_schema(
        operation_id="plan_quotas",
        summary="Read the plan's usage and limits",
        description=(
            "Pages processed in the current period against the plan's limit (myBiros' fields), "
            "documents submitted against theirs, and the period and subscription dates. A "
            "service without a plan is unlimited: it counts calendar months "
            f"(`PAID_MONTHLY_QUOTA_RESET`) and reports `plan_usage_limit` {UNLIMITED}; "
            "`documents_usage_limit` is null when unlimited."
        ),
        responses={
            200: PlanQuotasOutputSerializer,
            **{code: ErrorResponseSerializer for code in (401, 403, 404, 429)},
        },
    )
    def get(self, request: Request, service_id: str) -> Response:
        service = self.service(request, service_id)
        status = plan_status_get(service=service)
        plan = status.plan
        body = {
            "plan_usage": status.pages_used,
            "plan_usage_limit": UNLIMITED if status.pages_limit is None else status.pages_limit,
            "plan_type": plan.plan_type if plan else "PAID_MONTHLY_QUOTA_RESET",
            "subscription_start_date": plan.subscription_start if plan else None,
            "subscription_end_date": plan.subscription_end if plan else None,
            "documents_usage": status.documents_used,
            "documents_usage_limit": status.documents_limit,
            "period_start": status.period_start,
            "period_reset_at": status.period_end,
        }
        return Response(PlanQuotasOutputSerializer(body).data)
