"""Corrections are checked by their field's type, the same way in the API and the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from docplatform.models import Service
from review.models import FieldRevision
from review.validation import CorrectionInvalid, correction_clean, field_spec
from tests.review.conftest import field

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoices(service: Service) -> Service:
    service.kind = Service.Kind.INVOICE
    service.save()
    return service


def invoice_result() -> dict:
    return {
        "invoice_date": field("2024-02-01"),
        "total_amount": field("99.50"),
        "currency": field("EUR"),
        "iban": field("DE89370400440532013000"),
        "customer_name": field("ACME"),
        "line_items": [{"description": field("Widget"), "amount": field("99.50")}],
    }


def clean(service: Service, name: str, value: str | None) -> str | None:
    return correction_clean(service=service, name=name, value=value)


def refusal(service: Service, name: str, value: str) -> CorrectionInvalid:
    with pytest.raises(CorrectionInvalid) as caught:
        clean(service, name, value)
    return caught.value


def test_an_impossible_date_is_refused_with_the_field_named(invoices):
    error = refusal(invoices, "invoice_date", "31/02/2024")
    assert (error.field, error.code) == ("invoice_date", "invalid_date")
    assert error.message.startswith("invoice_date: '31/02/2024' is not a date")


def test_a_written_out_amount_is_refused(invoices):
    error = refusal(invoices, "total_amount", "four dollars")
    assert error.code == "invalid_amount"
    assert "total_amount" in error.message


def test_a_currency_must_be_an_iso_4217_code(invoices):
    assert refusal(invoices, "currency", "XYZ").code == "invalid_currency"
    assert refusal(invoices, "currency", "dollarz").code == "invalid_currency"
    # Codes beyond the ones the extraction recognises on pages are valid corrections too.
    assert clean(invoices, "currency", "mnt") == "MNT"
    assert clean(invoices, "currency", "€") == "EUR"


def test_an_iban_must_pass_its_checksum(invoices):
    error = refusal(invoices, "iban", "DE89 3704 0044 0532 0130 01")
    assert error.code == "invalid_iban"
    assert clean(invoices, "iban", "de89 3704 0044 0532 0130 00") == "DE89370400440532013000"


def test_valid_corrections_are_stored_normalised(invoices):
    assert clean(invoices, "invoice_date", "29.02.2024") == "2024-02-29"
    assert clean(invoices, "total_amount", "1.234,56") == "1234.56"
    assert clean(invoices, "line_items[0].amount", "12") == "12.00"
    assert clean(invoices, "customer_name", "  anything at all ") == "anything at all"


def test_an_empty_correction_clears_the_field_whatever_its_type(invoices):
    assert clean(invoices, "invoice_date", "  ") is None
    assert clean(invoices, "total_amount", None) is None


def test_line_item_columns_have_their_own_types(invoices):
    assert field_spec(service=invoices, name="line_items[3].amount").type == "amount"
    assert refusal(invoices, "line_items[0].amount", "a lot").code == "invalid_amount"


def test_custom_fields_are_checked_by_their_schema_type_choices_and_pattern(service):
    service.kind = Service.Kind.CUSTOM
    service.field_schema = [
        {"name": "due", "type": "date", "anchors": ["Due"]},
        {"name": "colour", "type": "choice", "anchors": ["Colour"], "choices": ["Red", "Blue"]},
        {"name": "order_no", "type": "reference", "anchors": ["Order"], "pattern": r"\d{6}"},
    ]
    service.save()
    assert refusal(service, "due", "tomorrow-ish").code == "invalid_date"
    assert clean(service, "colour", "red") == "Red"
    assert refusal(service, "colour", "green").code == "invalid_choice"
    assert refusal(service, "order_no", "12345").code == "pattern_mismatch"
    assert clean(service, "order_no", "123456") == "123456"


def test_the_api_answers_422_naming_the_field_and_stores_nothing(
    api_client, invoices, complete_document
):
    document = complete_document(invoices, fields=invoice_result())
    url = f"/api/v1/inference/service/{invoices.public_id}/predicted-documents/{document.pk}"
    response = api_client.patch(
        url,
        {
            "revision_status": "approved",
            "fields": {"total_amount": "1", "invoice_date": "31/02/2024"},
        },
        format="json",
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["param"]) == ("invalid_date", "fields.invoice_date")
    assert "invoice_date" in error["message"]
    assert not FieldRevision.objects.exists()
    document.review.refresh_from_db()
    assert document.review.revision_status != "approved"


def test_the_review_page_shows_the_refusal_at_the_field_and_keeps_the_typed_value(
    reviewer_client, invoices, complete_document
):
    document = complete_document(invoices, fields=invoice_result())
    response = reviewer_client.post(
        reverse("review:field-update", args=[document.pk]),
        {"field": "total_amount", "value": "four dollars", "queue": ""},
    )
    assert response.status_code == 422
    page = response.content.decode()
    row = page[page.index('id="field-total_amount"') :]
    row = row[: row.index("</li>")]
    assert 'value="four dollars"' in row
    assert 'aria-invalid="true"' in row
    assert "is not an amount" in row
    assert not FieldRevision.objects.exists()
