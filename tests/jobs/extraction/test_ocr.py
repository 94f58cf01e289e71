"""OCR: PP-OCR through RapidOCR by default, fully offline; pages made upright and level."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from jobs.extraction import ocr
from tests import documents

LINES = ["Invoice Number 4711", "Rechnungsdatum 15.11.2024", "Gesamtbetrag 119,00 EUR"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ocr") / "page.png"
    documents.text_image(LINES).save(path)
    return path


def test_the_default_engine_reads_words_with_boxes_and_confidences(sample):
    from PIL import Image

    page = ocr.ocr_image(Image.open(sample), number=1)
    text = page.text.replace(" ", "")
    assert "4711" in text and "119,00" in text and "Gesamtbetrag" in text
    assert all(0 <= c <= 1 for w in page.words for c in w.box)
    assert all(0 < w.confidence <= 1 for w in page.words)
    assert page.source == "ocr" and page.unit == "px"


def test_ocr_never_reaches_the_network(sample, tmp_path):
    """The models ship inside the wheel: OCR works with every socket refused."""
    script = textwrap.dedent(
        f"""
        import socket
        def refuse(*args, **kwargs):
            raise OSError("network disabled for this test")
        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from PIL import Image
        from jobs.extraction import ocr
        page = ocr.ocr_image(Image.open({str(sample)!r}), number=1)
        assert "4711" in page.text, page.text
        print("read", len(page.words), "words offline")
        """
    )
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "offline" in result.stdout


def test_a_page_scanned_sideways_is_read_upright(sample):
    from PIL import Image

    turned = Image.open(sample).rotate(90, expand=True)
    page = ocr.ocr_image(turned, number=1)
    assert "4711" in page.text.replace(" ", "")
    assert page.width > page.height  # the page as read is the upright one


def test_a_skewed_scan_is_straightened_before_reading(sample):
    from PIL import Image

    skewed = Image.open(sample).convert("RGB").rotate(3, expand=True, fillcolor="white")
    assert abs(ocr.skew_angle(skewed) + 3) <= 1.0
    assert ocr.skew_angle(Image.open(sample).convert("RGB")) == 0.0
    page = ocr.ocr_image(skewed, number=1)
    lines = page.text.splitlines()
    assert any("4711" in line and "Invoice" in line for line in lines)


def test_a_receipt_photographed_on_a_dark_table_is_levelled_by_its_text_not_the_table(sample):
    from PIL import Image

    paper = Image.open(sample).convert("RGB")
    turned = paper.rotate(2.5, expand=True, fillcolor=(90, 90, 90))
    photo = Image.new("RGB", (turned.width + 120, turned.height + 120), (90, 90, 90))
    photo.paste(turned, (60, 60))
    assert abs(ocr.skew_angle(photo) + 2.5) <= 0.75


def test_a_receipt_on_a_patterned_tablecloth_is_levelled_by_its_text_not_the_pattern(sample):
    from PIL import Image, ImageDraw

    paper = Image.open(sample).convert("RGB")
    turned = paper.rotate(3, expand=True, fillcolor=(40, 50, 120))
    photo = Image.new("RGB", (turned.width + 400, turned.height + 400), (40, 50, 120))
    draw = ImageDraw.Draw(photo)
    # A regular grid of light diamonds, level, all over the cloth.
    for y in range(0, photo.height, 40):
        for x in range(0, photo.width, 40):
            draw.polygon([(x, y + 8), (x + 8, y), (x + 16, y + 8), (x + 8, y + 16)], fill="white")
    mask = Image.new("L", turned.size, 0)
    ImageDraw.Draw(mask).polygon(
        [(0, 0), (turned.width, 0), (turned.width, turned.height), (0, turned.height)], fill=255
    )
    inside = paper.rotate(3, expand=True, fillcolor=(255, 255, 255))
    photo.paste(inside, (200, 200))
    assert abs(ocr.skew_angle(photo) + 3) <= 0.75


def test_tesseract_remains_available_with_german_data(sample):
    from PIL import Image

    assert {"eng", "deu"} <= ocr.tesseract_languages()
    page = ocr.ocr_image(Image.open(sample), number=1, engine="tesseract", lang="deu+eng")
    assert "4711" in page.text


def test_a_blank_page_is_read_as_empty_and_a_page_with_ink_is_not_blank(sample):
    from PIL import Image

    blank = Image.new("RGB", (1240, 1754), "white")
    page = ocr.ocr_image(blank, number=2)
    assert ocr.is_blank(blank)
    assert (page.words, page.text, page.number) == ([], "", 2)
    assert not ocr.is_blank(Image.open(sample))


def test_ocr_out_of_memory_is_reported_as_memory_not_as_a_crash(sample, tmp_path):
    # onnxruntime raises a RuntimeException carrying std::bad_alloc when the address-space
    # limit stops an allocation; the sandbox must see a MemoryError (a resource limit).
    script = textwrap.dedent(
        f"""
        import resource, sys
        from PIL import Image
        from jobs.extraction import ocr
        ocr._rapidocr()
        resource.setrlimit(resource.RLIMIT_AS, (700 * 1024**2, 700 * 1024**2))
        try:
            ocr.ocr_image(Image.open({str(sample)!r}).resize((2480, 1400)), number=1)
        except MemoryError:
            sys.exit(3)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        timeout=300,
    )
    assert result.returncode == 3, result.stderr.decode()[-2000:]
