"""Whole-document extraction: each page from its text layer, or through OCR when it has none."""

from __future__ import annotations

import hashlib
import warnings
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageSequence

from jobs.extraction import detect, ocr, pdf, previews, xmlpages
from jobs.extraction.lines import reading_order
from jobs.extraction.types import ExtractionError, Page, Word


@dataclass(frozen=True, slots=True)
class Limits:
    max_pages: int = 200
    # A page whose text layer has fewer printable characters than this is OCR'd instead.
    min_text_chars: int = 16
    ocr_dpi: int = 300
    # Largest bitmap OCR may work on; also Pillow's decompression-bomb ceiling for images.
    max_pixels: int = 60_000_000
    lang: str = "eng+deu"
    ocr_engine: str = "rapidocr"
    # Where page previews for the review pages are written (None: no previews).
    preview_dir: str | None = None
    preview_dpi: int = 150
    preview_max_side: int = 2000
    # Read text inside the images of text-layer pages (logos, letterheads, pasted scans).
    ocr_images: bool = True
    # Reuse what was read in an image with the same pixels (see _REGION_WORDS).
    reuse_image_text: bool = True


def count_pages(path: Path, *, content_type: str) -> int:
    """Number of pages without extracting anything."""
    if content_type == detect.PDF:
        document = pdf.open_pdf(path)
        try:
            return len(document)
        finally:
            document.close()
    with _open_image(path, max_pixels=Limits().max_pixels) as image:
        return getattr(image, "n_frames", 1)


def extract_pages(path: Path, *, content_type: str, limits: Limits) -> Iterator[Page | int]:
    """Yield the page count first, then each page as it is extracted.

    Raises :class:`ExtractionError` for files that cannot be read.
    """
    if content_type == detect.PDF:
        yield from _pdf_pages(path, limits)
    elif content_type == detect.XML:
        yield from xmlpages.xml_pages(
            path,
            max_pages=limits.max_pages,
            preview_dir=limits.preview_dir,
            preview_max_side=limits.preview_max_side,
        )
    elif content_type in detect.SUPPORTED_TYPES:
        yield from _image_pages(path, limits)
    else:
        raise ExtractionError("unsupported_type", f"Cannot extract {content_type!r} files.")


def _pdf_pages(path: Path, limits: Limits) -> Iterator[Page | int]:
    document = pdf.open_pdf(path)
    try:
        try:
            total = len(document)
        except Exception as exc:  # pdfium reports broken page trees only here
            raise ExtractionError("corrupt_file", f"The PDF page tree is broken: {exc}.") from exc
        if total == 0:
            raise ExtractionError("empty_document", "The PDF has no pages.")
        if total > limits.max_pages:
            raise ExtractionError(
                "too_many_pages",
                f"The document has {total} pages; the limit is {limits.max_pages}.",
            )
        yield total
        for index in range(total):
            try:
                page = document[index]
            except Exception as exc:
                raise ExtractionError(
                    "corrupt_file", f"Page {index + 1} cannot be read: {exc}."
                ) from exc
            try:
                layer = pdf.text_layer(page, number=index + 1)
                printable = sum(1 for c in layer.text if not c.isspace())
                if printable >= limits.min_text_chars:
                    if limits.ocr_images:
                        layer = _with_image_text(page, layer, limits)
                    if limits.preview_dir:
                        image = pdf.render_page(
                            page, dpi=limits.preview_dpi, max_pixels=limits.max_pixels
                        )
                        layer.preview = _preview(image, layer.number, limits)
                    yield layer
                    continue
                image = pdf.render_page(page, dpi=limits.ocr_dpi, max_pixels=limits.max_pixels)
                scanned = ocr.ocr_image(
                    image, number=index + 1, lang=limits.lang, engine=limits.ocr_engine
                )
                if scanned.image is not None:
                    image = scanned.image
                    scanned.image = None
                # Boxes are normalised, so the page keeps its size in points (its aspect
                # follows the image OCR read, which may have been turned upright).
                scanned.width = layer.width
                scanned.height = layer.width * image.height / max(image.width, 1)
                scanned.unit = "pt"
                chosen = layer if not scanned.words and layer.words else scanned
                if limits.preview_dir:
                    factor = limits.preview_dpi / limits.ocr_dpi
                    if factor < 1:
                        size = (round(image.width * factor), round(image.height * factor))
                        image = image.resize(size, Image.Resampling.LANCZOS)
                    chosen.preview = _preview(image, chosen.number, limits)
                yield chosen
            finally:
                page.close()
    finally:
        document.close()


# Images on text-layer pages are read at this resolution: logos and letterheads are large
# print, and 200 dpi read the same words as 300 dpi on the corpus's invoices.
REGION_DPI = 200


