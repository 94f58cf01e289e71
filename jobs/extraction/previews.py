"""Page preview images for the review pages: one compressed WebP per page."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageOps

PREVIEW_CONTENT_TYPE = "image/webp"
# Chosen by measurement (bench/bench_previews.py): method 2 encodes in about 0.43 of method 4's
# time for 3 % more bytes at the same quality; method 0 would save a little more time for
# 27 % more bytes.
WEBP_QUALITY = 80
WEBP_METHOD = 2


def preview_name(number: int) -> str:
    return f"page-{number}.webp"


def save_preview(image: Image.Image, path: Path, *, max_side: int) -> None:
    """Write ``image`` as a WebP no larger than ``max_side`` on its longer side.

    Written to a temporary name and renamed, so a reader never sees half a file.
    """
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    if max(image.size) > max_side:
        image = image.copy()
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    image.save(partial, format="WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
    partial.replace(path)
