"""Document extraction: pure functions over files, with no knowledge of the ORM.

The worker never parses a document in its own process: :func:`sandbox.extract_sandboxed`
runs :mod:`jobs.extraction.runner` in a child process under CPU, memory and wall-clock
limits, so a hostile or broken file can kill only that child.
"""

from jobs.extraction.types import ExtractionError, Page, Word

__all__ = ["ExtractionError", "Page", "Word"]
