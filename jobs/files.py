"""A document's files, always through Django's storage: the media folder or object storage.

Nothing here assumes a local path to a stored file, so web and worker processes on different
machines share documents through the storage alone. The sandboxed extraction needs a real
file, so the worker copies the original into a private temporary folder and uploads what it
renders from there.
"""

from __future__ import annotations

import posixpath
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage

from jobs.models import Document

# Copy in chunks of this size: a large original never sits in memory whole.
CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Scratch:
    """A worker's private copy of one document's original, and a folder for its previews."""

    original: Path
    previews: Path


def document_folder_name(document: Document) -> str:
    """The storage folder of a stored document: its upload and everything derived from it."""
    return posixpath.dirname(document.file.name)


@contextmanager
def document_scratch(document: Document) -> Iterator[Scratch]:
    """Fetch the original into a temporary folder removed on exit, whatever happens."""
    with tempfile.TemporaryDirectory(prefix="docplatform-job-") as folder:
        root = Path(folder)
        original = root / posixpath.basename(document.file.name)
        with document.file.open("rb") as source, original.open("wb") as target:
            shutil.copyfileobj(source, target, CHUNK)
        previews = root / "previews"
        previews.mkdir()
        yield Scratch(original=original, previews=previews)


def document_previews_store(*, document: Document, folder: Path) -> list[str]:
    """Upload the rendered previews beside the original, under their own names.

    A name already there (an earlier run of the same job was stopped after uploading) is
    replaced (the storage is set to overwrite), so the result's names point at this run's
    images and a job run twice leaves no second copy.
    """
    stored = []
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        name = f"{document_folder_name(document)}/{path.name}"
        with path.open("rb") as handle:
            stored.append(default_storage.save(name, File(handle, name=path.name)))
    return stored


def document_preview_name(*, document: Document, number: int) -> str | None:
    """The storage name of page ``number``'s preview image, if the result has one."""
    pages = (document.result or {}).get("pages", [])
    if not 1 <= number <= len(pages) or not document.file:
        return None
    preview = pages[number - 1].get("preview")
    if not preview or "/" in preview:
        return None
    return f"{document_folder_name(document)}/{preview}"


def storage_folder_delete(folder: str) -> int:
    """Delete every object under ``folder`` (recursively); return how many files went.

    Object storage has no folders, only names with a common prefix; on the local file system
    the emptied folder itself is removed too.
    """
    try:
        directories, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return 0
    count = 0
    for name in directories:
        count += storage_folder_delete(f"{folder}/{name}")
    for name in files:
        default_storage.delete(f"{folder}/{name}")
        count += 1
    try:
        Path(default_storage.path(folder)).rmdir()
    except (NotImplementedError, OSError):
        pass  # object storage (no folders), or already gone
    return count
