"""Small platform-wide views: health, home, and JSON 404/500 for API paths."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from docplatform.errors import error_body
from jobs.recovery import queue_health


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The database, the worker's heartbeat and whether jobs move; 503 when something is down.

    Monitors poll it; the figures are all it says (no host names, no versions).
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        queue = queue_health()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    body = {
        "status": "ok" if queue.healthy else "unavailable",
        "database": "ok",
        "worker": "ok" if queue.worker_alive else "down",
        "worker_last_beat_seconds": queue.last_beat_seconds,
        "queue": "stalled" if queue.stalled else "ok",
        "oldest_queued_job_seconds": queue.oldest_queued_seconds,
    }
    return JsonResponse(body, status=200 if queue.healthy else 503)


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("review:queue")
    return render(request, "home.html")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", "Not found."), status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body("internal_error", "The server hit an unexpected error."), status=500
        )
    return render(request, "500.html", status=500)
