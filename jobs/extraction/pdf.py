"""PDF pages: the text layer with word boxes, and rendering for OCR and previews (pypdfium2)."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from jobs.extraction.lines import reading_order
from jobs.extraction.types import Box, ExtractionError, Page, Word

# pdfium's FPDF_GetLastError() codes.
_ERR_FORMAT = 3
_ERR_PASSWORD = 4


def open_pdf(path: Path) -> pdfium.PdfDocument:
    """Open a PDF, translating pdfium's failures into extraction errors."""
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == _ERR_PASSWORD:
            raise ExtractionError(
                "encrypted_pdf", "The PDF is encrypted and needs a password to open."
            ) from exc
        raise ExtractionError("corrupt_file", f"The PDF cannot be read: {exc}.") from exc


def text_layer(page: pdfium.PdfPage, *, number: int) -> Page:
    """Words of a page's text layer with boxes normalised to its crop box."""
    # get_bbox() is the visible page area with inherited boxes resolved, in unrotated space.
    left, bottom, right, top = page.get_bbox()
    width, height = right - left, top - bottom
    if width <= 0 or height <= 0:
        raise ExtractionError("corrupt_file", f"Page {number} has an empty page box.")
    rotation = page.get_rotation() % 360
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        count = textpage.count_chars()
        words: list[Word] = []
        current: list[str] = []
        box = [0.0, 0.0, 0.0, 0.0]

        def flush() -> None:
            if current:
                x0 = (box[0] - left) / width
                x1 = (box[2] - left) / width
                y0 = (top - box[3]) / height
                y1 = (top - box[1]) / height
                words.append(
                    Word(
                        text="".join(current),
                        box=_rotate((clip(x0), clip(y0), clip(x1), clip(y1)), rotation),
                        confidence=1.0,
                        line=0,  # set by reading_order()
                    )
                )
                current.clear()

        # get_text_range() yields one character per pdfium char index, generated
        # spaces and line breaks included, so indices line up with get_charbox().
        for index in range(min(count, len(text))):
            char = text[index]
            if char.isspace() or char == "\x00":
                flush()
                continue
            c_left, c_bottom, c_right, c_top = textpage.get_charbox(index, loose=True)
            if not current:
                box[:] = [c_left, c_bottom, c_right, c_top]
            else:
                box[0] = min(box[0], c_left)
                box[1] = min(box[1], c_bottom)
                box[2] = max(box[2], c_right)
                box[3] = max(box[3], c_top)
            current.append(char)
        flush()
    finally:
        textpage.close()
    # pdfium gives the text in content-stream order (footnotes first, say); the page reads
    # top to bottom, so lines are rebuilt from the boxes, as for OCR.
    words, text = reading_order(words)
    if rotation in (90, 270):
        width, height = height, width
    return Page(
        number=number,
        width=float(width),
        height=float(height),
        source="text-layer",
        text=text.strip(),
        words=words,
        confidence=None,
        unit="pt",
    )


def render_page(page: pdfium.PdfPage, *, dpi: int, max_pixels: int) -> Image.Image:
    """Render a page at ``dpi``, lowered if the bitmap would exceed ``max_pixels``."""
    width, height = page.get_size()
    scale = dpi / 72.0
    pixels = width * scale * height * scale
    if pixels > max_pixels:
        scale *= (max_pixels / pixels) ** 0.5
    if width * scale < 1 or height * scale < 1:
        raise ExtractionError("corrupt_file", "A page renders to nothing.")
    bitmap = page.render(scale=scale, grayscale=False)
    try:
        return bitmap.to_pil()
    finally:
        bitmap.close()


def _rotate(box: Box, rotation: int) -> Box:
    """Map a normalised box on the unrotated page to the page as displayed (/Rotate)."""
    x0, y0, x1, y1 = box
    if rotation == 90:
        x0, y0, x1, y1 = 1 - y1, x0, 1 - y0, x1
    elif rotation == 180:
        x0, y0, x1, y1 = 1 - x1, 1 - y1, 1 - x0, 1 - y0
    elif rotation == 270:
        x0, y0, x1, y1 = y0, 1 - x1, y1, 1 - x0
    return (x0, y0, x1, y1)


def clip(value: float) -> float:
    """``value`` held to 0..1, as normalised boxes are."""
    return 0.0 if value < 0 else 1.0 if value > 1 else value


def image_regions(
    page: pdfium.PdfPage, words: list[Word], *, min_share: float = 0.003, max_regions: int = 6
) -> list[Box]:
    """Boxes (normalised, as displayed) of the page's images that may hold text the text
    layer lacks: a letterhead or logo, a scanned block pasted into a generated page.

    An image under the text layer's own words (a scan with an invisible OCR layer, a
    background) is left out: its text is already there. Tiny images (bullets, rules) too.
    """
    import pypdfium2.raw as pdfium_c

    left, bottom, right, top = page.get_bbox()
    width, height = right - left, top - bottom
    if width <= 0 or height <= 0:
        return []
    rotation = page.get_rotation() % 360
    regions: list[tuple[float, Box]] = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4):
        try:
            o_left, o_bottom, o_right, o_top = obj.get_bounds()
        except pdfium.PdfiumError:
            continue
        box = _rotate(
            (
                clip((o_left - left) / width),
                clip((top - o_top) / height),
                clip((o_right - left) / width),
                clip((top - o_bottom) / height),
            ),
            rotation,
        )
        area = (box[2] - box[0]) * (box[3] - box[1])
        if area < min_share or _covered_by_words(box, words) > 0.05:
            continue
        regions.append((area, box))
    regions.sort(reverse=True)
    return [box for _, box in regions[:max_regions]]


def render_region(page: pdfium.PdfPage, box: Box, *, dpi: int, max_pixels: int) -> Image.Image:
    """The part ``box`` (normalised, as displayed) of the page rendered at ``dpi``."""
    width, height = page.get_size()
    x0, y0, x1, y1 = box
    region_pixels = (x1 - x0) * width * (y1 - y0) * height * (dpi / 72.0) ** 2
    scale = dpi / 72.0
    if region_pixels > max_pixels:
        scale *= (max_pixels / region_pixels) ** 0.5
    # Crop is applied after rotation, in points cut off each side (left, bottom, right, top).
    crop = (x0 * width, (1 - y1) * height, (1 - x1) * width, y0 * height)
    bitmap = page.render(scale=scale, crop=crop, grayscale=False)
    try:
        return bitmap.to_pil()
    finally:
        bitmap.close()


def _covered_by_words(box: Box, words: list[Word]) -> float:
    """Share of ``box``'s area under the words whose centre lies inside it."""
    x0, y0, x1, y1 = box
    area = max((x1 - x0) * (y1 - y0), 1e-9)
    covered = 0.0
    for word in words:
        wx0, wy0, wx1, wy1 = word.box
        cx, cy = (wx0 + wx1) / 2, (wy0 + wy1) / 2
        if x0 <= cx <= x1 and y0 <= cy <= y1:
            covered += (wx1 - wx0) * (wy1 - wy0)
    return covered / area
