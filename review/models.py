"""Who reviews which service, the review state of each document, and its correction history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from docplatform.models import Service
from jobs.models import Document


class ServiceMembership(models.Model):
    """A user's role in a service. Managed in the admin.

    A viewer reads; a reviewer also corrects and decides; a manager also uploads, exports and
    sees the service's usage. Superusers, and users given the ``review.review_every_service``
    permission, see every service; being staff alone does not.
    """

    class Role(models.TextChoices):
        VIEWER = "viewer", "Viewer (reads)"
        REVIEWER = "reviewer", "Reviewer (corrects and decides)"
        MANAGER = "manager", "Manager (also uploads, exports, sees usage)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="service_memberships"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.REVIEWER)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["service__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "service"], name="membership_unique_pair")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.service.name}"


class DocumentReview(models.Model):
    """The review of one completed document.

    Created when its job completes (``review_init``): ``review_required`` when the result needs
    a person, else ``approved`` if the service validates automatically, else ``to_review``.
    Reviewers (or the API) move it to ``approved`` or ``not_approved``, and back again if they
    change their mind; corrections never change the status by themselves.
    """

    class Status(models.TextChoices):
        # Not reviewed, nothing flagged: what a document shows before its job completes, and
        # what an application may set (myBiros' revision statuses).
        PENDING = "pending", "Pending"
        TO_REVIEW = "to_review", "To review"
        REVIEW_REQUIRED = "review_required", "Review required"
        APPROVED = "approved", "Approved"
        NOT_APPROVED = "not_approved", "Not approved"

    WAITING = (Status.PENDING, Status.TO_REVIEW, Status.REVIEW_REQUIRED)

    document = models.OneToOneField(
        Document, on_delete=models.CASCADE, primary_key=True, related_name="review"
    )
    revision_status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.TO_REVIEW, db_index=True
    )
    # Field name (``total`` or ``line_items[0].amount`` inside a list) → corrected value.
    corrected_fields = models.JSONField(default=dict, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The API key's name when the decision came through the API (no user then).
    reviewed_by_api_key = models.CharField(max_length=200, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Why the document was rejected (asked for by every rejection).
    decision_reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        permissions = [
            ("review_every_service", "Can review the documents of every service"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.revision_status}"

    @property
    def reviewer(self) -> str | None:
        """Who decided: a username, ``api-key:<name>``, ``auto-validation``, or None."""
        if self.reviewed_by_id:
            return self.reviewed_by.get_username()
        if self.reviewed_by_api_key:
            return f"api-key:{self.reviewed_by_api_key}"
        if self.reviewed_at and self.revision_status == self.Status.APPROVED:
            return "auto-validation"
        return None


class FieldRevision(models.Model):
    """One correction of one field: who, when, the value before and the value after."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="revisions")
    field = models.CharField(max_length=200)
    old_value = models.JSONField(null=True, blank=True)
    new_value = models.JSONField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="field_revisions",
    )
    api_key_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.document_id} {self.field}: {self.old_value!r} → {self.new_value!r}"

    @property
    def author(self) -> str:
        if self.user_id:
            return self.user.get_username()
        return f"api-key:{self.api_key_name}" if self.api_key_name else "unknown"


class ReviewEvent(models.Model):
    """A decision (with its reason) or a note in a document's history, beside the corrections."""

    class Kind(models.TextChoices):
        DECISION = "decision", "Decision"
        NOTE = "note", "Note"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="review_events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # For a decision: the status it set.
    revision_status = models.CharField(
        max_length=20, choices=DocumentReview.Status.choices, blank=True
    )
    text = models.TextField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_events",
    )
    api_key_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.document_id} {self.kind}: {self.revision_status or self.text[:40]}"

    @property
    def author(self) -> str:
        if self.user_id:
            return self.user.get_username()
        return f"api-key:{self.api_key_name}" if self.api_key_name else "auto-validation"


class DocumentSearch(models.Model):
    """The words a document is found by in the queue: its names, text and field values in force.

    Kept up to date by :mod:`review.search` when a job completes and after each correction.
    On SQLite an FTS5 table indexes ``body`` (kept in step by triggers, see the migration); on
    PostgreSQL its full-text search reads it.
    """

    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="search")
    body = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.document_id}"


class LearnedSupplier(models.Model):
    """A supplier a service's reviewers taught the extraction about (see ``review.learning``).

    Recognised again by hashes of its identifiers (IBAN, VAT id) and of its header words; only
    its name is kept as written. Not tied to any document: deleting documents, or the end of
    their retention, keeps what was learned from them.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="learned_suppliers")
    name = models.CharField(max_length=200, blank=True)
    # Earlier spellings of the name (a reviewer's correction replaces the shown one).
    names = models.JSONField(default=list, blank=True)
    # {"iban": [hash], "vat": [hash], "header": [hash]}: see jobs.extraction.fields.supplier.
    identifiers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["service__name", "name"]

    def __str__(self) -> str:
        return self.name or f"supplier {self.pk}"


class LearnedField(models.Model):
    """Where one supplier's documents print one field, as reviewers showed it.

    ``contexts``: the value's label words (left of it, or above it), place on the page and
    text shape, each with how often it pointed at the right value; no value, no other text.
    ``confirmed`` / ``overruled``: how often reviewers kept or corrected what this knowledge
    pointed at on a later document; the extraction's confidence in it follows from them.
    """

    class How(models.TextChoices):
        CORRECTED = "corrected", "A reviewer's correction"
        CONFIRMED = "confirmed", "A reviewer's confirmation"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="learned_fields")
    supplier = models.ForeignKey(LearnedSupplier, on_delete=models.CASCADE, related_name="fields")
    field = models.CharField(max_length=200)
    how = models.CharField(max_length=16, choices=How.choices)
    contexts = models.JSONField(default=list, blank=True)
    confirmed = models.PositiveIntegerField(default=0)
    overruled = models.PositiveIntegerField(default=0)
    used = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # The last documents that taught or judged it, so each counts once (ids only).
    documents = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["service__name", "supplier__name", "field"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "field"], name="learned_field_unique")
        ]

    def __str__(self) -> str:
        return f"{self.supplier} · {self.field}"
