from django.urls import path

from review.views import documents, reports

app_name = "review"

urlpatterns = [
    path("", documents.queue_list, name="queue"),
    path("documents/<uuid:document_id>/", documents.document_detail, name="document-detail"),
    path(
        "documents/<uuid:document_id>/pages/<int:number>/preview",
        documents.page_preview,
        name="page-preview",
    ),
    path("documents/<uuid:document_id>/fields", documents.field_update, name="field-update"),
    path("documents/<uuid:document_id>/approve", documents.document_approve, name="approve"),
    path("documents/<uuid:document_id>/reject", documents.document_reject, name="reject"),
    path("dashboard/", reports.dashboard_show, name="dashboard"),
    path(
        "services/<str:service_id>/export.<str:fmt>",
        reports.export_download,
        name="export",
    ),
]
