"""Back up the single-machine default: SQLite's online backup and a copy of the media folder."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


def sqlite_copy(source: Path, target: Path) -> None:
    """Copy a live SQLite database consistently (its backup API), WAL included."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the SQLite database and the media folder into a new folder. "
        "Safe while the platform runs. On PostgreSQL and object storage use pg_dump and the "
        "bucket's versioning instead (see the README)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("destination", type=Path, help="A folder that does not exist yet.")

    def handle(self, *args: Any, destination: Path, **options: Any) -> None:
        if connection.vendor != "sqlite":
            raise CommandError("This database is not SQLite: back it up with pg_dump.")
        if settings.STORAGE_URL:
            raise CommandError("Files are in object storage: use the bucket's versioning.")
        if destination.exists():
            raise CommandError(f"{destination} exists already; give a new folder.")
        destination.mkdir(parents=True)
        sqlite_copy(Path(settings.DATABASES["default"]["NAME"]), destination / "db.sqlite3")
        media = Path(settings.MEDIA_ROOT)
        # Files are written before their rows commit and removed after, so copying them after
        # the database leaves no row without its file (at worst a file without a row).
        if media.exists():
            shutil.copytree(media, destination / "media")
        else:
            (destination / "media").mkdir()
        self.stdout.write(f"Backed up to {destination}")
