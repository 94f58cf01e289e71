"""A document under review: the page, its previews and original file, and the decisions."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jobs.extraction.previews import PREVIEW_CONTENT_TYPE
from jobs.models import Document
from jobs.selectors import document_preview_file
from review import fields as review_fields
from review import selectors, services
from review.forms import DecisionForm
from review.models import DocumentReview
from review.views.common import (
    document_or_404,
    document_url,
    queue_form,
    queue_query,
    refused_in_place,
    require_role,
)

Role = selectors.Role


def document_context(
    request: HttpRequest,
    document: Document,
    *,
    queue: str,
    correction: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Everything the document page and its fragments show. ``correction`` is a refused
    correction ``{field, value, message}``, shown at its field with the value as typed."""
    fields = selectors.document_field_views(document=document)
    review = selectors.document_review(document=document)
    corrected = review.corrected_fields if review else {}
    result_fields = (document.result or {}).get("fields") or {}
    tables = review_fields.table_views(result_fields, corrected)
    pages = []
    for page in (document.result or {}).get("pages", []):
        number = page["number"]
        pages.append(
            {
                "number": number,
                "has_preview": bool(page.get("preview")),
                "ratio": round(100 * page["height"] / page["width"], 3) if page["width"] else 141,
                # Largest first, so a small box drawn inside a larger one stays clickable.
                "fields": sorted(
                    (f for f in fields if f.page == number and f.box),
                    key=lambda f: (f.box[2] - f.box[0]) * (f.box[3] - f.box[1]),
                    reverse=True,
                ),
            }
        )
    role = selectors.role_for(user=request.user, service=document.service)
    completed = document.job.status == "completed" and not document.job.is_expired
    return {
        "document": document,
        "review": review,
        "fields": fields,
        "scalars": [f for f in fields if "[" not in f.name],
        "tables": tables,
        "pages": pages,
        "history": selectors.document_history(document=document),
        "reasons": review_fields.reasons_grouped(selectors.document_reasons(document=document)),
        "queue": queue,
        "correction": correction or {},
        "role": role,
        "can_edit": completed
        and not document.job.is_expired
        and selectors.role_allows(role, Role.REVIEWER),
        "can_manage": selectors.role_allows(role, Role.MANAGER),
    }


@login_required
@require_GET
def document_detail(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    document = document_or_404(request, document_id)
    context = document_context(request, document, queue=queue_query(request))
    return render(request, "review/document.html", context)


@login_required
@require_GET
def page_preview(request: HttpRequest, document_id: uuid.UUID, number: int) -> FileResponse:
    document = document_or_404(request, document_id)
    preview = document_preview_file(document=document, number=number)
    if preview is None:
        raise Http404("This page has no preview.")
    response = FileResponse(preview, content_type=PREVIEW_CONTENT_TYPE)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def document_original(request: HttpRequest, document_id: uuid.UUID) -> FileResponse:
    """The file as it was uploaded: shown in the browser, or saved with ``?download=1``."""
    document = document_or_404(request, document_id)
    if not document.file or document.job.is_expired:
        raise Http404("The original file is no longer kept.")
    try:
        handle = document.file.storage.open(document.file.name, "rb")
    except FileNotFoundError:
        raise Http404("The original file is no longer kept.") from None
    response = FileResponse(
        handle,
        content_type=document.content_type or "application/octet-stream",
        as_attachment=request.GET.get("download") == "1",
        filename=document.original_filename or f"{document.pk}",
    )
    # An uploaded file is untrusted: never let the browser run it as a page of this site.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self' data:"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _decide(request: HttpRequest, document_id: uuid.UUID, status: str) -> HttpResponse:
    """A decision. Sent by htmx (Approve, staying on the document) it is answered in place:
    the header with the new status, the reasons and the history; "... and open next" and
    plain forms are answered with the next page."""
    document = document_or_404(request, document_id)
    require_role(request, document, Role.REVIEWER)
    form = DecisionForm(request.POST)
    form.is_valid()
    queue = form.cleaned_data.get("queue", "")
    reason = form.cleaned_data.get("reason", "")
    in_place = bool(request.htmx) and not form.cleaned_data.get("open_next")
    refusal = ""
    if status == DocumentReview.Status.NOT_APPROVED and not reason:
        refusal = "Say why the document is rejected; it was not rejected."
    else:
        try:
            services.document_decide(
                document=document, status=status, user=request.user, reason=reason
            )
        except services.ReviewError as error:
            refusal = error.message
    if refusal:
        if in_place:
            return refused_in_place(request, refusal)
        messages.error(request, refusal)
        return redirect(document_url(document, queue))
    name = document.alias or document.original_filename or str(document.pk)
    verdict = "Approved" if status == DocumentReview.Status.APPROVED else "Rejected"
    if in_place:
        document.refresh_from_db()
        document.review = selectors.document_review(document=document)  # type: ignore[assignment]
        context = document_context(request, document, queue=queue)
        context["flash"] = f"{verdict} {name}."
        return render(request, "review/_decision_response.html", context)
    messages.success(request, f"{verdict} {name}.")
    if not form.cleaned_data.get("open_next"):
        return redirect(document_url(document, queue))
    filters = queue_form(request, QueryDict(queue)).filters()
    following = selectors.queue_next_for_review(user=request.user, filters=filters, after=document)
    if following is None:
        messages.info(request, "No more documents are waiting for review in this queue.")
        return redirect(reverse("review:queue") + (f"?{queue}" if queue else ""))
    return redirect(document_url(following, queue))


@login_required
@require_POST
def document_approve(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    return _decide(request, document_id, DocumentReview.Status.APPROVED)


@login_required
@require_POST
def document_reject(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    return _decide(request, document_id, DocumentReview.Status.NOT_APPROVED)
