"""Helpers shared by the review views: lookups scoped to the user, roles, URLs."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django_htmx.http import reswap, retarget

from jobs.models import Document
from review import selectors
from review.forms import QueueFilterForm


def queue_form(request: HttpRequest, data: QueryDict) -> QueueFilterForm:
    services_ = selectors.services_for_user(user=request.user).order_by("name")
    return QueueFilterForm(data, services=[(s.public_id, s.name) for s in services_])


def document_or_404(request: HttpRequest, document_id: uuid.UUID | str) -> Document:
    document = selectors.document_get_for_user(user=request.user, document_id=document_id)
    if document is None:
        raise Http404("No such document.")
    return document


def require_role(request: HttpRequest, document: Document, needed: str) -> str:
    """The user's role on the document's service; 403 when it does not allow ``needed``."""
    role = selectors.role_for(user=request.user, service=document.service)
    if not selectors.role_allows(role, needed):
        raise PermissionDenied("Your role in this service does not allow this.")
    assert role is not None
    return role


def document_url(document: Document, queue: str = "", anchor: str = "") -> str:
    url = reverse("review:document-detail", args=[document.pk])
    return url + (f"?{queue}" if queue else "") + (f"#{anchor}" if anchor else "")


def queue_query(request: HttpRequest) -> str:
    """The queue's filters from the current query string, to carry from page to page."""
    wanted = {k: v for k, v in request.GET.items() if k in QueueFilterForm.base_fields and v}
    return urlencode(wanted)


def refused_in_place(request: HttpRequest, text: str) -> HttpResponse:
    """What an edit saved in place answers when it is refused: ``text`` on the status line
    instead of the part that would have changed, which stays as it is (the reviewer's typing
    included). A redirect would make htmx put a whole page inside that part."""
    response = render(request, "review/_flash.html", {"flash": text, "error": True})
    return reswap(retarget(response, "#flash"), "outerHTML")
