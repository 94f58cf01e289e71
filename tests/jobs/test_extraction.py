"""Extraction on generated documents with known content, through the sandboxed runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobs.extraction import ExtractionError
from jobs.extraction.detect import BMP, GIF, JPEG, PDF, PNG, TIFF, WEBP, detect_content_type
from jobs.extraction.document import Limits
from jobs.extraction.sandbox import SandboxLimits, extract_sandboxed
from tests import documents


def extract(tmp_path: Path, content: bytes, **limits: object) -> list:
    path = tmp_path / "doc"
    path.write_bytes(content)
    content_type = detect_content_type(content[:1024])
    assert content_type is not None
    sandbox = SandboxLimits(
        **{k: v for k, v in limits.items() if k in SandboxLimits.__dataclass_fields__}
    )
    page_limits = Limits(**{k: v for k, v in limits.items() if k in Limits.__dataclass_fields__})
    return extract_sandboxed(
        path, content_type=content_type, limits=page_limits, sandbox=sandbox
    ).pages


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (documents.text_pdf(["x"]), PDF),
        (documents.image_bytes(documents.text_image(["x"]), "PNG"), PNG),
        (documents.image_bytes(documents.text_image(["x"]), "JPEG"), JPEG),
        (documents.image_bytes(documents.text_image(["x"]), "WEBP"), WEBP),
        (documents.multipage_tiff(documents.text_image(["x"])), TIFF),
        (documents.image_bytes(documents.text_image(["x"]), "GIF"), GIF),
        (documents.image_bytes(documents.text_image(["x"]), "BMP"), BMP),
        (b"BM this is text, not a bitmap", None),
        (b"\x00\x00\x00\x18ftypavif\x00\x00\x00\x00mif1avif", None),
        (b"hello world", None),
    ],
)
def test_content_type_is_detected_from_magic_bytes(content, expected):
    assert detect_content_type(content[:1024]) == expected


def test_pdf_text_layer_gives_text_and_word_boxes_in_reading_order(tmp_path):
    content = documents.text_pdf(
        ["Invoice number INV-2024-0042", "Total due 1,234.56 EUR"], ["Second page text here"]
    )
    pages = extract(tmp_path, content)
    assert [p.number for p in pages] == [1, 2]
    first = pages[0]
    assert first.source == "text-layer"
    assert first.text.splitlines() == ["Invoice number INV-2024-0042", "Total due 1,234.56 EUR"]
    assert [w.text for w in first.words][:3] == ["Invoice", "number", "INV-2024-0042"]
    number, total = first.words[2], first.words[5]
    assert number.line == 0 and total.line == 1
    # A4 in points; boxes normalised with the origin at the top left.
    assert round(first.width) == 595 and round(first.height) == 842
    assert number.box[0] > first.words[1].box[2]  # to the right of "number"
    assert total.box[1] > number.box[3] - 0.001  # on the line below
    assert all(0 <= c <= 1 for w in first.words for c in w.box)
    assert pages[1].text == "Second page text here"


def test_text_inside_an_image_of_a_text_layer_page_is_read_and_placed_on_the_page(tmp_path):
    content = documents.letterhead_pdf(
        ["Nordwind Handels GmbH"], ["Invoice number 7781", "Total due 99.00 EUR"]
    )
    page = extract(tmp_path, content)[0]
    assert page.source == "text-layer"
    read = {w.text: w for w in page.words if w.text in {"Nordwind", "Handels", "GmbH"}}
    assert len(read) == 3
    # The picture spans x 15-135 mm, y 10-~31 mm of the 210 x 297 mm page.
    for word in read.values():
        assert 15 / 210 - 0.01 < word.box[0] < word.box[2] < 135 / 210 + 0.01
        assert 10 / 297 - 0.01 < word.box[1] < word.box[3] < 32 / 297
    assert page.text.splitlines()[0] == "Nordwind Handels GmbH"
    assert [w.text for w in page.words][3:6] == ["Invoice", "number", "7781"]

    plain = extract(tmp_path, content, ocr_images=False)[0]
    assert "Nordwind" not in plain.text


def test_a_small_logo_on_a_text_layer_page_is_read_at_its_own_size(tmp_path):
    from fpdf import FPDF
    from PIL import Image, ImageDraw, ImageFont

    logo = Image.new("RGB", (300, 70), "white")
    ImageDraw.Draw(logo).text(
        (12, 14), "Brightwater", font=ImageFont.load_default(size=36), fill="black"
    )
    pdf = FPDF(format="A4")
    pdf.add_page()
    # A short, wide logo, 40 mm across (about 315 x 70 px at the 200 dpi images are read at).
    pdf.image(logo, x=150, y=10, w=40)
    pdf.set_font("Helvetica", size=12)
    pdf.set_y(60)
    pdf.cell(text="Invoice number 7781", new_x="LMARGIN", new_y="NEXT", h=8)
    page = extract(tmp_path, bytes(pdf.output()))[0]
    word = next(w for w in page.words if w.text == "Brightwater")
    assert 150 / 210 - 0.01 < word.box[0] < word.box[2] < 190 / 210 + 0.01
    assert word.box[3] < 21 / 297


def test_a_logo_seen_before_in_the_same_process_is_not_read_again(tmp_path):
    from jobs.extraction import document

    def pages(body: str, **limits: object) -> list[str]:
        path = tmp_path / f"{body}.pdf"
        path.write_bytes(documents.letterhead_pdf(["Nordwind Handels GmbH"], [body]))
        found = document.extract_pages(path, content_type=PDF, limits=Limits(**limits))
        return [w.text for p in found if not isinstance(p, int) for w in p.words]

    document._REGION_WORDS.clear()
    first = pages("Invoice number 7781")
    assert len(document._REGION_WORDS) == 1
    second = pages("Invoice number 7782")
    # The second invoice's logo has the same pixels: one entry, the same words.
    assert len(document._REGION_WORDS) == 1
    assert first[:3] == second[:3] == ["Nordwind", "Handels", "GmbH"]
    assert pages("Invoice number 7783", reuse_image_text=False)[:3] == first[:3]


def test_image_only_pdf_is_read_through_ocr(tmp_path):
    pages = extract(tmp_path, documents.scanned_pdf(["INVOICE NUMBER INV-555", "TOTAL 42.00"]))
    assert len(pages) == 1
    page = pages[0]
    assert page.source == "ocr"
    assert "INV-555" in page.text
    assert page.confidence is not None and page.confidence > 0.5
    word = next(w for w in page.words if w.text == "INV-555")
    assert 0 < word.confidence <= 1
    assert word.box[0] < word.box[2] and word.box[1] < word.box[3]


def test_png_is_read_through_ocr_with_boxes(tmp_path):
    image = documents.text_image(["Receipt 2024-03-01", "Amount 17.40"])
    pages = extract(tmp_path, documents.image_bytes(image, "PNG"))
    assert pages[0].source == "ocr"
    assert pages[0].unit == "px"
    assert (pages[0].width, pages[0].height) == (1240, 700)
    assert "Amount 17.40" in pages[0].text


def test_every_page_of_a_multipage_tiff_is_read(tmp_path):
    content = documents.multipage_tiff(
        documents.text_image(["First page ALPHA"]), documents.text_image(["Second page OMEGA"])
    )
    pages = extract(tmp_path, content)
    assert [p.number for p in pages] == [1, 2]
    assert "ALPHA" in pages[0].text and "OMEGA" in pages[1].text


def test_corrupt_pdf_fails_with_corrupt_file(tmp_path):
    with pytest.raises(ExtractionError) as error:
        extract(tmp_path, documents.CORRUPT_PDF)
    assert error.value.code == "corrupt_file"


def test_truncated_png_fails_with_corrupt_file(tmp_path):
    content = documents.image_bytes(documents.text_image(["x"]), "PNG")
    with pytest.raises(ExtractionError) as error:
        extract(tmp_path, content[: len(content) // 2])
    assert error.value.code == "corrupt_file"


def test_encrypted_pdf_without_password_fails_with_encrypted_pdf(tmp_path):
    content = documents.encrypted_pdf(documents.text_pdf(["secret"]))
    with pytest.raises(ExtractionError) as error:
        extract(tmp_path, content)
    assert error.value.code == "encrypted_pdf"


def test_document_over_the_page_limit_fails_with_too_many_pages(tmp_path):
    content = documents.text_pdf(*[[f"page {i}"] for i in range(4)])
    with pytest.raises(ExtractionError) as error:
        extract(tmp_path, content, max_pages=3)
    assert error.value.code == "too_many_pages"
    assert "4 pages" in error.value.message


def test_image_over_the_pixel_limit_fails_without_decoding_it(tmp_path):
    content = documents.image_bytes(documents.text_image(["x"], size=(3000, 3000)), "PNG")
    with pytest.raises(ExtractionError) as error:
        extract(tmp_path, content, max_pixels=1_000_000)
    assert error.value.code == "image_too_large"


def test_extraction_over_its_time_limit_is_stopped(tmp_path):
    content = documents.multipage_tiff(*[documents.text_image(["slow page"]) for _ in range(8)])
    with pytest.raises(ExtractionError) as error:
        extract(tmp_path, content, wall_seconds=0.5)
    assert error.value.code == "extraction_timeout"


def test_extraction_over_its_memory_limit_fails_without_harming_the_caller(tmp_path):
    content = documents.scanned_pdf(["memory"])
    with pytest.raises(ExtractionError) as error:
        extract(tmp_path, content, memory_bytes=64 * 1024 * 1024)
    assert error.value.code in {"extraction_resource_limit", "extraction_crashed"}


@pytest.mark.parametrize("fmt", ["BMP", "GIF", "HEIF"])
def test_bmp_gif_and_heic_images_are_read_through_ocr(tmp_path, fmt):
    import pillow_heif

    pillow_heif.register_heif_opener()
    image = documents.text_image(["Invoice 4711"])
    pages = extract(tmp_path, documents.image_bytes(image, fmt))
    assert len(pages) == 1
    assert "4711" in pages[0].text
