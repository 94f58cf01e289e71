"""Line items from a table: a header row names the columns, the rows below fill them.

Best effort: a header needs a description column and one numeric column; rows end at a totals
label or a vertical gap. Rows without numbers continue the description of the row above.
"""

from __future__ import annotations

from collections.abc import Sequence

from jobs.extraction.fields.anchors import Lexicon
from jobs.extraction.fields.layout import LabelMatch, Row, find_labels
from jobs.extraction.fields.locate import Locator
from jobs.extraction.fields.model import ExtractedField, ListValue, union_box
from jobs.extraction.fields.normalize import parse_amount, parse_number
from jobs.extraction.types import Word

COLUMNS: Lexicon = {
    "description": [
        (p, 1.0)
        for p in [
            "description",
            "item",
            "items",
            "product",
            "product title",
            "article",
            "service",
            "beschreibung",
            "bezeichnung",
            "artikel",
            "leistung",
            "designation",
            "libelle",
            "omschrijving",
            "descrizione",
            "articolo",
            "prodotto",
        ]
    ],
    "quantity": [
        (p, 1.0)
        for p in [
            "qty",
            "quantity",
            "menge",
            "anzahl",
            "aantal",
            "quantite",
            "qte",
            "nombre",
            "quantita",
            "qta",
            "pcs",
            "units",
        ]
    ],
    "unit_price": [
        (p, 1.0)
        for p in [
            "unit price",
            "price",
            "rate",
            "preis",
            "einzelpreis",
            "vk-preis",
            "stuckpreis",
            "prix unitaire",
            "p.u.",
            "p.u. ht",
            "prix",
            "prijs",
            "prijs per stuk",
            "stukprijs",
            "prezzo",
            "prezzo unitario",
        ]
    ],
    "amount": [
        (p, 1.0)
        for p in [
            "amount",
            "total",
            "line total",
            "betrag",
            "zeilenbetrag",
            "gesamtpreis",
            "gesamt",
            "montant",
            "montant ht",
            "montant ttc",
            "bedrag",
            "totaal",
            "prijs incl. btw",
            "importo",
            "totale",
        ]
    ],
    "_other": [
        (p, 1.0)
        for p in [
            "tax",
            "vat",
            "tax(%)",
            "mwst",
            "tva",
            "btw",
            "iva",
            "rabatt",
            "discount",
            "remise",
            "korting",
            "pos",
        ]
    ],
}
_ITEM_CONFIDENCE = 0.6


def _header(rows: list[Row], labels: list[LabelMatch]) -> dict[int, dict[str, LabelMatch]]:
    """Header rows (row index -> column -> label) with a description and a numeric column."""
    by_row: dict[int, dict[str, LabelMatch]] = {}
    for label in labels:
        key = next(iter(label.keys))
        by_row.setdefault(label.row, {}).setdefault(key, label)
    return {
        row: columns
        for row, columns in by_row.items()
        if "description" in columns and ({"quantity", "unit_price", "amount"} & set(columns))
    }


def _column_of(word: Word, spans: list[tuple[str, float, float]]) -> str | None:
    center = (word.box[0] + word.box[2]) / 2
    for key, x0, x1 in spans:
        if x0 <= center < x1:
            return key
    return None


def _cell(words: list[Word], key: str, page: int) -> ExtractedField | None:
    if not words:
        return None
    raw = " ".join(w.text for w in words)
    parsed = parse_number(raw) if key == "quantity" else parse_amount(raw)
    if key == "description":
        if not any(c.isalpha() for c in raw):
            return None
        value: str | None = raw
    elif parsed.ok:
        value = parsed.value
    else:
        return None
    ocr = sum(w.confidence for w in words) / len(words)
    return ExtractedField(
        value=value,
        raw=raw,
        confidence=_ITEM_CONFIDENCE * ocr,
        page=page,
        box=union_box([w.box for w in words]),
    )


def extract_line_items(locator: Locator, stop_keys: Sequence[str]) -> ListValue:
    items: ListValue = []
    for page in locator.pages:
        rows = locator.rows[page.number]
        labels = find_labels(page, rows, COLUMNS)
        stops = {m.row for m in locator.labels[page.number] if set(m.keys) & set(stop_keys)}
        for header_row, columns in sorted(_header(rows, labels).items()):
            ordered = sorted(
                [(k, m) for k, m in columns.items() if k != "_other"] + _others(labels, header_row),
                key=lambda km: km[1].box[0],
            )
            spans: list[tuple[str, float, float]] = []
            for index, (key, match) in enumerate(ordered):
                x0 = 0.0 if index == 0 else (ordered[index - 1][1].box[2] + match.box[0]) / 2
                if index == len(ordered) - 1:
                    x1 = 1.0
                elif key == "description":  # free text runs up to the next column
                    x1 = ordered[index + 1][1].box[0] - 0.02
                else:
                    x1 = (match.box[2] + ordered[index + 1][1].box[0]) / 2
                if index > 0 and ordered[index - 1][0] == "description":
                    x0 = match.box[0] - 0.02
                spans.append((key, x0, x1))
            items.extend(_rows_below(rows, header_row, spans, stops, page.number))
    return items


def _others(labels: list[LabelMatch], row: int) -> list[tuple[str, LabelMatch]]:
    return [("_other", m) for m in labels if m.row == row and "_other" in m.keys]


def _rows_below(
    rows: list[Row],
    header_row: int,
    spans: list[tuple[str, float, float]],
    stops: set[int],
    page: int,
) -> ListValue:
    items: ListValue = []
    last_bottom = rows[header_row].y1
    typical = rows[header_row].height or 0.01
    for row_index in range(header_row + 1, len(rows)):
        row = rows[row_index]
        # The first item may sit further from a (multi-line) header than items from each other.
        if row_index in stops or row.y0 - last_bottom > (2.5 if items else 5) * typical:
            break
        cells: dict[str, list[Word]] = {}
        for word in row.words:
            key = _column_of(word, spans)
            if key is not None:
                cells.setdefault(key, []).append(word)
        numeric = {
            key: _cell(words, key, page)
            for key, words in cells.items()
            if key in {"quantity", "unit_price", "amount"}
        }
        numeric = {k: v for k, v in numeric.items() if v is not None}
        description = _cell(cells.get("description", []), "description", page)
        if not numeric:
            if description is None:
                if items:
                    break
                continue  # a second header line
            if items and "description" in items[-1]:
                previous = items[-1]["description"]
                previous.value = f"{previous.value}\n{description.value}"
                previous.raw = f"{previous.raw}\n{description.raw}"
                previous.box = union_box([b for b in (previous.box, description.box) if b])
            last_bottom = row.y1
            continue
        item: dict[str, ExtractedField] = {}
        if description is not None:
            item["description"] = description
        item.update(numeric)
        items.append(item)
        last_bottom = row.y1
    return items
