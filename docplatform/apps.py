from django.apps import AppConfig


class DocplatformConfig(AppConfig):
    name = "docplatform"
    verbose_name = "Platform"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from docplatform import schema  # noqa: F401  (registers the OpenAPI extension)