def _with_image_text(page: pdf.pdfium.PdfPage, layer: Page, limits: Limits) -> Page:
    """The text layer plus the words OCR reads inside the page's images.

    Words are mapped from the image region to the page; one whose centre falls on a word
    of the text layer is dropped, since the layer already has it.
    """
    regions = pdf.image_regions(page, layer.words)
    if not regions:
        return layer
    added: list[Word] = []
    for x0, y0, x1, y1 in regions:
        image = pdf.render_region(
            page, (x0, y0, x1, y1), dpi=REGION_DPI, max_pixels=limits.max_pixels // 4
        )
        if min(image.size) < 12:
            continue
        # With a white margin (the detector misses text that touches the edge), read at its
        # own size (see ocr.REGION_DETECTION).
        pad = 16
        w = max(image.width + 2 * pad, 64)
        h = max(image.height + 2 * pad, 64)
        padded = Image.new("RGB", (w, h), "white")
        padded.paste(image.convert("RGB"), (pad, pad))
        for word in _region_words(padded, limits):
            bx0, by0, bx1, by1 = word.box
            # From the padded crop's 0..1 to the region, then to the page.
            rx0 = (bx0 * w - pad) / image.width
            ry0 = (by0 * h - pad) / image.height
            rx1 = (bx1 * w - pad) / image.width
            ry1 = (by1 * h - pad) / image.height
            box = (
                pdf.clip(x0 + rx0 * (x1 - x0)),
                pdf.clip(y0 + ry0 * (y1 - y0)),
                pdf.clip(x0 + rx1 * (x1 - x0)),
                pdf.clip(y0 + ry1 * (y1 - y0)),
            )
            if not _on_a_word(box, layer.words):
                added.append(Word(text=word.text, box=box, confidence=word.confidence, line=0))
    if not added:
        return layer
    words, text = reading_order([*layer.words, *added])
    layer.words = words
    layer.text = text.strip()
    return layer


# What OCR read in the images of text pages, by their pixels, in this process (a long-lived
# extraction child serves many jobs): a supplier prints the same logo on every invoice, and
# reading it costs several times the rest of a text page. Only the pixels decide, so a hit
# gives exactly what reading the image again would.
_REGION_WORDS: OrderedDict[str, list[Word]] = OrderedDict()
REGION_CACHE_SIZE = 256


def _region_words(image: Image.Image, limits: Limits) -> list[Word]:
    if not limits.reuse_image_text:
        return ocr.read_words(image, lang=limits.lang, engine=limits.ocr_engine)
    digest = hashlib.sha256(image.tobytes())
    digest.update(f"{image.size}|{limits.lang}|{limits.ocr_engine}".encode())
    key = digest.hexdigest()
    words = _REGION_WORDS.get(key)
    if words is not None:
        _REGION_WORDS.move_to_end(key)
        return words
    words = ocr.read_words(image, lang=limits.lang, engine=limits.ocr_engine)
    _REGION_WORDS[key] = words
    if len(_REGION_WORDS) > REGION_CACHE_SIZE:
        _REGION_WORDS.popitem(last=False)
    return words


def _on_a_word(box: tuple[float, float, float, float], words: list[Word]) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return any(w.box[0] <= cx <= w.box[2] and w.box[1] <= cy <= w.box[3] for w in words)


def _open_image(path: Path, *, max_pixels: int) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
            image.load()
        return image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ExtractionError(
            "image_too_large", f"The image has more than {max_pixels} pixels."
        ) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ExtractionError("corrupt_file", f"The image cannot be decoded: {exc}.") from exc


def _image_pages(path: Path, limits: Limits) -> Iterator[Page | int]:
    with _open_image(path, max_pixels=limits.max_pixels) as image:
        total = getattr(image, "n_frames", 1)
        if total > limits.max_pages:
            raise ExtractionError(
                "too_many_pages",
                f"The document has {total} pages; the limit is {limits.max_pages}.",
            )
        yield total
        for index, frame in enumerate(ImageSequence.Iterator(image)):
            try:
                frame.load()
                if frame.width < 1 or frame.height < 1:
                    raise ExtractionError("corrupt_file", f"Page {index + 1} is empty.")
                page = ocr.ocr_image(
                    frame.copy(), number=index + 1, lang=limits.lang, engine=limits.ocr_engine
                )
                # The preview shows the page as OCR read it (upright, straightened), so the
                # word boxes land on the words.
                upright, page.image = page.image, None
                if limits.preview_dir and upright is not None:
                    page.preview = _preview(upright, page.number, limits)
            except (OSError, SyntaxError, ValueError) as exc:
                raise ExtractionError(
                    "corrupt_file", f"Page {index + 1} cannot be decoded: {exc}."
                ) from exc
            yield page


def _preview(image: Image.Image, number: int, limits: Limits) -> str:
    assert limits.preview_dir is not None
    name = previews.preview_name(number)
    previews.save_preview(image, Path(limits.preview_dir) / name, max_side=limits.preview_max_side)
    return name
