from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from docplatform.models import Service
from docplatform.services import api_key_create, service_create


class Command(BaseCommand):
    help = "Create a service and a first API key; the key is printed once and never stored."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--kind", default=Service.Kind.TEXT, choices=Service.Kind.values)
        parser.add_argument("--key-name", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        service = service_create(name=options["name"], kind=options["kind"])
        _, raw = api_key_create(service=service, name=options["key_name"])
        self.stdout.write(f"SERVICE_ID={service.public_id}")
        self.stdout.write(f"API_KEY={raw}")
        self.stderr.write("Keep the API key now: it cannot be shown again.")
