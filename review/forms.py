"""Forms of the review pages: the queue's filters, a field correction, a decision."""

from __future__ import annotations

from django import forms

from jobs.models import Job
from review.models import DocumentReview
from review.selectors import QueueFilters

ORDERS = (("newest", "Newest first"), ("oldest", "Oldest first"))


class QueueFilterForm(forms.Form):
    """GET filters of the queue; the same query string travels with the documents opened from
    it, so "approve and open next" follows the queue the reviewer was looking at."""

    q = forms.CharField(required=False, max_length=200, label="Search")
    service = forms.ChoiceField(required=False, label="Service")
    revision_status = forms.ChoiceField(
        required=False,
        label="Review status",
        choices=[("", "Any review status"), *DocumentReview.Status.choices],
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
    value = forms.CharField(required=False, max_length=5000, strip=True)
    queue = forms.CharField(required=False, max_length=2000)


class DecisionForm(forms.Form):
    queue = forms.CharField(required=False, max_length=2000)
    open_next = forms.BooleanField(required=False)
