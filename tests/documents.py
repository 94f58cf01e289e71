"""Generators of small test documents with known content."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def text_pdf(*pages: list[str]) -> bytes:
    """A PDF with a real text layer: one list of lines per page."""
    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=14)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(text=line, new_x="LMARGIN", new_y="NEXT", h=10)
    return bytes(pdf.output())


def letterhead_pdf(letterhead: list[str], body: list[str]) -> bytes:
    """A text-layer page whose letterhead is a picture: its words exist only as pixels."""
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.image(text_image(letterhead, size=(900, 80 + 80 * len(letterhead))), x=15, y=10, w=120)
    pdf.set_font("Helvetica", size=12)
    pdf.set_y(60)
    for line in body:
        pdf.cell(text=line, new_x="LMARGIN", new_y="NEXT", h=8)
    return bytes(pdf.output())


def text_image(lines: list[str], *, size: tuple[int, int] = (1240, 700)) -> Image.Image:
    """A white page with black text large enough for Tesseract."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=36)
    for index, line in enumerate(lines):
        draw.text((60, 60 + index * 80), line, font=font, fill="black")
    return image


def image_bytes(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def multipage_tiff(*images: Image.Image) -> bytes:
    buffer = io.BytesIO()
    first, *rest = images
    first.save(buffer, format="TIFF", save_all=True, append_images=rest, compression="tiff_lzw")
    return buffer.getvalue()


def scanned_pdf(lines: list[str]) -> bytes:
    """A PDF whose only page is an image: no text layer, so it needs OCR."""
    buffer = io.BytesIO()
    text_image(lines).save(buffer, format="PDF", resolution=150)
    return buffer.getvalue()


def encrypted_pdf(content: bytes, password: str = "s3cret") -> bytes:
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(content)).pages:
        writer.add_page(page)
    writer.encrypt(user_password=password, owner_password=password, algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


CORRUPT_PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\ngarbage\x00\xff\xfe trailer"


def laid_out_pdf(rows: list[tuple[float, float, str]]) -> bytes:
    """A one-page A4 PDF with text at (x mm, y mm) positions, like a real invoice's layout."""
    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    for x, y, text in rows:
        pdf.set_xy(x, y)
        pdf.cell(text=text)
    return bytes(pdf.output())


def form_pdf(values: dict[str, str | None]) -> bytes:
    """A PDF with filled AcroForm text fields (name → value), one widget per field."""
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    fields = ArrayObject()
    for index, (name, value) in enumerate(values.items()):
        top = 780 - index * 40
        widget = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/FT"): NameObject("/Tx"),
                NameObject("/T"): TextStringObject(name),
                NameObject("/Rect"): ArrayObject(FloatObject(v) for v in (60, top - 20, 300, top)),
                NameObject("/F"): NumberObject(4),
            }
        )
        if value is not None:
            widget[NameObject("/V")] = TextStringObject(value)
        fields.append(writer._add_object(widget))
    page[NameObject("/Annots")] = fields
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject(fields)}
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
