"""Public texts of job failures: one fixed message per code.

An extraction error's own message may quote a parser's exception, which can name internal
paths or library details; it goes to the log. Clients read the code and this text.
"""

from __future__ import annotations

PUBLIC_MESSAGES: dict[str, str] = {
    "corrupt_file": "The file is damaged or is not a valid document of its type.",
    "empty_document": "The document has no pages.",
    "encrypted_pdf": "The PDF is encrypted and needs a password to open.",
    "unsupported_type": "This type of file cannot be extracted.",
    "too_many_pages": "The document has more pages than the limit allows.",
    "image_too_large": "The image has more pixels than the limit allows.",
    "invalid_service_configuration": (
        "The service's field configuration is not valid; an administrator must correct it."
    ),
    "extraction_timeout": "Extraction took longer than the time limit and was stopped.",
    "extraction_resource_limit": (
        "The document needs more memory or CPU time than the extraction limits allow."
    ),
    "extraction_crashed": "The document could not be read: the parser stopped on it.",
    "internal_error": "An unexpected error stopped the extraction; it has been logged.",
    "worker_crashed": (
        "Processing was interrupted too many times (the worker stopped or was killed); the job "
        "will not be retried."
    ),
}
FALLBACK = "The document could not be extracted."


def public_message(code: str) -> str:
    """The fixed text clients see for a failure ``code``."""
    return PUBLIC_MESSAGES.get(code, FALLBACK)
