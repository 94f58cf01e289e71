"""Review fixtures: users, memberships, and documents completed with known fields."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.test import Client

from docplatform.models import Service
from jobs.models import Document, Job
from jobs.services import job_complete
from review.models import ServiceMembership

PASSWORD = "a-long-test-password-7"


def field(
    value: str | None,
    confidence: float = 0.95,
    *,
    band: str | None = None,
    page: int | None = 1,
    box: list[float] | None = None,
    errors: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """A field in the field engine's shape."""
    if band is None:
        band = "high" if confidence >= 0.9 else "medium" if confidence >= 0.6 else "low"
    return {
        "value": value,
        "raw": value,
        "confidence": confidence,
        "band": band,
        "page": page,
        "box": box if box is not None else [0.1, 0.1, 0.3, 0.14],
        "validation_errors": errors or [],
    }


def invoice_fields() -> dict[str, Any]:
    return {
        "invoice_number": field("INV-1", 0.97, box=[0.6, 0.05, 0.8, 0.08]),
        "total": field("99.50", 0.55, box=[0.6, 0.7, 0.75, 0.73]),
        "currency": field("EUR", 0.9),
        "line_items": [
            {"description": field("Widget", 0.9), "amount": field("99.50", 0.9)},
        ],
    }


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: object) -> None:
    # The default hasher is slow on purpose; tests sign users in many times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture
def complete_document(db: None) -> Callable[..., Document]:
    """A document whose job completes through ``job_complete`` with the given fields."""

    def _complete(
        service: Service,
        *,
        fields: dict[str, Any] | None = None,
        needs_review: bool | None = None,
        alias: str = "",
        filename: str = "invoice.pdf",
    ) -> Document:
        token = uuid.uuid4()
        job = Job.objects.create(service=service, status=Job.Status.PROCESSING, run_token=token)
        document = Document(
            job=job,
            service=service,
            alias=alias,
            original_filename=filename,
            content_type="application/pdf",
            size=4,
            sha256="0" * 64,
        )
        document.file.save("original.pdf", ContentFile(b"%PDF"), save=False)
        document.save()
        result: dict[str, Any] = {
            "kind": service.kind,
            "text": "",
            "pages": [
                {
                    "number": 1,
                    "width": 595,
                    "height": 842,
                    "unit": "pt",
                    "source": "text-layer",
                    "confidence": None,
                    "text": "",
                    "words": [],
                    "preview": None,
                }
            ],
            "fields": invoice_fields() if fields is None else fields,
            "validation_errors": [],
        }
        if needs_review is not None:
            result["needs_review"] = needs_review
        assert job_complete(job_id=job.pk, run_token=token, result=result, page_count=1)
        return Document.objects.select_related("job", "service").get(pk=document.pk)

    return _complete


@pytest.fixture
def reviewer(db: None, service: Service) -> User:
    user = User.objects.create_user("rita", password=PASSWORD)
    ServiceMembership.objects.create(user=user, service=service)
    return user


@pytest.fixture
def reviewer_client(reviewer: User) -> Client:
    client = Client()
    client.force_login(reviewer)
    return client


@pytest.fixture
def manager_client(reviewer: User) -> Client:
    """The reviewer, made a manager of the service."""
    ServiceMembership.objects.filter(user=reviewer).update(role=ServiceMembership.Role.MANAGER)
    client = Client()
    client.force_login(reviewer)
    return client
