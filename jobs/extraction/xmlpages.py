"""Pages of a plain e-invoice XML file: a readable rendering of what the invoice says.

An XML invoice has no printed page, yet the text service, ``include=ocr`` and the review pages
all show pages. So the invoice is written out as labelled lines, laid out on A4-sized pages at
150 dpi with a word box per word, and drawn into the preview image when one is asked for.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from jobs.extraction import previews
from jobs.extraction.einvoice import EInvoice, EInvoiceError, LineItem, read_xml_file
from jobs.extraction.types import ExtractionError, Page, Word

# A4 at 150 dpi.
PAGE_WIDTH, PAGE_HEIGHT = 1240, 1754
MARGIN = 90
FONT_SIZE = 22
LINE_HEIGHT = 34
LINES_PER_PAGE = (PAGE_HEIGHT - 2 * MARGIN) // LINE_HEIGHT
WRAP = 80

# Reading the XML is this module's only failure; its codes become the job's.
_CODES = {
    "xml_too_large": "file_too_large",
    "xml_forbidden": "unsafe_xml",
    "xml_invalid": "corrupt_file",
    "not_an_invoice": "unsupported_type",
}


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


def _item_lines(index: int, item: LineItem) -> list[str]:
    numbers = f"{_number(item.quantity)} x {_number(item.unit_price)} = {_number(item.line_total)}"
    name = item.name or "(no description)"
    wrapped = textwrap.wrap(f"{item.line_id or index}. {name}", WRAP) or [name]
    wrapped[-1] = f"{wrapped[-1]}   {numbers}"
    return wrapped


def render_lines(invoice: EInvoice) -> list[str]:
    """The invoice as labelled text lines, amounts and dates as the XML gives them."""
    title = "Credit note" if invoice.type_code in {"381", "396"} else "Invoice"
    pairs = [
        (f"{title} number", invoice.invoice_number),
        ("Issue date", invoice.issue_date.isoformat() if invoice.issue_date else None),
        ("Due date", invoice.due_date.isoformat() if invoice.due_date else None),
        ("Seller", invoice.seller_name),
        ("Seller VAT ID", invoice.seller_vat_id),
        ("IBAN", invoice.seller_iban),
        ("Buyer", invoice.buyer_name),
        ("Currency", invoice.currency),
    ]
    lines = [f"{label}: {value}" for label, value in pairs if value]
    if invoice.line_items:
        lines += ["", "Items (quantity x unit price = amount)"]
        for index, item in enumerate(invoice.line_items, start=1):
            if item.name or item.line_total is not None:
                lines += _item_lines(index, item)
    totals = [
        ("Net total", invoice.net_total),
        ("Tax total", invoice.tax_total),
        ("Grand total", invoice.grand_total),
        ("Amount due", invoice.due_payable),
    ]
    currency = f" {invoice.currency}" if invoice.currency else ""
    lines += [""] + [f"{label}: {_number(v)}{currency}" for label, v in totals if v is not None]
    syntax = invoice.syntax + (f", {invoice.guideline}" if invoice.guideline else "")
    lines += ["", f"E-invoice: {syntax}"]
    return [part for line in lines for part in (textwrap.wrap(line, WRAP + 30) or [""])]


def _page(number: int, lines: list[str], font: ImageFont.FreeTypeFont) -> tuple[Page, list]:
    words: list[Word] = []
    drawn: list[tuple[float, float, str]] = []
    for index, line in enumerate(lines):
        top = MARGIN + index * LINE_HEIGHT
        drawn.append((MARGIN, top, line))
        offset = 0
        for token in line.split(" "):
            if token:
                x0 = MARGIN + font.getlength(line[:offset])
                x1 = x0 + font.getlength(token)
                box = (
                    x0 / PAGE_WIDTH,
                    top / PAGE_HEIGHT,
                    x1 / PAGE_WIDTH,
                    (top + FONT_SIZE * 1.2) / PAGE_HEIGHT,
                )
                words.append(Word(text=token, box=box, confidence=1.0, line=index))
            offset += len(token) + 1
    page = Page(
        number=number,
        width=PAGE_WIDTH,
        height=PAGE_HEIGHT,
        source="text-layer",
        text="\n".join(lines),
        words=words,
        unit="px",
    )
    return page, drawn


def xml_pages(
    path: Path, *, max_pages: int, preview_dir: str | None, preview_max_side: int
) -> Iterator[Page | int]:
    """Yield the page count, then each rendered page (see :mod:`document`'s protocol)."""
    try:
        invoice = read_xml_file(path)
    except EInvoiceError as exc:
        raise ExtractionError(_CODES[exc.code], exc.message) from exc
    lines = render_lines(invoice)
    chunks = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    if len(chunks) > max_pages:
        raise ExtractionError(
            "too_many_pages", f"The document has {len(chunks)} pages; the limit is {max_pages}."
        )
    yield len(chunks)
    font = ImageFont.load_default(size=FONT_SIZE)
    for number, chunk in enumerate(chunks, start=1):
        page, drawn = _page(number, chunk, font)  # type: ignore[arg-type]
        if preview_dir:
            image = Image.new("L", (PAGE_WIDTH, PAGE_HEIGHT), 255)
            draw = ImageDraw.Draw(image)
            for x, y, text in drawn:
                draw.text((x, y), text, font=font, fill=0)
            name = previews.preview_name(number)
            previews.save_preview(image, Path(preview_dir) / name, max_side=preview_max_side)
            page.preview = name
        yield page
