"""The queue: search, filters, counts, and decisions for several documents at once."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from review import fields as review_fields
from review import selectors, services
from review.forms import BulkDecisionForm
from review.models import DocumentReview
from review.views.common import queue_form, queue_query

PAGE_SIZE = 25
# At most this many documents in one decision (a page of the queue, with room to spare).
BULK_MAX = 100
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


@login_required
@require_GET
def queue_list(request: HttpRequest) -> HttpResponse:
    form = queue_form(request, request.GET)
    filters = form.filters()
    documents = selectors.queue_documents(user=request.user, filters=filters)
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    query = queue_query(request)
    without_status = urlencode(
        {k: v for k, v in QueryDict(query).items() if k != "revision_status"}
    )
    counts = selectors.queue_counts(user=request.user, filters=filters)
    roles = selectors.roles_for_user(user=request.user)
    rows = []
    for document in page.object_list:
        review = selectors.document_review(document=document)
        waiting = review is not None and review.revision_status in DocumentReview.WAITING
        reasons = selectors.document_reasons(document=document) if waiting else []
        rows.append(
            {
                "document": document,
                "review": review,
                "key": selectors.document_key_fields(document=document),
                "reasons": reasons,
                "reasons_summary": review_fields.reasons_summary(reasons),
                "can_decide": review is not None
                and selectors.role_allows(roles.get(document.service_id), selectors.Role.REVIEWER),
            }
        )
    tabs = [(selectors.WAITING, "Waiting", counts[selectors.WAITING])]
    tabs += [(value, text, counts[value]) for value, text in DocumentReview.Status.choices]
    return render(
        request,
        "review/queue.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query,
            "without_status": without_status,
            "status_counts": tabs,
            "total": counts["all"],
            "unreviewable": counts["none"],
            "current_status": filters.revision_status,
            "filtered": any(request.GET.get(name) for name in FOLDED_FILTERS),
            "can_decide": any(row["can_decide"] for row in rows),
        },
    )


@login_required
@require_POST
def bulk_decide(request: HttpRequest) -> HttpResponse:
    """Approve or reject the selected documents: first a confirmation page listing them (with
    the reason a rejection needs), then one decision and one history entry per document."""
    form = BulkDecisionForm(request.POST)
    queue = request.POST.get("queue", "")[:2000]
    back = reverse("review:queue") + (f"?{queue}" if queue else "")
    ids = []
    for value in request.POST.getlist("documents")[: BULK_MAX + 1]:
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue
    if not ids:
        messages.error(request, "Select the documents to decide first.")
        return redirect(back)
    if len(ids) > BULK_MAX:
        messages.error(request, f"Decide at most {BULK_MAX} documents at once.")
        return redirect(back)
    allowed = selectors.services_with_role(user=request.user, needed=selectors.Role.REVIEWER)
    documents = list(
        selectors.documents_for_user(user=request.user)
        .filter(pk__in=ids, service__in=allowed, review__isnull=False)
        .order_by("-created_at")
    )
    if len(documents) != len(set(ids)):
        messages.error(
            request,
            "Some selected documents cannot be decided by you or cannot be reviewed yet; "
            "nothing was changed.",
        )
        return redirect(back)
    valid = form.is_valid()
    if "action" in form.errors:
        messages.error(request, "Choose to approve or to reject.")
        return redirect(back)
    if not valid or not form.cleaned_data.get("confirm"):
        return render(
            request,
            "review/bulk_confirm.html",
            {
                "form": form,
                "documents": documents,
                "action": form.cleaned_data["action"],
                "queue": queue,
            },
            status=422 if form.errors else 200,
        )
    action = form.cleaned_data["action"]
    status = (
        DocumentReview.Status.APPROVED
        if action == "approve"
        else DocumentReview.Status.NOT_APPROVED
    )
    services.documents_decide(
        documents=documents, status=status, user=request.user, reason=form.cleaned_data["reason"]
    )
    verdict = "Approved" if action == "approve" else "Rejected"
    count = len(documents)
    messages.success(request, f"{verdict} {count} document{'s' if count != 1 else ''}.")
    return redirect(back)
