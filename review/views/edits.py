"""Edits of a document under review, saved in place with htmx (plain forms without it):
field corrections, rows of a list added or deleted, notes, and values read from a drawn box."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jobs.models import Document
from review import fields as review_fields
from review import selectors, services
from review.forms import FieldCorrectionForm, NoteForm, ReadBoxForm, RowForm
from review.views.common import document_or_404, document_url, refused_in_place, require_role
from review.views.documents import document_context

Role = selectors.Role


def _fragment(
    request: HttpRequest,
    document: Document,
    *,
    queue: str,
    target: str,
    flash: str = "",
    correction: dict[str, str] | None = None,
    focus: str = "",
    edit: bool = False,
) -> HttpResponse:
    """What an htmx edit answers: the part that changed (``target``: a field's name, or
    ``table:<list>``) and, out of band, the history and a status line."""
    document.refresh_from_db()
    document.review = selectors.document_review(document=document)  # type: ignore[assignment]
    context = document_context(request, document, queue=queue, correction=correction)
    context.update({"target": target, "flash": flash, "focus": focus, "edit": edit})
    if target.startswith("table:"):
        name = target.removeprefix("table:")
        context["table"] = next((t for t in context["tables"] if t.name == name), None)
    else:
        context["field"] = next((f for f in context["fields"] if f.name == target), None)
        if context["field"] is None:
            # A cell of a row that has no value yet.
            for table in context["tables"]:
                for row in table.rows:
                    for cell in row.cells:
                        if cell.name == target:
                            context["field"] = cell
    return render(request, "review/_edit_response.html", context)


def _saved(
    request: HttpRequest,
    document: Document,
    *,
    queue: str,
    target: str,
    text: str,
    anchor: str,
    changed: bool = True,
    focus: str = "",
    edit: bool = False,
) -> HttpResponse:
    """A saved edit: the changed part in place, else back to the document at ``anchor``."""
    if request.htmx:
        return _fragment(
            request, document, queue=queue, target=target, flash=text, focus=focus, edit=edit
        )
    (messages.success if changed else messages.info)(request, text)
    return redirect(document_url(document, queue, anchor=anchor))


def _refuse(
    request: HttpRequest, text: str, document: Document, *, queue: str = ""
) -> HttpResponse:
    """A refused edit: on the status line when saved in place, else back to the document."""
    if request.htmx:
        return refused_in_place(request, text)
    messages.error(request, text)
    return redirect(document_url(document, queue))


@login_required
@require_POST
def field_update(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    document = document_or_404(request, document_id)
    require_role(request, document, Role.REVIEWER)
    form = FieldCorrectionForm(request.POST)
    if not form.is_valid():
        text = "The correction was not understood; nothing was saved."
        return _refuse(request, text, document)
    name, queue = form.cleaned_data["field"], form.cleaned_data["queue"]
    value = form.cleaned_data["value"]
    try:
        revisions = services.fields_correct(
            document=document, values={name: value}, user=request.user
        )
    except services.ReviewError as error:
        if error.code == "unknown_field" or not error.param:
            return _refuse(request, error.message, document, queue=queue)
        # A value of the wrong type: shown at its field, with what was typed kept.
        correction = {"field": error.param, "value": value, "message": error.message}
        if request.htmx:
            return _fragment(
                request, document, queue=queue, target=name, correction=correction, focus=name
            )
        context = document_context(request, document, queue=queue, correction=correction)
        return render(request, "review/document.html", context, status=422)
    shown = review_fields.label(name)
    if revisions:
        text = f"Saved {shown}: {revisions[0].new_value or '(empty)'}."
    else:
        text = f"{shown} is unchanged."
    return _saved(
        request,
        document,
        queue=queue,
        target=name,
        text=text,
        anchor=f"field-{name}",
        changed=bool(revisions),
        focus=name,
    )


@login_required
@require_POST
def row_add(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    document = document_or_404(request, document_id)
    require_role(request, document, Role.REVIEWER)
    form = RowForm(request.POST)
    if not form.is_valid():
        text = "The row was not understood; nothing was changed."
        return _refuse(request, text, document)
    name, queue = form.cleaned_data["list_name"], form.cleaned_data["queue"]
    try:
        index = services.list_row_add(document=document, list_name=name, user=request.user)
    except services.ReviewError as error:
        return _refuse(request, error.message, document, queue=queue)
    text = f"Added row {index + 1} to {review_fields.label(name).lower()}."
    first = next(iter(review_fields.LIST_COLUMNS.get(name, ())), "")
    focus = f"{name}[{index}].{first}" if first else ""
    return _saved(
        request,
        document,
        queue=queue,
        target=f"table:{name}",
        text=text,
        anchor=f"table-{name}",
        focus=focus,
        edit=True,
    )


@login_required
@require_POST
def row_delete(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    document = document_or_404(request, document_id)
    require_role(request, document, Role.REVIEWER)
    form = RowForm(request.POST)
    if not form.is_valid() or form.cleaned_data.get("index") is None:
        text = "The row was not understood; nothing was changed."
        return _refuse(request, text, document)
    name, queue = form.cleaned_data["list_name"], form.cleaned_data["queue"]
    index = form.cleaned_data["index"]
    try:
        services.list_row_delete(document=document, list_name=name, index=index, user=request.user)
    except services.ReviewError as error:
        return _refuse(request, error.message, document, queue=queue)
    text = f"Deleted row {index + 1} of {review_fields.label(name).lower()}."
    return _saved(
        request, document, queue=queue, target=f"table:{name}", text=text, anchor=f"table-{name}"
    )


@login_required
@require_POST
def note_add(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    document = document_or_404(request, document_id)
    require_role(request, document, Role.REVIEWER)
    form = NoteForm(request.POST)
    queue = request.POST.get("queue", "")[:2000]
    if form.is_valid():
        try:
            services.document_note_add(
                document=document, text=form.cleaned_data["text"], user=request.user
            )
        except services.ReviewError as error:
            refusal = error.message
        else:
            refusal = ""
    else:
        refusal = "Write the note first (up to 5,000 characters)."
    if request.htmx:
        # The note form comes back empty (or with the refused text and why, at the field),
        # and the history with the note, out of band.
        context = document_context(request, document, queue=queue)
        context.update(
            {
                "note_error": refusal,
                "note_text": request.POST.get("text", "")[:5000] if refusal else "",
                "flash": "" if refusal else "Note added.",
            }
        )
        return render(request, "review/_note_response.html", context)
    if refusal:
        messages.error(request, refusal)
    else:
        messages.success(request, "Note added.")
    return redirect(document_url(document, queue, anchor="history-title"))


@login_required
@require_POST
def read_box(request: HttpRequest, document_id: uuid.UUID) -> JsonResponse:
    """The text of the words under a box a reviewer drew on a page (JSON ``{"text"}``)."""
    document = document_or_404(request, document_id)
    require_role(request, document, Role.REVIEWER)
    form = ReadBoxForm(request.POST)
    if not form.is_valid():
        return JsonResponse(
            {"error": {"code": "invalid_box", "message": "Draw the box on a page."}}, status=422
        )
    data = form.cleaned_data
    pages = (document.result or {}).get("pages") or []
    if not 1 <= data["page"] <= len(pages):
        return JsonResponse(
            {"error": {"code": "unknown_page", "message": "This document has no such page."}},
            status=422,
        )
    box = (
        min(data["x0"], data["x1"]),
        min(data["y0"], data["y1"]),
        max(data["x0"], data["x1"]),
        max(data["y0"], data["y1"]),
    )
    words = pages[data["page"] - 1].get("words") or []
    return JsonResponse({"text": review_fields.words_in_box(words, box)})
