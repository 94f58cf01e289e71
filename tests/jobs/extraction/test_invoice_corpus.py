"""The invoice extractor on the real invoices of the development corpus."""

import json
from pathlib import Path

import pytest

from jobs.extraction import detect
from jobs.extraction.document import Limits, extract_pages
from jobs.extraction.fields import extract_fields, extract_invoice
from jobs.extraction.types import Page
from tests.conftest import CORPUS_PDFS


def _pages(path: Path) -> list[Page]:
    content_type = detect.detect_content_type(path.read_bytes()[:1024])
    return [
        p
        for p in extract_pages(path, content_type=content_type, limits=Limits())
        if isinstance(p, Page)
    ]


@pytest.mark.parametrize("name", CORPUS_PDFS)
def test_invoice_number_and_total_match_the_corpus_labels(name, corpus_dir):
    path = corpus_dir / f"{name}.pdf"
    expected = json.loads(path.with_suffix(".json").read_text())[0]
    fields = extract_invoice(_pages(path))
    assert fields["invoice_number"].value == expected["invoice_number"].lstrip("#")
    assert float(fields["total_amount"].value) == pytest.approx(float(expected["amount"]))


def test_invoice_result_has_the_documented_shape(corpus_dir):
    data = extract_fields("invoice", _pages(corpus_dir / "coolblue1.pdf")).to_dict()
    total = data["fields"]["total_amount"]
    assert set(total) == {
        "value",
        "raw",
        "confidence",
        "band",
        "page",
        "box",
        "validation_errors",
        "source",
    }
    assert total["page"] == 1 and len(total["box"]) == 4
    assert data["fields"]["iban"]["value"] == "NL50INGB0683251309"
    assert data["fields"]["line_items"][0]["amount"]["value"] == "399.00"
    assert data["validation_errors"] == []
