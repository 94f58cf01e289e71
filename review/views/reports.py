"""The dashboard and the exports of approved documents."""

from __future__ import annotations

import csv
import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from docplatform.selectors import plan_status_get
from review import charts, selectors

DAYS = 30
FIXED_COLUMNS = ("resource", "alias", "filename", "created_at", "reviewed_by", "reviewed_at")


# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text: extracted text is untrusted input."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@login_required
@require_GET
def dashboard_show(request: HttpRequest) -> HttpResponse:
    stats = selectors.dashboard_stats(user=request.user, days=DAYS)
    roles = selectors.roles_for_user(user=request.user)
    rows = []
    for s in stats:
        chart = charts.daily_chart(s.per_day)
        manager = selectors.role_allows(roles.get(s.service.pk), selectors.Role.MANAGER)
        rows.append(
            {
                "stats": s,
                "bars": chart.bars,
                "chart": chart,
                "manager": manager,
                # The plan's usage is a manager's business.
                "usage": plan_status_get(service=s.service) if manager else None,
            }
        )
    return render(request, "review/dashboard.html", {"rows": rows, "days": DAYS})


@login_required
@require_GET
def export_download(request: HttpRequest, service_id: str, fmt: str) -> HttpResponse:
    service = selectors.service_get_for_user(user=request.user, public_id=service_id)
    if service is None or fmt not in ("csv", "json"):
        raise Http404("No such export.")
    if not selectors.role_allows(
        selectors.role_for(user=request.user, service=service), selectors.Role.MANAGER
    ):
        raise PermissionDenied("Only a manager of this service exports its documents.")
    columns, rows = selectors.export_rows(service=service)
    stamp = timezone.localdate().isoformat()
    filename = f"{service.public_id}-approved-{stamp}.{fmt}"
    if fmt == "json":
        response: HttpResponse = JsonResponse(rows, safe=False, json_dumps_params={"indent": 2})
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response)
        writer.writerow([*FIXED_COLUMNS, *columns])
        for row in rows:
            cells = [row[name] for name in FIXED_COLUMNS]
            for name in columns:
                value = row["fields"].get(name)
                # A list field (line items) stays one column, as JSON.
                cells.append(json.dumps(value) if isinstance(value, list) else value)
            writer.writerow([_cell(cell) for cell in cells])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
