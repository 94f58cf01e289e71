from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from docplatform.models import Service
from docplatform.services import api_key_create


class Command(BaseCommand):
    help = "Create an API key for a service; the key is printed once and never stored."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("service_id", help="The service's public id (svc_...)")
        parser.add_argument("--name", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        service = Service.objects.filter(public_id=options["service_id"]).first()
        if service is None:
            raise CommandError(f"No service {options['service_id']!r}.")
        _, raw = api_key_create(service=service, name=options["name"])
        self.stdout.write(f"API_KEY={raw}")
        self.stderr.write("Keep the API key now: it cannot be shown again.")
