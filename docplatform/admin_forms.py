"""Admin forms that speak the administrator's units: a field schema edited as a table of
fields (not raw JSON) and file sizes in megabytes (not bytes)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from docplatform.models import Service, UsagePlan

MB = 1024 * 1024
# Blank rows offered below the schema's fields, for new ones.
BLANK_ROWS = 3
COLUMNS = ("name", "label", "type", "required", "anchors", "pattern", "choices")
TYPE_HELP = {
    "text": "any text",
    "reference": "a code or number (order, customer…)",
    "date": "a date, stored as YYYY-MM-DD",
    "amount": "a money amount, stored as 1234.56",
    "number": "a number",
    "currency": "an ISO 4217 code (EUR, USD…)",
    "iban": "an IBAN, checked by its checksum",
    "vat_id": "a VAT id",
    "email": "an e-mail address",
    "phone": "a phone number",
    "choice": "one of the choices listed",
}


def _types() -> tuple[str, ...]:
    from jobs.extraction.fields import FIELD_TYPES

    return tuple(FIELD_TYPES)


class SchemaWidget(forms.Widget):
    """One row of inputs per field of a custom service's schema, and blank rows for new ones."""

    def format_value(self, value: Any) -> list[dict[str, Any]]:
        return value if isinstance(value, list) else []

    def render(
        self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None
    ) -> SafeString:
        specs = [s for s in self.format_value(value) if isinstance(s, dict)]
        rows = [*specs, *({} for _ in range(BLANK_ROWS))]
        head = format_html_join(
            "",
            "<th scope='col'>{}</th>",
            (
                (text,)
                for text in (
                    "Name",
                    "Label",
                    "Type",
                    "Required",
                    "Labels on the document (anchors), one per line",
                    "Pattern (regular expression)",
                    "Choices, one per line",
                )
            ),
        )
        body = []
        for index, spec in enumerate(rows):
            prefix = f"{name}-{index}"
            options = format_html_join(
                "",
                "<option value='{}'{}>{}</option>",
                (
                    (t, mark_safe(" selected") if spec.get("type", "text") == t else "", t)
                    for t in _types()
                ),
            )
            body.append(
                format_html(
                    "<tr>"
                    "<td><input name='{p}-name' value='{name}' size='14' "
                    "pattern='[a-z_][a-z0-9_]*' aria-label='Name'></td>"
                    "<td><input name='{p}-label' value='{label}' size='16' aria-label='Label'></td>"
                    "<td><select name='{p}-type' aria-label='Type'>{options}</select></td>"
                    "<td><input type='checkbox' name='{p}-required'{checked} "
                    "aria-label='Required'></td>"
                    "<td><textarea name='{p}-anchors' rows='2' cols='22' "
                    "aria-label='Anchors'>{anchors}</textarea></td>"
                    "<td><input name='{p}-pattern' value='{pattern}' size='12' "
                    "aria-label='Pattern'></td>"
                    "<td><textarea name='{p}-choices' rows='2' cols='12' "
                    "aria-label='Choices'>{choices}</textarea></td>"
                    "</tr>",
                    p=prefix,
                    name=spec.get("name", ""),
                    label=spec.get("label") or "",
                    options=options,
                    checked=mark_safe(" checked") if spec.get("required") else "",
                    anchors="\n".join(spec.get("anchors") or []),
                    pattern=spec.get("pattern") or "",
                    choices="\n".join(spec.get("choices") or []),
                )
            )
        types = format_html_join(
            ", ", "<b>{}</b>: {}", ((t, TYPE_HELP.get(t, t)) for t in _types())
        )
        return format_html(
            "<div class='schema-editor-wrap'>"
            "<table class='schema-editor' data-schema-editor><thead><tr>{}</tr></thead>"
            "<tbody>{}</tbody></table>"
            "<input type='hidden' name='{}-rows' value='{}'>"
            "<p class='help'>A row without a name is ignored; clear a name to remove its field. "
            "Save to get more blank rows. Types: {}.</p></div>",
            head,
            mark_safe("".join(body)),
            name,
            len(rows),
            types,
        )

    def value_from_datadict(self, data: MultiValueDict, files: Any, name: str) -> Any:
        try:
            count = min(int(data.get(f"{name}-rows", "0")), 500)
        except ValueError:
            count = 0
        specs = []
        for index in range(count):
            prefix = f"{name}-{index}"
            field_name = (data.get(f"{prefix}-name") or "").strip()
            if not field_name:
                continue
            spec: dict[str, Any] = {"name": field_name}
            label = (data.get(f"{prefix}-label") or "").strip()
            if label:
                spec["label"] = label
            spec["type"] = (data.get(f"{prefix}-type") or "text").strip()
            spec["required"] = bool(data.get(f"{prefix}-required"))
            spec["anchors"] = _lines(data.get(f"{prefix}-anchors"))
            pattern = (data.get(f"{prefix}-pattern") or "").strip()
            if pattern:
                spec["pattern"] = pattern
            choices = _lines(data.get(f"{prefix}-choices"))
            if choices:
                spec["choices"] = choices
            specs.append(spec)
        return specs

    def value_omitted_from_data(self, data: MultiValueDict, files: Any, name: str) -> bool:
        return f"{name}-rows" not in data


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in re.split(r"[\r\n]+", text or "") if line.strip()]


class SchemaField(forms.Field):
    widget = SchemaWidget

    def to_python(self, value: Any) -> list[dict[str, Any]]:
        return value if isinstance(value, list) else []

    def validate(self, value: Any) -> None:
        # The model's clean() checks the schema against the kind, with messages per field.
        return None


class ServiceAdminForm(forms.ModelForm):
    field_schema = SchemaField(
        required=False,
        label="Fields to extract",
        help_text="Custom services only: one row per field.",
    )

    class Meta:
        model = Service
        # The admin's fieldsets name the rest.
        fields = ("field_schema",)


class UsagePlanAdminForm(forms.ModelForm):
    """The plan with its largest file in megabytes."""

    max_file_mb = forms.DecimalField(
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        label="Largest file (MB)",
        help_text="In megabytes (1 MB = 1,048,576 bytes); empty: the platform's limit. "
        "The platform's limit applies if it is smaller.",
    )

    class Meta:
        model = UsagePlan
        # The admin's fieldsets name the rest; the size is edited as max_file_mb.
        fields = ("name",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        size = self.instance.max_file_bytes if self.instance else None
        if size is not None:
            self.initial["max_file_mb"] = (Decimal(size) / MB).quantize(Decimal("0.01"))

    def clean_max_file_mb(self) -> Decimal | None:
        value = self.cleaned_data.get("max_file_mb")
        if value is not None and value * MB > 2**62:
            raise ValidationError("That is larger than any file.")
        return value

    def save(self, commit: bool = True) -> UsagePlan:
        value = self.cleaned_data.get("max_file_mb")
        self.instance.max_file_bytes = None if value is None else int(value * MB)
        return super().save(commit=commit)


def megabytes(size: int | None) -> str:
    """``52428800`` → ``50 MB``; ``None`` → ``—``."""
    if size is None:
        return "—"
    return f"{Decimal(size) / MB:.2f}".rstrip("0").rstrip(".") + " MB"
