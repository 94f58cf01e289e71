from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from docplatform import apis, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/inference/", include("jobs.urls")),
    path(
        "api/v1/service/<str:service_id>/plan/quotas",
        apis.PlanQuotasApi.as_view(),
        name="plan-quotas",
    ),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
]

handler404 = "docplatform.views.not_found"
handler500 = "docplatform.views.server_error"
