"""The queue, a document under review, its page previews, corrections and decisions."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jobs.extraction.previews import PREVIEW_CONTENT_TYPE
from jobs.models import Document
from jobs.selectors import document_preview_path
from review import fields as review_fields
from review import selectors, services
from review.forms import DecisionForm, FieldCorrectionForm, QueueFilterForm
from review.models import DocumentReview

PAGE_SIZE = 25
# Filters behind the queue's "Filters" disclosure, which opens when one of them is set.
FOLDED_FILTERS = (
    "service",
    "revision_status",
    "job_status",
    "date_from",
    "date_to",
    "alias",
    "order",
)


def _queue_form(request: HttpRequest, data: QueryDict) -> QueueFilterForm:
    services_ = selectors.services_for_user(user=request.user).order_by("name")
    return QueueFilterForm(data, services=[(s.public_id, s.name) for s in services_])


def _document_or_404(request: HttpRequest, document_id: uuid.UUID) -> Document:
    document = selectors.document_get_for_user(user=request.user, document_id=document_id)
    if document is None:
        raise Http404("No such document.")
    return document


def _document_url(document: Document, queue: str = "", anchor: str = "") -> str:
    url = reverse("review:document-detail", args=[document.pk])
    return url + (f"?{queue}" if queue else "") + (f"#{anchor}" if anchor else "")


def _queue_query(request: HttpRequest) -> str:
    """The queue's filters from the current query string, to carry from page to page."""
    wanted = {k: v for k, v in request.GET.items() if k in QueueFilterForm.base_fields and v}
    return urlencode(wanted)


@login_required
@require_GET
def queue_list(request: HttpRequest) -> HttpResponse:
    form = _queue_form(request, request.GET)
    filters = form.filters()
    documents = selectors.queue_documents(user=request.user, filters=filters)
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    query = _queue_query(request)
    without_status = urlencode(
        {k: v for k, v in QueryDict(query).items() if k != "revision_status"}
    )
    counts = selectors.queue_counts(user=request.user, filters=filters)
    return render(
        request,
        "review/queue.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "without_status": without_status,
            "status_counts": [
                (value, text, counts[value]) for value, text in DocumentReview.Status.choices
            ],
            "total": sum(counts.values()),
            "current_status": filters.revision_status,
            "filtered": any(request.GET.get(name) for name in FOLDED_FILTERS),
        },
    )


@login_required
@require_GET
def document_detail(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    document = _document_or_404(request, document_id)
    fields = selectors.document_field_views(document=document)
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
    return render(
        request,
        "review/document.html",
        {
            "document": document,
            "review": selectors.document_review(document=document),
            "fields": fields,
            "pages": pages,
            "revisions": selectors.document_revisions(document=document),
            "queue": _queue_query(request),
        },
    )


@login_required
@require_GET
def page_preview(request: HttpRequest, document_id: uuid.UUID, number: int) -> FileResponse:
    document = _document_or_404(request, document_id)
    path = document_preview_path(document=document, number=number)
    if path is None:
        raise Http404("This page has no preview.")
    response = FileResponse(path.open("rb"), content_type=PREVIEW_CONTENT_TYPE)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def field_update(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    document = _document_or_404(request, document_id)
    form = FieldCorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The correction was not understood; nothing was saved.")
        return redirect(_document_url(document))
    name, queue = form.cleaned_data["field"], form.cleaned_data["queue"]
    try:
        revisions = services.fields_correct(
            document=document, values={name: form.cleaned_data["value"]}, user=request.user
        )
    except services.ReviewError as error:
        messages.error(request, error.message)
        return redirect(_document_url(document, queue))
    shown = review_fields.label(name)
    if revisions:
        messages.success(request, f"Saved {shown}: {revisions[0].new_value or '(empty)'}.")
    else:
        messages.info(request, f"{shown} is unchanged.")
    return redirect(_document_url(document, queue, anchor=f"field-{name}"))


def _decide(request: HttpRequest, document_id: uuid.UUID, status: str) -> HttpResponse:
    document = _document_or_404(request, document_id)
    form = DecisionForm(request.POST)
    form.is_valid()
    queue = form.cleaned_data.get("queue", "")
    try:
        services.document_decide(document=document, status=status, user=request.user)
    except services.ReviewError as error:
        messages.error(request, error.message)
        return redirect(_document_url(document, queue))
    name = document.alias or document.original_filename or str(document.pk)
    verdict = "Approved" if status == DocumentReview.Status.APPROVED else "Rejected"
    messages.success(request, f"{verdict} {name}.")
    if not form.cleaned_data.get("open_next"):
        return redirect(_document_url(document, queue))
    filters = _queue_form(request, QueryDict(queue)).filters()
    following = selectors.queue_next_for_review(user=request.user, filters=filters, after=document)
    if following is None:
        messages.info(request, "No more documents are waiting for review in this queue.")
        return redirect(reverse("review:queue") + (f"?{queue}" if queue else ""))
    return redirect(_document_url(following, queue))


@login_required
@require_POST
def document_approve(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    return _decide(request, document_id, DocumentReview.Status.APPROVED)


@login_required
@require_POST
def document_reject(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    return _decide(request, document_id, DocumentReview.Status.NOT_APPROVED)
