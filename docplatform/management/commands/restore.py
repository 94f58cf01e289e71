"""Restore a backup written by ``manage.py backup`` into the configured data folder."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from docplatform.management.commands.backup import sqlite_copy


class Command(BaseCommand):
    help = (
        "Replace the SQLite database and the media folder with a backup. Stop the web server "
        "and the worker first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="A folder written by manage.py backup.")
        parser.add_argument(
            "--force", action="store_true", help="Replace existing data without asking."
        )

    def handle(self, *args: Any, source: Path, force: bool, **options: Any) -> None:
        if connection.vendor != "sqlite":
            raise CommandError("This database is not SQLite: restore it with pg_restore/psql.")
        database = source / "db.sqlite3"
        if not database.is_file() or not (source / "media").is_dir():
            raise CommandError(f"{source} is not a backup (db.sqlite3 and media/ expected).")
        target = Path(settings.DATABASES["default"]["NAME"])
        media = Path(settings.MEDIA_ROOT)
        if (target.exists() or media.exists()) and not force:
            raise CommandError("Data exists already: stop the platform and pass --force.")
        connection.close()
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        sqlite_copy(database, target)
        if media.exists():
            shutil.rmtree(media)
        shutil.copytree(source / "media", media)
        self.stdout.write(f"Restored {source}")
