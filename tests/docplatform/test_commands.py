"""Management commands that create services and keys."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from docplatform.models import Service

pytestmark = pytest.mark.django_db


def test_service_create_prints_a_working_key_once():
    out = io.StringIO()
    call_command("service_create", "Receipts", stdout=out, stderr=io.StringIO())
    values = dict(line.split("=", 1) for line in out.getvalue().split())
    service = Service.objects.get(public_id=values["SERVICE_ID"])
    assert service.name == "Receipts"
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=values["API_KEY"])
    response = client.get(f"/api/v1/inference/service/{service.public_id}/jobs")
    assert response.status_code == 200


def test_apikey_create_adds_a_key_to_an_existing_service(service):
    out = io.StringIO()
    call_command(
        "apikey_create", service.public_id, "--name", "ci", stdout=out, stderr=io.StringIO()
    )
    raw = out.getvalue().strip().split("=", 1)[1]
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=raw)
    assert client.get(f"/api/v1/inference/service/{service.public_id}/jobs").status_code == 200
    assert service.api_keys.get(name="ci").prefix in raw
