"""Full-text search of the queue: SQLite FTS5 by default, PostgreSQL's full-text search there.

A document is found by its file name, alias, id, extracted text and field values in force.
"""

from __future__ import annotations

import re
import unicodedata

from django.db import connection
from django.db.models import F, Func, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL

from jobs.models import Document
from review import fields as review_fields
from review.models import DocumentSearch

FTS_TABLE = "review_documentsearch_fts"
# Enough words to find a document by; an enormous text would only slow the index down.
BODY_MAX_CHARS = 200_000
_WORD = re.compile(r"\w+", re.UNICODE)
_ALNUM = re.compile(r"[^\W_]+", re.UNICODE)

FTS_CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "body, content='review_documentsearch', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON review_documentsearch BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, body) VALUES (new.id, new.body); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON review_documentsearch BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, body) VALUES ('delete', old.id, old.body); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE ON review_documentsearch BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, body) VALUES ('delete', old.id, old.body); "
    f"INSERT INTO {FTS_TABLE}(rowid, body) VALUES (new.id, new.body); END",
]
FTS_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ai",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]


def search_body(*, document: Document, corrected: dict | None = None) -> str:
    """The searchable text of a document."""
    result = document.result or {}
    parts = [str(document.pk), document.original_filename, document.alias]
    values = review_fields.values(result.get("fields") or {}, corrected or {})
    for value in values.values():
        if isinstance(value, list):
            parts.extend(str(v) for row in value for v in row.values() if v not in (None, ""))
        elif value not in (None, ""):
            parts.append(str(value))
    parts.append(str(result.get("text") or ""))
    return fold("\n".join(p for p in parts if p)[:BODY_MAX_CHARS])


def fold(text: str) -> str:
    """Text without its accents ("Müller" → "Muller"), so that either spelling finds it."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_index_update(*, document: Document) -> None:
    """Write the document's searchable text (after completion and after each correction)."""
    review = getattr(document, "review", None)
    corrected = review.corrected_fields if review is not None else {}
    DocumentSearch.objects.update_or_create(
        document=document, defaults={"body": search_body(document=document, corrected=corrected)}
    )


def _fts5_query(text: str) -> str:
    # Each word as a quoted prefix term: the user's text never reaches FTS5's query syntax.
    return " ".join(f'"{word}"*' for word in _WORD.findall(text))


def search_filter(documents: QuerySet[Document], text: str) -> QuerySet[Document]:
    """The documents among ``documents`` whose searchable text has every word of ``text``."""
    if not _WORD.search(text):
        return documents.none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        # As with FTS5 below: the text split at every non-alphanumeric character (FTS5's
        # unicode61 tokenizer; PostgreSQL's own parser would keep "www.shop.de" or "ZX-777"
        # whole), every word a prefix, accents ignored (the body is stored folded). The words
        # are letters and digits only, so the raw query's syntax stays out of reach.
        words = _ALNUM.findall(fold(text).lower())
        if not words:
            return documents.none()
        query = " & ".join(f"'{word}':*" for word in words)
        body = Func(
            F("body"),
            Value("[^[:alnum:]]+"),
            Value(" "),
            Value("g"),
            function="regexp_replace",
            output_field=TextField(),
        )
        matches = DocumentSearch.objects.annotate(
            vector=SearchVector(body, config="simple")
        ).filter(vector=SearchQuery(query, config="simple", search_type="raw"))
        return documents.filter(pk__in=matches.values("document_id"))
    if connection.vendor == "sqlite":
        rows = RawSQL(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [_fts5_query(text)]
        )
        ids = DocumentSearch.objects.filter(id__in=rows).values("document_id")
        return documents.filter(pk__in=ids)
    # Any other database: every word somewhere in the text.
    matches = DocumentSearch.objects.all()
    for word in _WORD.findall(text):
        matches = matches.filter(body__icontains=word)
    return documents.filter(pk__in=matches.values("document_id"))
