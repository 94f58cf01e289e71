"""The review pages with Django's test client: sign-in, who sees what, forms, history."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from review.models import DocumentReview, FieldRevision
from tests import documents
from tests.review.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def detail_url(document) -> str:
    return reverse("review:document-detail", args=[document.pk])


def test_the_queue_asks_for_sign_in(client):
    response = client.get(reverse("review:queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_signing_in_opens_the_queue(client, reviewer):
    response = client.post(reverse("login"), {"username": "rita", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("review:queue")
    assert client.get("/").headers["Location"] == reverse("review:queue")


def test_sign_in_forms_are_protected_against_csrf(reviewer):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "rita", "password": PASSWORD})
    assert response.status_code == 403


def test_signing_out_is_a_post(reviewer_client):
    assert reviewer_client.get(reverse("logout")).status_code == 405
    response = reviewer_client.post(reverse("logout"))
    assert response.status_code == 302
    assert reviewer_client.get(reverse("review:queue")).status_code == 302


def test_a_member_changes_their_password(reviewer_client):
    response = reviewer_client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-password-9",
            "new_password2": "another-long-password-9",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="rita").check_password("another-long-password-9")


def test_the_queue_lists_only_the_members_services(
    reviewer_client, service, other_service, complete_document
):
    mine = complete_document(service, filename="mine.pdf")
    complete_document(other_service, filename="theirs.pdf")
    body = reviewer_client.get(reverse("review:queue")).content.decode()
    assert "mine.pdf" in body
    assert "theirs.pdf" not in body
    assert detail_url(mine) in body


def test_another_services_document_answers_404(reviewer_client, other_service, complete_document):
    document = complete_document(other_service)
    assert reviewer_client.get(detail_url(document)).status_code == 404
    response = reviewer_client.post(
        reverse("review:field-update", args=[document.pk]), {"field": "total", "value": "1"}
    )
    assert response.status_code == 404
    assert reviewer_client.post(reverse("review:approve", args=[document.pk])).status_code == 404
    assert not FieldRevision.objects.exists()
    export = reverse("review:export", args=[other_service.public_id, "csv"])
    assert reviewer_client.get(export).status_code == 404


def test_staff_status_alone_shows_no_other_service(client, other_service, complete_document):
    staff = User.objects.create_user("sam", password=PASSWORD, is_staff=True)
    client.force_login(staff)
    document = complete_document(other_service)
    assert client.get(detail_url(document)).status_code == 404
    assert client.post(reverse("review:approve", args=[document.pk])).status_code == 404
    assert DocumentReview.objects.get(document=document).revision_status != "approved"


def test_superusers_and_holders_of_the_permission_see_every_service(
    client, other_service, complete_document
):
    from django.contrib.auth.models import Permission

    document = complete_document(other_service)
    admin = User.objects.create_superuser("ada", password=PASSWORD)
    client.force_login(admin)
    assert client.get(detail_url(document)).status_code == 200
    lead = User.objects.create_user("lea", password=PASSWORD)
    lead.user_permissions.add(Permission.objects.get(codename="review_every_service"))
    client.force_login(lead)
    assert client.get(detail_url(document)).status_code == 200


def test_the_queue_filters_by_review_status_and_counts_each_status(
    reviewer_client, service, complete_document
):
    complete_document(service, needs_review=True, filename="unsure.pdf")
    complete_document(service, needs_review=False, filename="clean.pdf")
    response = reviewer_client.get(reverse("review:queue"), {"revision_status": "review_required"})
    body = response.content.decode()
    assert "unsure.pdf" in body and "clean.pdf" not in body
    counts = {value: count for value, _, count in response.context["status_counts"]}
    assert counts == {
        "waiting": 2,
        "pending": 0,
        "to_review": 1,
        "review_required": 1,
        "approved": 0,
        "not_approved": 0,
    }


def test_the_queue_searches_aliases_and_sorts_oldest_first(
    reviewer_client, service, complete_document
):
    first = complete_document(service, alias="order-1")
    second = complete_document(service, alias="order-2")
    complete_document(service, alias="other")
    page = reviewer_client.get(reverse("review:queue"), {"q": "order", "order": "oldest"})
    assert list(page.context["page"].object_list) == [first, second]


def test_the_document_page_shows_fields_bands_and_boxes(
    reviewer_client, service, complete_document
):
    document = complete_document(service)
    body = reviewer_client.get(detail_url(document)).content.decode()
    assert 'data-field="invoice_number"' in body
    assert 'value="INV-1"' in body
    assert "Low confidence · 55%" in body
    assert 'data-box="total"' in body
    assert "left:60.000%;top:70.000%;width:15.000%;height:3.000%" in body


def test_a_correction_is_saved_and_shown_in_the_history(
    reviewer_client, service, complete_document
):
    document = complete_document(service)
    response = reviewer_client.post(
        reverse("review:field-update", args=[document.pk]),
        {"field": "total", "value": "100.00", "queue": "revision_status=to_review"},
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(document) + "?revision_status=to_review#field-total"
    page = reviewer_client.get(detail_url(document)).content.decode()
    assert 'value="100.00"' in page
    assert "Predicted: <span>99.50</span>" in page
    assert "<del>99.50</del> to <ins>100.00</ins>" in page
    assert "<strong>rita</strong> changed <code>total</code>" in " ".join(page.split())


def test_correcting_an_unknown_field_saves_nothing(reviewer_client, service, complete_document):
    document = complete_document(service)
    response = reviewer_client.post(
        reverse("review:field-update", args=[document.pk]), {"field": "colour", "value": "x"}
    )
    assert response.status_code == 302
    assert not FieldRevision.objects.exists()


def test_approve_and_next_opens_the_next_document_waiting(
    reviewer_client, service, complete_document
):
    newer_first = complete_document(service, filename="a.pdf")
    complete_document(service, filename="done.pdf", needs_review=False)
    DocumentReview.objects.filter(document__original_filename="done.pdf").update(
        revision_status="approved"
    )
    third = complete_document(service, filename="c.pdf")
    response = reviewer_client.post(
        reverse("review:approve", args=[third.pk]), {"open_next": "1", "queue": ""}
    )
    assert response["Location"] == detail_url(newer_first)
    review = DocumentReview.objects.get(document=third)
    assert review.revision_status == "approved"
    assert review.reviewed_by.username == "rita"
    last = reviewer_client.post(
        reverse("review:approve", args=[newer_first.pk]), {"open_next": "1"}
    )
    assert last["Location"] == reverse("review:queue")


def test_reject_records_not_approved_with_its_reason(reviewer_client, service, complete_document):
    document = complete_document(service)
    reviewer_client.post(reverse("review:reject", args=[document.pk]), {"reason": "Not ours"})
    review = DocumentReview.objects.get(document=document)
    assert review.revision_status == "not_approved"
    assert review.decision_reason == "Not ours"


def test_a_rejection_without_a_reason_rejects_nothing(reviewer_client, service, complete_document):
    document = complete_document(service)
    response = reviewer_client.post(reverse("review:reject", args=[document.pk]), follow=True)
    assert "Say why the document is rejected" in response.content.decode()
    assert DocumentReview.objects.get(document=document).revision_status == "review_required"


def test_review_forms_are_protected_against_csrf(reviewer, service, complete_document):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    document = complete_document(service)
    response = client.post(reverse("review:approve", args=[document.pk]))
    assert response.status_code == 403
    assert DocumentReview.objects.get(document=document).revision_status != "approved"


def test_page_previews_are_served_to_members_only(submit, service, other_service, reviewer, client):
    body = submit("inv.pdf", documents.text_pdf(["Invoice 1"])).json()
    url = reverse("review:page-preview", args=[body["resource"], 1])
    client.force_login(reviewer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert client.get(reverse("review:page-preview", args=[body["resource"], 2])).status_code == 404
    stranger = User.objects.create_user("stan", password=PASSWORD)
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_the_dashboard_counts_the_last_30_days(reviewer_client, service, complete_document):
    complete_document(service, needs_review=True)
    approved = complete_document(service, needs_review=False)
    DocumentReview.objects.filter(document=approved).update(revision_status="approved")
    response = reviewer_client.get(reverse("review:dashboard"))
    (row,) = response.context["rows"]
    stats = row["stats"]
    assert (stats.processed, stats.waiting, stats.approved, stats.failed) == (2, 1, 1, 0)
    assert len(row["bars"]) == 30
    assert row["bars"][-1].completed == 2
    assert b"<svg" in response.content


def test_export_has_one_row_per_approved_document_and_a_column_per_field(
    manager_client, service, complete_document
):
    reviewer_client = manager_client
    document = complete_document(service, alias="order-9")
    complete_document(service)  # not approved: not exported
    reviewer_client.post(
        reverse("review:field-update", args=[document.pk]), {"field": "total", "value": "7.00"}
    )
    reviewer_client.post(reverse("review:approve", args=[document.pk]))
    response = reviewer_client.get(reverse("review:export", args=[service.public_id, "csv"]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    assert rows[0]["alias"] == "order-9"
    assert rows[0]["total"] == "7.00"
    assert rows[0]["invoice_number"] == "INV-1"
    assert rows[0]["reviewed_by"] == "rita"
    as_json = reviewer_client.get(reverse("review:export", args=[service.public_id, "json"]))
    (row,) = as_json.json()
    assert row["fields"]["total"] == "7.00"
    assert row["fields"]["line_items"] == [{"description": "Widget", "amount": "99.50"}]


def test_export_keeps_spreadsheet_formulas_inert_but_negative_amounts_as_numbers(
    manager_client, service, complete_document
):
    reviewer_client = manager_client
    document = complete_document(service)
    reviewer_client.post(
        reverse("review:field-update", args=[document.pk]),
        {"field": "invoice_number", "value": '=HYPERLINK("http://x")'},
    )
    reviewer_client.post(
        reverse("review:field-update", args=[document.pk]), {"field": "total", "value": "-5.00"}
    )
    reviewer_client.post(reverse("review:approve", args=[document.pk]))
    response = reviewer_client.get(reverse("review:export", args=[service.public_id, "csv"]))
    (row,) = csv.DictReader(io.StringIO(response.content.decode()))
    assert row["invoice_number"] == '\'=HYPERLINK("http://x")'
    assert row["total"] == "-5.00"


def test_the_document_page_shows_document_level_validation_errors(
    reviewer_client, service, complete_document
):
    document = complete_document(service)
    result = document.result
    result["validation_errors"] = [
        {"code": "totals_mismatch", "message": "net 10 + tax 2 = 12, but total is 13."}
    ]
    type(document).objects.filter(pk=document.pk).update(result=result)
    body = reviewer_client.get(detail_url(document)).content.decode()
    assert "net 10 + tax 2 = 12, but total is 13. <small>(totals_mismatch)</small>" in body
