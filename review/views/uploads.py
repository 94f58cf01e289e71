"""Upload from the browser: a manager drops files onto a service and watches them finish.

The same checks and the same submit service as the API (``job_submit``): the file limits of
the plan, the type sniffed from the content, the document quota and the cap on active jobs.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from docplatform.models import Service
from docplatform.quotas import QuotaExceeded, RateLimited
from docplatform.selectors import plan_status_get
from jobs import services as job_services
from jobs.apis import max_upload_bytes
from jobs.extraction.detect import SNIFF_BYTES, detect_content_type
from jobs.models import Document, Job
from review import selectors

Role = selectors.Role
# Files per upload; more can be dropped again once these are in.
MAX_FILES = 50


def _manager_service(request: HttpRequest, public_id: str) -> Service:
    service = selectors.services_with_role(user=request.user, needed=Role.MANAGER).filter(
        public_id=public_id
    )
    found = service.first()
    if found is None:
        raise PermissionDenied("Only a manager of this service uploads documents.")
    return found


def _size(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB" if limit >= 1024 * 1024 else f"{limit} bytes"


def _submit(service: Service, upload: object) -> str | None:
    """Submit one file like the API does; the reason it was refused, or None."""
    limit = max_upload_bytes(service)
    size = getattr(upload, "size", 0) or 0
    if not size:
        return "The file is empty."
    if size > limit:
        return f"The file is larger than the limit of {_size(limit)}."
    upload.seek(0)  # type: ignore[attr-defined]
    head = upload.read(SNIFF_BYTES)  # type: ignore[attr-defined]
    upload.seek(0)  # type: ignore[attr-defined]
    content_type = detect_content_type(head)
    if content_type is None:
        return "Unsupported file type: send a PDF, PNG, JPEG, TIFF or WebP file."
    try:
        job = job_services.job_submit(
            service=service,
            api_key=None,
            upload=upload,  # type: ignore[arg-type]
            content_type=content_type,
            sha256=job_services.upload_sha256(upload),  # type: ignore[arg-type]
        ).job
    except (QuotaExceeded, RateLimited) as refused:
        return refused.message
    return str(job.document.pk)


@login_required
@require_http_methods(["GET", "POST"])
def upload_page(request: HttpRequest) -> HttpResponse:
    services_ = list(
        selectors.services_with_role(user=request.user, needed=Role.MANAGER).order_by("name")
    )
    if not services_:
        raise PermissionDenied("Only a manager of a service uploads documents.")
    chosen = request.POST.get("service") or request.GET.get("service") or services_[0].public_id
    if request.method == "POST":
        service = _manager_service(request, chosen)
        if not service.is_active:
            messages.error(request, "This service is suspended: it takes no new documents.")
            return redirect(reverse("review:upload") + f"?service={service.public_id}")
        files = request.FILES.getlist("files")
        if not files:
            messages.error(request, "Choose or drop the files to upload.")
        if len(files) > MAX_FILES:
            messages.error(request, f"Upload at most {MAX_FILES} files at once.")
            files = []
        submitted = []
        for upload in files:
            outcome = _submit(service, upload)
            if outcome is None or not _is_uuid(outcome):
                messages.error(request, f"{upload.name}: {outcome}")
            else:
                submitted.append(outcome)
        if submitted:
            count = len(submitted)
            messages.success(request, f"Submitted {count} file{'s' if count != 1 else ''}.")
        url = reverse("review:upload") + f"?service={service.public_id}"
        if submitted:
            url += "&documents=" + ",".join(submitted)
        return redirect(url)
    service = next((s for s in services_ if s.public_id == chosen), services_[0])
    return render(
        request,
        "review/upload.html",
        {
            "services": services_,
            "service": service,
            "usage": plan_status_get(service=service),
            "limit": _size(max_upload_bytes(service)),
            **_status_context(request, service),
        },
    )


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _status_context(request: HttpRequest, service: Service) -> dict[str, object]:
    ids = [v for v in request.GET.get("documents", "").split(",")[:MAX_FILES] if _is_uuid(v)]
    documents = list(
        Document.objects.filter(service=service, pk__in=ids)
        .select_related("job", "review")
        .order_by("created_at")
    )
    return {
        "uploads": documents,
        "uploads_query": ",".join(str(d.pk) for d in documents),
        "uploads_pending": any(d.job.status not in Job.FINISHED for d in documents),
    }


@login_required
@require_GET
def upload_status(request: HttpRequest) -> HttpResponse:
    """The uploaded documents' progress (polled by the upload page until all are finished)."""
    service = _manager_service(request, request.GET.get("service", ""))
    context = {"service": service, **_status_context(request, service)}
    return render(request, "review/_uploads.html", context)
