"""Content type detection from magic bytes: the client's filename and header are not trusted."""

from __future__ import annotations

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
WEBP = "image/webp"

SUPPORTED_TYPES: tuple[str, ...] = (PDF, PNG, JPEG, TIFF, WEBP)

EXTENSIONS: dict[str, str] = {PDF: "pdf", PNG: "png", JPEG: "jpg", TIFF: "tiff", WEBP: "webp"}

# How many leading bytes detection needs to see.
SNIFF_BYTES = 1024


def detect_content_type(head: bytes) -> str | None:
    """Return the MIME type of a file from its first bytes, or None if it is not supported."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    # The PDF header may follow some junk; readers accept it within the first kilobyte.
    if b"%PDF-" in head[:SNIFF_BYTES]:
        return PDF
    return None
