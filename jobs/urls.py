from django.urls import path

from jobs import apis, predict_apis

app_name = "jobs"

urlpatterns = [
    path("service/<str:service_id>", predict_apis.ServiceInfoApi.as_view(), name="service-info"),
    path("service/<str:service_id>/predict", predict_apis.PredictApi.as_view(), name="predict"),
    path(
        "service/<str:service_id>/async-predict",
        apis.JobPredictApi.as_view(),
        name="async-predict",
    ),
    path("service/<str:service_id>/jobs", apis.JobListApi.as_view(), name="job-list"),
    path(
        "service/<str:service_id>/jobs/<str:job_id>",
        apis.JobDetailApi.as_view(),
        name="job-detail",
    ),
    path(
        "service/<str:service_id>/predicted-documents/<str:resource_id>",
        apis.DocumentDetailApi.as_view(),
        name="document-detail",
    ),
    path(
        "service/<str:service_id>/predicted-documents/<str:resource_id>/pages/<int:number>/preview",
        apis.DocumentPagePreviewApi.as_view(),
        name="document-page-preview",
    ),
]
