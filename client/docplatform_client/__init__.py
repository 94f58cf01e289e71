"""Typed client of the document platform's API."""

from docplatform_client.api import ApiError, DocPlatform, WaitTimeout
from docplatform_client.models import (
    Entity,
    Job,
    OcrWord,
    Page,
    PredictedDocument,
    Quotas,
    Submission,
)
from docplatform_client.webhooks import verify_webhook

__all__ = [
    "ApiError",
    "DocPlatform",
    "Entity",
    "Job",
    "OcrWord",
    "Page",
    "PredictedDocument",
    "Quotas",
    "Submission",
    "WaitTimeout",
    "verify_webhook",
]
