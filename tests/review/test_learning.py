"""Reviewers teach the extraction: corrections and confirmations become learned knowledge.

Documents go through the real pipeline (upload, worker, sandboxed extraction); the receipts
print their amount paid under a label the generic extraction does not know, beside a larger
amount (loyalty points) it takes for the total.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from docplatform.models import Service
from docplatform.services import api_key_create, service_create
from jobs.models import Document
from review.learning import learned_knowledge, learning_reset
from review.models import LearnedField, LearnedSupplier
from review.services import document_approve, fields_correct
from tests import documents

pytestmark = pytest.mark.django_db

SHOP = "Kedai Runcit Ali Enterprise"


def receipt(total: str, points: str, day: int, *, shop: str = SHOP) -> bytes:
    return documents.laid_out_pdf(
        [
            (60, 15, shop),
            (60, 21, "No 5 Jalan Besar, Ipoh"),
            (60, 27, "Tel 05-2541234"),
            (20, 40, f"{day:02d}/03/2024"),
            (20, 60, "Gula"),
            (150, 60, "4.10"),
            (20, 66, "Teh"),
            (150, 66, "3.20"),
            (20, 80, "Jumlah Bersih"),
            (150, 80, total),
            (20, 86, "Jumlah Mata"),
            (150, 86, points),
        ]
    )


class Receipts:
    """A receipt service and its API client: upload, read a field, correct, approve."""

    def __init__(self, name: str, capture: Callable) -> None:
        self.service = service_create(name=name, kind=Service.Kind.RECEIPT)
        self.client = APIClient()
        self.client.credentials(HTTP_X_API_KEY=api_key_create(service=self.service, name="k")[1])
        self.base = f"/api/v1/inference/service/{self.service.public_id}"
        self.capture = capture

    def upload(self, content: bytes) -> Document:
        with self.capture(execute=True):
            reply = self.client.post(
                f"{self.base}/async-predict",
                {"file": documents.upload("r.pdf", content)},
                format="multipart",
            )
        return Document.objects.select_related("service", "job").get(pk=reply.json()["resource"])

    def field(self, document: Document, name: str) -> dict[str, Any]:
        body = self.client.get(f"{self.base}/predicted-documents/{document.pk}").json()
        return body["document_pages"][0]["entities"].get(name) or {}

    def correct(self, document: Document, **values: str) -> None:
        reply = self.client.patch(
            f"{self.base}/predicted-documents/{document.pk}",
            {"fields": values},
            format="json",
        )
        assert reply.status_code == 200, reply.json()

    def approve(self, document: Document) -> None:
        reply = self.client.patch(
            f"{self.base}/predicted-documents/{document.pk}",
            {"revision_status": "approved"},
            format="json",
        )
        assert reply.status_code == 200, reply.json()


@pytest.fixture
def shop(django_capture_on_commit_callbacks: Callable) -> Receipts:
    return Receipts("Receipts", django_capture_on_commit_callbacks)


def test_without_learning_the_unusual_label_is_missed(shop: Receipts):
    first = shop.upload(receipt("12.30", "150.00", 1))
    total = shop.field(first, "total")
    assert total["value"] == "150.00"
    assert total.get("source") != "learned"


def test_a_correction_teaches_the_same_suppliers_next_document(shop: Receipts):
    first = shop.upload(receipt("12.30", "150.00", 1))
    shop.correct(first, total="12.30")
    learned = LearnedField.objects.get(service=shop.service, field="total")
    assert (learned.how, learned.confirmed, learned.overruled) == ("corrected", 0, 0)
    assert learned.supplier.name == SHOP
    assert learned.contexts[0]["left"] == ["jumlah", "bersih"]
    # The record holds label words and positions, not the document's values.
    assert "12.30" not in str(learned.contexts) and "150.00" not in str(learned.contexts)

    second = shop.upload(receipt("8.40", "95.00", 2))
    total = shop.field(second, "total")
    assert (total["value"], total["source"]) == ("8.40", "learned")
    learned.refresh_from_db()
    assert learned.used == 1 and learned.last_used_at is not None


def test_approving_confirms_what_was_learned_and_raises_its_confidence(shop: Receipts):
    first = shop.upload(receipt("12.30", "150.00", 1))
    shop.correct(first, total="12.30")
    second = shop.upload(receipt("8.40", "95.00", 2))
    before = shop.field(second, "total")["predicted_confidence"]
    shop.approve(second)
    learned = LearnedField.objects.get(service=shop.service, field="total")
    assert (learned.confirmed, learned.overruled) == (1, 0)
    # The merchant and date were confirmed too: the approval taught them.
    assert set(
        LearnedField.objects.filter(service=shop.service).values_list("field", flat=True)
    ) == {"merchant", "date", "total"}
    third = shop.upload(receipt("5.10", "70.00", 3))
    total = shop.field(third, "total")
    assert total["value"] == "5.10"
    assert total["predicted_confidence"] > before


def test_approving_twice_counts_a_document_once(shop: Receipts):
    first = shop.upload(receipt("12.30", "150.00", 1))
    shop.correct(first, total="12.30")
    second = shop.upload(receipt("8.40", "95.00", 2))
    shop.approve(second)
    shop.client.patch(
        f"{shop.base}/predicted-documents/{second.pk}",
        {"revision_status": "to_review"},
        format="json",
    )
    shop.approve(second)
    learned = LearnedField.objects.get(service=shop.service, field="total")
    assert (learned.confirmed, learned.overruled) == (1, 0)


def test_knowledge_that_reviewers_overrule_loses_its_weight(shop: Receipts):
    first = shop.upload(receipt("12.30", "150.00", 1))
    shop.correct(first, total="12.30")
    second = shop.upload(receipt("8.40", "95.00", 2))
    trusted = shop.field(second, "total")
    assert (trusted["value"], trusted["source"]) == ("8.40", "learned")
    # The shop changes its receipts: the other amount is now the one paid.
    shop.correct(second, total="95.00")
    learned = LearnedField.objects.get(service=shop.service, field="total")
    assert (learned.confirmed, learned.overruled) == (0, 1)
    old = next(c for c in learned.contexts if c["left"] == ["jumlah", "bersih"])
    assert old["wrong"] == 1
    third = shop.upload(receipt("6.20", "2.00", 3))
    total = shop.field(third, "total")
    # The overruled label lost to the one the reviewer showed, and the rule is less sure.
    assert (total["value"], total["source"]) == ("2.00", "learned")
    assert total["predicted_confidence"] < trusted["predicted_confidence"]


def test_a_reset_forgets_what_was_learned(shop: Receipts):
    first = shop.upload(receipt("12.30", "150.00", 1))
    shop.correct(first, total="12.30")
    supplier = LearnedSupplier.objects.get(service=shop.service)
    assert learning_reset(service=shop.service, supplier=supplier) == 1
    assert not LearnedField.objects.filter(service=shop.service).exists()
    second = shop.upload(receipt("8.40", "95.00", 2))
    total = shop.field(second, "total")
    assert total["value"] == "95.00" and total.get("source") != "learned"


def test_one_services_corrections_never_reach_another_service(
    shop: Receipts, django_capture_on_commit_callbacks: Callable
):
    other = Receipts("Other team's receipts", django_capture_on_commit_callbacks)
    first = shop.upload(receipt("12.30", "150.00", 1))
    shop.correct(first, total="12.30")
    assert learned_knowledge(service=other.service) == {"suppliers": [], "rules": []}
    theirs = other.upload(receipt("8.40", "95.00", 2))
    total = other.field(theirs, "total")
    assert total["value"] == "95.00" and total.get("source") != "learned"
    ours = shop.upload(receipt("8.40", "95.00", 2))
    assert shop.field(ours, "total")["source"] == "learned"


def test_another_supplier_does_not_use_this_suppliers_knowledge(shop: Receipts):
    first = shop.upload(receipt("12.30", "150.00", 1))
    shop.correct(first, total="12.30")
    elsewhere = shop.upload(receipt("8.40", "95.00", 2, shop="Syarikat Buku Lain"))
    assert shop.field(elsewhere, "total").get("source") != "learned"


def test_deleting_the_document_keeps_what_was_learned(shop: Receipts):
    first = shop.upload(receipt("12.30", "150.00", 1))
    shop.correct(first, total="12.30")
    reply = shop.client.delete(f"{shop.base}/predicted-documents/{first.pk}")
    assert reply.status_code in (200, 204)
    assert LearnedField.objects.filter(service=shop.service, field="total").exists()


def test_corrections_in_the_review_pages_teach_too(shop: Receipts, django_user_model):
    user: User = django_user_model.objects.create_user("rita", password="x-long-password-1")
    first = shop.upload(receipt("12.30", "150.00", 1))
    fields_correct(document=first, values={"total": "12.30"}, user=user)
    document_approve(document=first, user=user)
    learned = LearnedField.objects.get(service=shop.service, field="total")
    assert (learned.how, learned.confirmed) == ("corrected", 0)


def test_the_admin_lists_learned_fields_and_resets_them(shop: Receipts, admin_client: Client):
    first = shop.upload(receipt("12.30", "150.00", 1))
    shop.correct(first, total="12.30")
    learned = LearnedField.objects.get(service=shop.service)
    page = admin_client.get("/admin/review/learnedfield/")
    assert page.status_code == 200
    assert SHOP in page.content.decode() and "corrected" in page.content.decode()
    reply = admin_client.post(
        "/admin/review/learnedfield/",
        {"action": "reset", "_selected_action": [learned.pk]},
    )
    assert reply.status_code == 302
    assert not LearnedField.objects.filter(pk=learned.pk).exists()
