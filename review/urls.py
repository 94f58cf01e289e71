from django.urls import path

from review.views import documents, edits, queue, reports, uploads

app_name = "review"

urlpatterns = [
    path("", queue.queue_list, name="queue"),
    path("decide", queue.bulk_decide, name="bulk-decide"),
    path("upload/", uploads.upload_page, name="upload"),
    path("upload/status", uploads.upload_status, name="upload-status"),
    path("documents/<uuid:document_id>/", documents.document_detail, name="document-detail"),
    path(
        "documents/<uuid:document_id>/pages/<int:number>/preview",
        documents.page_preview,
        name="page-preview",
    ),
    path("documents/<uuid:document_id>/original", documents.document_original, name="original"),
    path("documents/<uuid:document_id>/fields", edits.field_update, name="field-update"),
    path("documents/<uuid:document_id>/rows/add", edits.row_add, name="row-add"),
    path("documents/<uuid:document_id>/rows/delete", edits.row_delete, name="row-delete"),
    path("documents/<uuid:document_id>/notes", edits.note_add, name="note-add"),
    path("documents/<uuid:document_id>/read-box", edits.read_box, name="read-box"),
    path("documents/<uuid:document_id>/approve", documents.document_approve, name="approve"),
    path("documents/<uuid:document_id>/reject", documents.document_reject, name="reject"),
    path("dashboard/", reports.dashboard_show, name="dashboard"),
    path(
        "services/<str:service_id>/export.<str:fmt>",
        reports.export_download,
        name="export",
    ),
]
