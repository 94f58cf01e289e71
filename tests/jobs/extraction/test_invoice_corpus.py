import json
import os
from pathlib import Path

import pytest

from jobs.extraction import detect
from jobs.extraction.document import Limits, extract_pages
from jobs.extraction.fields import extract_fields, extract_invoice
from jobs.extraction.types import Page

REPO = Path(__file__).resolve().parents[3]
CORPUS = Path(
    os.environ.get("DOCPLATFORM_CORPUS_DIR")
    or next(
        (
            p
            for p in (REPO.parent / "shared/corpus/invoices", Path("/work/shared/corpus/invoices"))
            if p.is_dir()
        ),
        REPO.parent / "shared/corpus/invoices",
    )
)
PDFS = sorted(CORPUS.glob("*.pdf")) if CORPUS.is_dir() else []
pytestmark = pytest.mark.skipif(not PDFS, reason=f"no corpus at {CORPUS}")


def _pages(path: Path) -> list[Page]:
    content_type = detect.detect_content_type(path.read_bytes()[:1024])
    return [
        p
        for p in extract_pages(path, content_type=content_type, limits=Limits())
        if isinstance(p, Page)
    ]


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_invoice_number_and_total_match_the_corpus_labels(path):
    expected = json.loads(path.with_suffix(".json").read_text())[0]
    fields = extract_invoice(_pages(path))
    assert fields["invoice_number"].value == expected["invoice_number"].lstrip("#")
    assert float(fields["total_amount"].value) == pytest.approx(float(expected["amount"]))


def test_invoice_result_has_the_documented_shape():
    data = extract_fields("invoice", _pages(CORPUS / "coolblue1.pdf")).to_dict()
    total = data["fields"]["total_amount"]
    assert set(total) == {"value", "raw", "confidence", "band", "page", "box", "validation_errors"}
    assert total["page"] == 1 and len(total["box"]) == 4
    assert data["fields"]["iban"]["value"] == "NL50INGB0683251309"
    assert data["fields"]["line_items"][0]["amount"]["value"] == "399.00"
    assert data["validation_errors"] == []
