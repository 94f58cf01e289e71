"""The review workspace with Django's test client: in-place saves, line item rows, notes,
reasons, roles, the queue's search, counts and bulk decisions, and uploads."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from jobs.models import Document, Job
from review import fields as review_fields
from review.models import DocumentReview, FieldRevision, ReviewEvent, ServiceMembership
from review.search import search_index_update
from tests import documents
from tests.review.conftest import field

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def detail_url(document) -> str:
    return reverse("review:document-detail", args=[document.pk])


def test_a_save_in_place_answers_the_field_and_the_history_only(
    reviewer_client, service, complete_document
):
    document = complete_document(service)
    response = reviewer_client.post(
        reverse("review:field-update", args=[document.pk]),
        {"field": "total", "value": "100.00"},
        **HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="field-total"' in body and 'value="100.00"' in body
    assert 'id="history" hx-swap-oob="true"' in body
    assert "Saved Total: 100.00." in body
    assert "<html" not in body


def test_a_multi_line_value_gets_a_textarea_and_keeps_its_newlines(
    reviewer_client, service, complete_document
):
    document = complete_document(
        service, fields={"text": field("first line\nsecond line", 1.0)}, needs_review=False
    )
    body = reviewer_client.get(detail_url(document)).content.decode()
    assert ">first line\nsecond line</textarea>" in body
    # The browser sends newlines as CRLF: an untouched value is unchanged.
    reviewer_client.post(
        reverse("review:field-update", args=[document.pk]),
        {"field": "text", "value": "first line\r\nsecond line"},
    )
    assert not FieldRevision.objects.exists()


def test_rows_of_line_items_are_added_filled_and_deleted_each_in_the_history(
    reviewer_client, service, complete_document
):
    document = complete_document(service)
    url = reverse("review:row-add", args=[document.pk])
    assert reviewer_client.post(url, {"list_name": "line_items"}).status_code == 302
    # The new row's cells can be filled, also a column the extraction never found.
    reviewer_client.post(
        reverse("review:field-update", args=[document.pk]),
        {"field": "line_items[1].description", "value": "Shipping"},
    )
    reviewer_client.post(
        reverse("review:field-update", args=[document.pk]),
        {"field": "line_items[0].quantity", "value": "2"},
    )
    reviewer_client.post(
        reverse("review:row-delete", args=[document.pk]), {"list_name": "line_items", "index": 0}
    )
    review = DocumentReview.objects.get(document=document)
    values = review_fields.values(document.result["fields"], review.corrected_fields)
    assert values["line_items"] == [{"description": "Shipping"}]
    kinds = [r.field for r in FieldRevision.objects.order_by("created_at", "id")]
    assert kinds == [
        "line_items[1]",
        "line_items[1].description",
        "line_items[0].quantity",
        "line_items[0]",
    ]
    page = " ".join(reviewer_client.get(detail_url(document)).content.decode().split())
    assert "added the row <code>line_items[1]</code>" in page
    assert "deleted the row <code>line_items[0]</code>" in page


def test_the_api_shows_rows_in_force(api_client, service, complete_document, reviewer):
    from review.services import fields_correct, list_row_add, list_row_delete

    document = complete_document(service)
    index = list_row_add(document=document, list_name="line_items", user=reviewer)
    fields_correct(document=document, values={f"line_items[{index}].amount": "5.00"}, user=reviewer)
    list_row_delete(document=document, list_name="line_items", index=0, user=reviewer)
    url = f"/api/v1/inference/service/{service.public_id}/predicted-documents/{document.pk}"
    body = api_client.get(url).json()
    (row,) = body["document_pages"][0]["aggregated_entities"]["line_items"]
    amount = row["aggregated_fields"]["amount"]
    assert amount["value"] == "5.00" and amount["corrected"] is True
    # The row keeps the index its corrections name.
    assert row["index"] == index


def test_a_note_is_kept_in_the_history(reviewer_client, service, complete_document):
    document = complete_document(service)
    reviewer_client.post(reverse("review:note-add", args=[document.pk]), {"text": "Call them"})
    (note,) = ReviewEvent.objects.filter(document=document)
    assert (note.kind, note.text, note.author) == ("note", "Call them", "rita")
    assert "Call them" in reviewer_client.get(detail_url(document)).content.decode()


def test_a_note_sent_in_place_answers_an_empty_note_form_and_the_history(
    reviewer_client, service, complete_document
):
    document = complete_document(service)
    response = reviewer_client.post(
        reverse("review:note-add", args=[document.pk]), {"text": "Call them"}, **HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="note"' in body and "data-field-input></textarea>" in body
    assert 'id="history" hx-swap-oob="true"' in body and "Call them" in body
    assert "Note added." in body
    assert ReviewEvent.objects.filter(document=document, kind="note").count() == 1


def test_an_empty_note_sent_in_place_is_refused_at_the_note_field(
    reviewer_client, service, complete_document
):
    document = complete_document(service)
    response = reviewer_client.post(
        reverse("review:note-add", args=[document.pk]), {"text": "   "}, **HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'aria-invalid="true"' in body and 'id="note-error"' in body
    assert "Write the note first" in body
    assert not ReviewEvent.objects.filter(document=document).exists()


def test_an_approval_in_place_answers_the_header_with_the_new_status_and_the_history(
    reviewer_client, service, complete_document
):
    document = complete_document(service)
    response = reviewer_client.post(reverse("review:approve", args=[document.pk]), {}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="doc-header"' in body and "status-approved" in body
    assert 'id="history" hx-swap-oob="true"' in body and "Approved invoice.pdf." in body
    assert DocumentReview.objects.get(document=document).revision_status == "approved"
    # Approve and open next goes on to another page, with htmx or without.
    response = reviewer_client.post(
        reverse("review:approve", args=[document.pk]), {"open_next": "1"}, **HTMX
    )
    assert response.status_code == 302


def test_a_refused_save_in_place_says_why_on_the_status_line_not_with_a_whole_page(
    reviewer_client, service, complete_document
):
    document = complete_document(service)
    response = reviewer_client.post(
        reverse("review:field-update", args=[document.pk]),
        {"field": "no_such_field", "value": "1"},
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#flash" and response["HX-Reswap"] == "outerHTML"
    body = response.content.decode()
    assert "<html" not in body and "flash-error" in body
    response = reviewer_client.post(
        reverse("review:row-delete", args=[document.pk]),
        {"list_name": "line_items", "index": "7"},
        **HTMX,
    )
    assert response["HX-Retarget"] == "#flash"
    # Without JavaScript the same refusal comes back with the page.
    response = reviewer_client.post(
        reverse("review:field-update", args=[document.pk]),
        {"field": "no_such_field", "value": "1"},
    )
    assert response.status_code == 302


def test_the_reasons_for_review_are_named_on_the_document(
    reviewer_client, service, complete_document
):
    document = complete_document(service)
    body = reviewer_client.get(detail_url(document)).content.decode()
    assert "Total: 55% confidence, under 90%." in body
    assert "(low_confidence)" in body


def test_review_reasons_name_missing_invalid_and_unsure_fields():
    result = {
        "fields": {
            "total": field("x", 0.5, errors=[{"code": "invalid_amount", "message": "no"}]),
            "date": field(None, 0.0),
        },
        "validation_errors": [{"code": "totals_mismatch", "message": "10 + 2 is not 13"}],
    }
    reasons = review_fields.review_reasons(result=result, required_fields=["date"], threshold=0.8)
    assert [r.code for r in reasons] == [
        "totals_mismatch",
        "required_missing",
        "field_invalid",
        "low_confidence",
    ]
    assert review_fields.reasons_summary(reasons) == (
        "1 field under the confidence threshold · 1 required missing · 1 invalid value · "
        "1 document problem"
    )


def test_the_words_under_a_drawn_box_make_the_value():
    words = [
        {"text": "Due", "box": [0.1, 0.1, 0.15, 0.12], "line": 3},
        {"text": "2024-05-01", "box": [0.2, 0.1, 0.3, 0.12], "line": 3},
        {"text": "elsewhere", "box": [0.6, 0.6, 0.7, 0.62], "line": 9},
    ]
    assert review_fields.words_in_box(words, (0.18, 0.05, 0.35, 0.2)) == "2024-05-01"
    assert review_fields.words_in_box(words, (0.0, 0.0, 1.0, 0.5)) == "Due 2024-05-01"


def test_reading_a_box_answers_its_words(reviewer_client, service, complete_document):
    document = complete_document(service)
    result = document.result
    result["pages"][0]["words"] = [{"text": "INV-9", "box": [0.5, 0.5, 0.6, 0.52], "line": 0}]
    Document.objects.filter(pk=document.pk).update(result=result)
    url = reverse("review:read-box", args=[document.pk])
    box = {"page": 1, "x0": 0.4, "y0": 0.4, "x1": 0.7, "y1": 0.6}
    assert reviewer_client.post(url, box).json() == {"text": "INV-9"}
    reply = reviewer_client.post(url, {**box, "page": 7})
    assert reply.status_code == 422 and reply.json()["error"]["code"] == "unknown_page"


def test_a_viewer_reads_but_neither_corrects_nor_decides(
    reviewer, reviewer_client, service, complete_document
):
    ServiceMembership.objects.filter(user=reviewer).update(role=ServiceMembership.Role.VIEWER)
    document = complete_document(service)
    body = reviewer_client.get(detail_url(document)).content.decode()
    assert "data-field-input" not in body and 'data-action="approve"' not in body
    response = reviewer_client.post(
        reverse("review:field-update", args=[document.pk]), {"field": "total", "value": "1"}
    )
    assert response.status_code == 403
    assert reviewer_client.post(reverse("review:approve", args=[document.pk])).status_code == 403
    assert not FieldRevision.objects.exists()


def test_only_a_manager_exports_and_uploads(reviewer_client, service):
    export = reverse("review:export", args=[service.public_id, "csv"])
    assert reviewer_client.get(export).status_code == 403
    assert reviewer_client.get(reverse("review:upload")).status_code == 403


def test_a_manager_uploads_through_the_same_submit_and_quota_as_the_api(
    manager_client, service, django_capture_on_commit_callbacks
):
    from docplatform.models import UsagePlan

    service.plan = UsagePlan.objects.create(name="small", documents_limit=1)
    service.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            reverse("review:upload"),
            {
                "service": service.public_id,
                "files": [
                    documents.upload("a.pdf", documents.text_pdf(["Invoice one"])),
                    documents.upload("b.pdf", documents.text_pdf(["Invoice two"])),
                    documents.upload("c.txt", b"plain text"),
                ],
            },
            follow=True,
        )
    body = response.content.decode()
    assert Document.objects.filter(service=service).count() == 1
    assert Job.objects.get().status == Job.Status.COMPLETED
    assert "b.pdf:" in body and "c.txt: Unsupported file type" in body
    # The page polls the documents' progress until they are finished.
    assert 'data-upload-status="queued"' in body and 'hx-trigger="every 1s"' in body
    (document,) = Document.objects.all()
    status = manager_client.get(
        reverse("review:upload-status"),
        {"service": service.public_id, "documents": str(document.pk)},
    ).content.decode()
    assert 'data-upload-status="completed"' in status and "hx-trigger" not in status


def test_the_queue_finds_documents_by_their_text_and_field_values(
    reviewer_client, service, complete_document
):
    wanted = complete_document(service, filename="one.pdf")
    other = complete_document(service, filename="two.pdf")
    result = wanted.result
    result["text"] = "Rechnung der Brauerei Müller"
    Document.objects.filter(pk=wanted.pk).update(result=result)
    search_index_update(document=Document.objects.get(pk=wanted.pk))
    # Words and beginnings of words, accents or not.
    found = reviewer_client.get(reverse("review:queue"), {"q": "brauerei müll"})
    assert [r["document"] for r in found.context["rows"]] == [wanted]
    # Corrected values are searched too.
    reviewer_client.post(
        reverse("review:field-update", args=[other.pk]),
        {"field": "invoice_number", "value": "ZX-777"},
    )
    found = reviewer_client.get(reverse("review:queue"), {"q": "ZX-777"})
    assert [r["document"] for r in found.context["rows"]] == [other]
    # FTS syntax in the query is only words.
    assert reviewer_client.get(reverse("review:queue"), {"q": '" OR *'}).status_code == 200


def test_all_counts_every_document_the_list_shows(
    reviewer_client, service, complete_document, submit
):
    complete_document(service)
    job = Job.objects.create(service=service)
    Document.objects.create(
        job=job, service=service, content_type="application/pdf", size=1, sha256="0" * 64
    )
    response = reviewer_client.get(reverse("review:queue"))
    assert response.context["total"] == response.context["page"].paginator.count == 2


def test_several_documents_are_approved_at_once_after_a_confirmation(
    reviewer_client, service, other_service, complete_document
):
    first = complete_document(service)
    second = complete_document(service)
    url = reverse("review:bulk-decide")
    ids = [str(first.pk), str(second.pk)]
    confirm = reviewer_client.post(url, {"action": "approve", "documents": ids})
    assert confirm.status_code == 200 and "Approve 2 documents?" in confirm.content.decode()
    assert not DocumentReview.objects.filter(revision_status="approved").exists()
    reviewer_client.post(url, {"action": "approve", "documents": ids, "confirm": "1"})
    assert DocumentReview.objects.filter(revision_status="approved").count() == 2
    assert ReviewEvent.objects.filter(kind="decision").count() == 2


def test_a_bulk_rejection_needs_a_reason_and_never_touches_another_services_document(
    reviewer_client, service, other_service, complete_document
):
    mine = complete_document(service)
    theirs = complete_document(other_service)
    url = reverse("review:bulk-decide")
    response = reviewer_client.post(
        url, {"action": "reject", "documents": [str(mine.pk)], "confirm": "1"}
    )
    assert response.status_code == 422
    reviewer_client.post(
        url,
        {
            "action": "reject",
            "documents": [str(mine.pk), str(theirs.pk)],
            "confirm": "1",
            "reason": "Duplicates",
        },
    )
    assert not DocumentReview.objects.filter(revision_status="not_approved").exists()
    reviewer_client.post(
        url,
        {"action": "reject", "documents": [str(mine.pk)], "confirm": "1", "reason": "Duplicate"},
    )
    assert DocumentReview.objects.get(document=mine).decision_reason == "Duplicate"


def test_the_dashboard_leads_to_the_waiting_documents(reviewer_client, service, complete_document):
    complete_document(service, needs_review=True)
    complete_document(service, needs_review=False)
    approved = complete_document(service)
    reviewer_client.post(reverse("review:approve", args=[approved.pk]))
    body = reviewer_client.get(reverse("review:dashboard")).content.decode()
    link = f"?service={service.public_id}&amp;revision_status=waiting"
    assert link in body
    queue = reviewer_client.get(
        reverse("review:queue"), {"service": service.public_id, "revision_status": "waiting"}
    )
    assert queue.context["page"].paginator.count == 2


def test_the_original_file_is_served_to_members_only(
    reviewer_client, client, service, complete_document
):
    document = complete_document(service, filename="scan.pdf")
    url = reverse("review:original", args=[document.pk])
    response = reviewer_client.get(url + "?download=1")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF"
    assert 'attachment; filename="scan.pdf"' in response["Content-Disposition"]
    assert "sandbox" in response["Content-Security-Policy"]
    stranger = User.objects.create_user("sam", password="x-long-password-1")
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_the_chart_has_a_value_axis_and_weekly_dates():
    from datetime import date, timedelta

    from review.charts import daily_chart

    start = date(2026, 1, 1)
    chart = daily_chart([(start + timedelta(days=n), n % 3, 0) for n in range(30)])
    assert [t.value for t in chart.y_ticks] == [0, 1, 2, 3, 4]
    assert [t.value for t in chart.x_ticks] == ["Jan 2", "Jan 9", "Jan 16", "Jan 23", "Jan 30"]


def test_staff_status_alone_manages_no_service_but_the_explicit_permission_does(client, service):
    from django.contrib.auth.models import Permission

    staff = User.objects.create_user("sue", password="x-long-password-1", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("review:upload")).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="review_every_service"))
    client.force_login(User.objects.get(pk=staff.pk))
    assert client.get(reverse("review:upload")).status_code == 200


def test_a_client_without_a_session_is_sent_to_sign_in(service):
    assert Client().get(reverse("review:upload")).status_code == 302


def test_unsure_line_item_cells_are_one_reason_per_list():
    reasons = [
        review_fields.Reason("low_confidence", "x", "line_items[0].amount"),
        review_fields.Reason("low_confidence", "x", "line_items[1].amount"),
        review_fields.Reason("low_confidence", "x", "line_items[1].quantity"),
        review_fields.Reason("low_confidence", "Total: 50%", "total"),
    ]
    grouped = review_fields.reasons_grouped(reasons)
    assert [r.message for r in grouped] == [
        "Line items: 3 cells in 2 rows under the confidence threshold.",
        "Total: 50%",
    ]
