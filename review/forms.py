"""Forms of the review pages: the queue's filters, a field correction, a decision."""

from __future__ import annotations

from django import forms

from jobs.models import Job
from review.models import DocumentReview
from review.selectors import WAITING, QueueFilters

ORDERS = (("newest", "Newest first"), ("oldest", "Oldest first"))


class QueueFilterForm(forms.Form):
    """GET filters of the queue; the same query string travels with the documents opened from
    it, so "approve and open next" follows the queue the reviewer was looking at."""

    q = forms.CharField(required=False, max_length=200, label="Search")
    service = forms.ChoiceField(required=False, label="Service")
    revision_status = forms.ChoiceField(
        required=False,
        label="Review status",
        choices=[
            ("", "Any review status"),
            (WAITING, "Waiting for review"),
            *DocumentReview.Status.choices,
        ],
    )
    job_status = forms.ChoiceField(
        required=False,
        label="Job status",
        choices=[("", "Any job status"), *Job.Status.choices],
    )
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    alias = forms.CharField(required=False, max_length=255, label="Alias")
    order = forms.ChoiceField(required=False, choices=ORDERS, label="Order")

    def __init__(self, *args: object, services: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", "All services"), *services]

    def filters(self) -> QueueFilters:
        """The valid filters; an invalid value is dropped rather than failing the page."""
        self.is_valid()  # cleaned_data then holds the fields that are valid
        data = self.cleaned_data
        return QueueFilters(
            service=data.get("service") or "",
            revision_status=data.get("revision_status") or "",
            job_status=data.get("job_status") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            alias=data.get("alias") or "",
            q=(data.get("q") or "").strip(),
            oldest_first=data.get("order") == "oldest",
        )


class FieldCorrectionForm(forms.Form):
    field = forms.CharField(max_length=200)
    # Long enough for the whole text of a text service's document.
    value = forms.CharField(required=False, max_length=200_000, strip=True)
    queue = forms.CharField(required=False, max_length=2000)


class DecisionForm(forms.Form):
    queue = forms.CharField(required=False, max_length=2000)
    open_next = forms.BooleanField(required=False)
    reason = forms.CharField(required=False, max_length=2000, strip=True)


class RowForm(forms.Form):
    list_name = forms.RegexField(regex=r"^\w{1,100}$")
    index = forms.IntegerField(required=False, min_value=0, max_value=100_000)
    queue = forms.CharField(required=False, max_length=2000)


class NoteForm(forms.Form):
    text = forms.CharField(max_length=5000, strip=True)
    queue = forms.CharField(required=False, max_length=2000)


class ReadBoxForm(forms.Form):
    """A box drawn on a page, in fractions of the page (0 to 1)."""

    page = forms.IntegerField(min_value=1, max_value=100_000)
    x0 = forms.FloatField(min_value=0, max_value=1)
    y0 = forms.FloatField(min_value=0, max_value=1)
    x1 = forms.FloatField(min_value=0, max_value=1)
    y1 = forms.FloatField(min_value=0, max_value=1)


BULK_ACTIONS = (("approve", "Approve"), ("reject", "Reject"))


class BulkDecisionForm(forms.Form):
    """A decision for the documents selected in the queue (their ids: ``documents``, many)."""

    action = forms.ChoiceField(choices=BULK_ACTIONS)
    reason = forms.CharField(required=False, max_length=2000, strip=True)
    confirm = forms.BooleanField(required=False)
    queue = forms.CharField(required=False, max_length=2000)

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if data.get("action") == "reject" and data.get("confirm") and not data.get("reason"):
            self.add_error("reason", "Say why these documents are rejected.")
        return data
