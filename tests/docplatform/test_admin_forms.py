"""The admin in the administrator's units: the field schema as a table, file sizes in MB."""

from __future__ import annotations

import pytest

from docplatform.models import Service, UsagePlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("ada", password="a-long-password-3")
    client.force_login(user)
    return client


def service_form(**overrides) -> dict:
    data = {
        "name": "Orders",
        "kind": "custom",
        "is_active": "on",
        "required_fields": "[]",
        "review_threshold": "0.8",
        "settings": "{}",
        "api_keys-TOTAL_FORMS": "0",
        "api_keys-INITIAL_FORMS": "0",
        "api_keys-MIN_NUM_FORMS": "0",
        "api_keys-MAX_NUM_FORMS": "1000",
        "field_schema-rows": "3",
    }
    data.update(overrides)
    return data


def test_a_custom_schema_is_edited_as_rows_of_fields(admin_client):
    response = admin_client.post(
        "/admin/docplatform/service/add/",
        service_form(
            **{
                "field_schema-0-name": "po_number",
                "field_schema-0-label": "PO number",
                "field_schema-0-type": "reference",
                "field_schema-0-required": "on",
                "field_schema-0-anchors": "PO number\r\nPurchase order",
                "field_schema-0-pattern": r"PO-\d+",
                "field_schema-1-name": "",
            }
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    service = Service.objects.get(name="Orders")
    assert service.field_schema == [
        {
            "name": "po_number",
            "label": "PO number",
            "type": "reference",
            "required": True,
            "anchors": ["PO number", "Purchase order"],
            "pattern": r"PO-\d+",
        }
    ]
    page = admin_client.get(f"/admin/docplatform/service/{service.pk}/change/").content.decode()
    assert "data-schema-editor" in page and "value='po_number'" in page
    assert "<b>iban</b>: an IBAN, checked by its checksum" in page


def test_schema_mistakes_are_shown_field_by_field(admin_client):
    response = admin_client.post(
        "/admin/docplatform/service/add/",
        service_form(
            **{
                "field_schema-0-name": "Bad Name",
                "field_schema-0-type": "text",
                "field_schema-0-anchors": "",
            }
        ),
    )
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["field_schema"])
    assert "must be a lowercase identifier" in errors
    assert "anchors must be a non-empty list" in errors
    assert not Service.objects.exists()


def test_a_plans_largest_file_is_given_in_megabytes(admin_client):
    response = admin_client.post(
        "/admin/docplatform/usageplan/add/",
        {
            "name": "Small",
            "plan_type": "PAID_MONTHLY_QUOTA_RESET",
            "subscription_start_0": "2026-01-01",
            "subscription_start_1": "00:00:00",
            "tolerance_percent": "0",
            "max_file_mb": "2.5",
            "services-TOTAL_FORMS": "0",
            "services-INITIAL_FORMS": "0",
            "services-MIN_NUM_FORMS": "0",
            "services-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    plan = UsagePlan.objects.get(name="Small")
    assert plan.max_file_bytes == 2_621_440
    page = admin_client.get(f"/admin/docplatform/usageplan/{plan.pk}/change/").content.decode()
    assert 'name="max_file_mb" value="2.50"' in page
    assert "2.5 MB" in admin_client.get("/admin/docplatform/usageplan/").content.decode()


def test_the_admin_is_named_after_the_platform(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "Document platform administration" in page
