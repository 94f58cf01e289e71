"""Content type detection from magic bytes: the client's filename and header are not trusted."""

from __future__ import annotations

from jobs.extraction.einvoice import is_invoice_xml

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
WEBP = "image/webp"
BMP = "image/bmp"
GIF = "image/gif"
HEIC = "image/heic"
# Only e-invoices (CII or UBL roots): other XML is refused.
XML = "application/xml"

SUPPORTED_TYPES: tuple[str, ...] = (PDF, PNG, JPEG, TIFF, WEBP, BMP, GIF, HEIC, XML)

EXTENSIONS: dict[str, str] = {
    PDF: "pdf",
    PNG: "png",
    JPEG: "jpg",
    TIFF: "tiff",
    WEBP: "webp",
    BMP: "bmp",
    GIF: "gif",
    HEIC: "heic",
    XML: "xml",
}

# How many leading bytes detection needs to see (an XML root may follow a long comment).
SNIFF_BYTES = 64 * 1024
# Readers accept a PDF header within the first kilobyte.
PDF_HEADER_WITHIN = 1024

# BITMAPCOREHEADER, BITMAPINFOHEADER and its later versions: "BM" alone is too weak a sign.
_BMP_HEADER_SIZES = {12, 40, 52, 56, 64, 108, 124}
# HEIF brands of HEVC-coded images (phone photos); AVIF's brands are not among them.
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"}


def _is_heic(head: bytes) -> bool:
    if head[4:8] != b"ftyp":
        return False
    size = int.from_bytes(head[:4], "big")
    brands = [head[8:12]] + [head[i : i + 4] for i in range(16, min(size, len(head)), 4)]
    return head[8:12] in _HEIC_BRANDS or (
        head[8:12] in (b"mif1", b"msf1") and any(b in _HEIC_BRANDS for b in brands)
    )


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
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:2] == b"BM" and int.from_bytes(head[14:18], "little") in _BMP_HEADER_SIZES:
        return BMP
    if _is_heic(head):
        return HEIC
    # The PDF header may follow some junk; readers accept it within the first kilobyte.
    if b"%PDF-" in head[:PDF_HEADER_WITHIN]:
        return PDF
    if is_invoice_xml(head):
        return XML
    return None
