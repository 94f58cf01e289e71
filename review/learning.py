"""Learned knowledge: what reviewers' corrections and confirmations teach the extraction.

A correction (review pages or API) teaches the corrected fields at once; a reviewer's approval
confirms the others. The pure learning (:mod:`jobs.extraction.fields.teach`) gets the
service's knowledge and the document's pages and says what changes; this module stores it.
Each service has its own knowledge: nothing learned from one service's documents is read
when another's are extracted. A document counts once per piece of knowledge.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from docplatform.models import Service
from jobs.extraction.fields.teach import kind_types, teach
from jobs.extraction.types import Page
from jobs.models import Document
from review.models import LearnedField, LearnedSupplier

logger = logging.getLogger(__name__)

# Documents remembered per piece of knowledge (so each counts once).
DOCUMENTS_KEPT = 50
# The most knowledge one extraction carries (the most recently used first).
MAX_RULES = 5000


def learned_knowledge(*, service: Service) -> dict[str, Any]:
    """The service's knowledge as the extraction reads it (plain JSON)."""
    rules = list(
        LearnedField.objects.filter(service=service)
        .order_by(F("last_used_at").desc(nulls_last=True), "-updated_at")
        .values("id", "supplier_id", "field", "how", "contexts", "confirmed", "overruled")[
            :MAX_RULES
        ]
    )
    supplier_ids = {r["supplier_id"] for r in rules}
    suppliers = [
        {"id": s.pk, "name": s.name, "names": list(s.names or []), **(s.identifiers or {})}
        for s in LearnedSupplier.objects.filter(service=service, pk__in=supplier_ids)
    ]
    return {
        "suppliers": suppliers,
        "rules": [
            {
                "id": r["id"],
                "supplier": r["supplier_id"],
                "field": r["field"],
                "how": r["how"],
                "contexts": r["contexts"],
                "confirmed": r["confirmed"],
                "overruled": r["overruled"],
            }
            for r in rules
        ],
    }


def learnable_fields(*, service: Service) -> set[str]:
    return set(kind_types(service.kind))


def _pages(document: Document) -> list[Page]:
    pages = (document.result or {}).get("pages") or []
    return [Page.from_dict(p) for p in pages if isinstance(p, dict)]


@transaction.atomic
def learning_record(*, document: Document, values: dict[str, Any], how: dict[str, str]) -> int:
    """Learn from a reviewed document: ``values`` are its values in force, ``how`` says for
    each field to learn whether a reviewer ``corrected`` or ``confirmed`` it. A field this
    document already taught (a correction, then the approval) is not confirmed again.
    Returns how many pieces of knowledge changed."""
    service = document.service
    learnable = learnable_fields(service=service)
    how = {name: way for name, way in how.items() if name in learnable}
    if not how:
        return 0
    pages = _pages(document)
    if not pages:
        return 0
    document_id = str(document.pk)
    known = LearnedField.objects.filter(service=service, field__in=list(how))
    already = {
        (r.supplier_id, r.field)
        for r in known.only("supplier_id", "field", "documents")
        if document_id in (r.documents or [])
    }
    lesson = teach(
        learned_knowledge(service=service), pages, kind=service.kind, values=values, how=how
    )
    if lesson is None or not lesson.rules:
        return 0
    now = timezone.now()
    data = lesson.supplier
    identifiers = {key: data.get(key) or [] for key in ("iban", "vat", "header")}
    if data.get("id") is None:
        supplier = LearnedSupplier.objects.create(
            service=service,
            name=str(data.get("name") or "")[:200],
            names=data.get("names") or [],
            identifiers=identifiers,
        )
    else:
        supplier = LearnedSupplier.objects.select_for_update().get(pk=data["id"], service=service)
        supplier.name = str(data.get("name") or "")[:200]
        supplier.names = data.get("names") or []
        supplier.identifiers = identifiers
        supplier.last_seen_at = now
        supplier.save(update_fields=["name", "names", "identifiers", "last_seen_at"])
    changed = 0
    for name, rule in lesson.rules.items():
        if (supplier.pk, name) in already and how.get(name) == "confirmed":
            continue
        stored = LearnedField.objects.filter(supplier=supplier, field=name).first()
        if stored is None:
            stored = LearnedField(service=service, supplier=supplier, field=name, how=how[name])
        elif (supplier.pk, name) in already:
            # Judged on this document before: its counts stand, its contexts are updated.
            rule = {**rule, "confirmed": stored.confirmed, "overruled": stored.overruled}
        stored.how = rule.get("how") or stored.how
        stored.contexts = rule.get("contexts") or []
        stored.confirmed = int(rule.get("confirmed", 0))
        stored.overruled = int(rule.get("overruled", 0))
        stored.documents = [document_id, *[d for d in stored.documents if d != document_id]][
            :DOCUMENTS_KEPT
        ]
        stored.updated_at = now
        stored.save()
        changed += 1
    return changed


def _safely(document: Document, values: dict[str, Any], how: dict[str, str]) -> int:
    """Learning never stands in the way of a review: a failure is logged, the review stands."""
    try:
        with transaction.atomic():
            return learning_record(document=document, values=values, how=how)
    except Exception:
        logger.exception("learning from document %s failed", document.pk)
        return 0


def learning_from_corrections(*, document: Document, names: list[str]) -> int:
    """A reviewer corrected ``names``: learn them with the document's values in force."""
    from review import fields as review_fields

    review = document.review
    fields = (document.result or {}).get("fields") or {}
    values = review_fields.values(fields, review.corrected_fields)
    return _safely(document, values, {name: "corrected" for name in names})


def learning_from_approval(*, document: Document) -> int:
    """A reviewer approved the document: its fields in force are confirmed (the corrected
    ones were learned when corrected)."""
    from review import fields as review_fields

    review = document.review
    fields = (document.result or {}).get("fields") or {}
    values = review_fields.values(fields, review.corrected_fields)
    how = {
        name: "corrected" if name in review.corrected_fields else "confirmed"
        for name in learnable_fields(service=document.service)
        if name in values
    }
    return _safely(document, values, how)


def learning_used(*, document: Document) -> None:
    """Count the use of the knowledge a just-completed document's extraction relied on."""
    used = ((document.result or {}).get("learned") or {}).get("fields") or {}
    ids = [i for i in used.values() if isinstance(i, int)]
    if ids:
        LearnedField.objects.filter(service=document.service, pk__in=ids).update(
            used=F("used") + 1, last_used_at=timezone.now()
        )


def learning_reset(*, service: Service, supplier: LearnedSupplier | None = None) -> int:
    """Forget what a service learned (of one supplier, or all). Returns the pieces deleted."""
    suppliers = LearnedSupplier.objects.filter(service=service)
    if supplier is not None:
        suppliers = suppliers.filter(pk=supplier.pk)
    deleted = LearnedField.objects.filter(supplier__in=suppliers).count()
    suppliers.delete()
    return deleted
