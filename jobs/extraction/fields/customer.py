"""The buyer's name: under its label or heading, or the addressee of an unlabelled address
block (the window of a letter), never the seller's."""

from __future__ import annotations

import re

from jobs.extraction.fields.addresses import place_in_row
from jobs.extraction.fields.items import COLUMNS
from jobs.extraction.fields.layout import LabelMatch, Row
from jobs.extraction.fields.locate import COLUMN_GAP, Candidate, Locator
from jobs.extraction.fields.normalize import Parsed
from jobs.extraction.fields.scoring import is_rival
from jobs.extraction.fields.text import fold_token
from jobs.extraction.types import Word

# A word of a name: letters, with the marks names carry ("O'Brien", "Müller-Lüdenscheid").
_NAME_WORD = re.compile(r"[^\W\d_][^\W\d_'’.&-]*[^\W\d_.]?\.?")
# The label of a form's line that names the party under its heading ("Käufer" / "Name: ACME
# GmbH"): the whole word (``_NAME_LABEL``), or at the start of a value, to be taken off it.
_NAME_LABEL_WORDS = (
    r"(?:name|nom|naam|nome|nombre|firma|raison\s+sociale|raz[oó]n\s+social"
    r"|raz[aã]o\s+social|επωνυμ[ιί]α)"
)
_NAME_LABEL = re.compile(rf"(?i){_NAME_LABEL_WORDS}\s*:")
NAME_LABEL = re.compile(rf"(?i)^{_NAME_LABEL_WORDS}\s*:\s*")
# The label alone, with its colon or without, as a form's column prints it ("Name    ACME").
_BARE_NAME_LABEL = re.compile(rf"(?i){_NAME_LABEL_WORDS}\s*:?")
# A name's label ending with its colon, after a few words more ("Apellido y Nombre / Razón
# Social:").
NAME_LABEL_WORDS = re.compile(rf"(?i)^[^:]{{0,40}}?\b{_NAME_LABEL_WORDS}\s*:$")


# Words a label or a heading is followed by that name nobody: "Customer Account TC-0381".
_NOT_NAMES = frozenset(
    ["account", "description", "details", "reference", "summary", "number", "item", "items"]
)


# A date or a phone number in a text: no name has one ("Päivämäärä 23.01.2025", "Billing
# questions: (847) 555-0193").
_DATE_OR_PHONE = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\(?\d{2,4}\)?[ -]\d{3}[ -]\d{4}")


def _names_someone(locator: Locator, candidate: Candidate) -> bool:
    """Whether a labelled text is a name: a word of letters in it ("BT-13", "2025-471331" and
    "REFCLI0215" are codes, "K O S T E N" a spaced title), not starting with a number and not
    a label ("Nummer:", "Warenempfänger")."""
    text = str(candidate.value).strip()
    tokens = text.split()
    rows = locator.rows[candidate.page]
    row = next((r for r in rows if candidate.words and candidate.words[0] in r.words), None)
    if row is not None and _table_header(row):
        return False  # a column's name ("Item", "Description")
    if (
        text.endswith(":")
        or tokens[0].isdigit()
        or fold_token(text) in _NOT_NAMES
        or not any(_NAME_WORD.fullmatch(t) and len(t) > 1 for t in tokens)
        or _DATE_OR_PHONE.search(text)
    ):
        return False
    first = candidate.words[0] if candidate.words else None
    return not any(
        first is row_word
        for label in locator.labels[candidate.page]
        for row_word in locator.rows[label.page][label.row].words[label.start : label.end]
    )


def _inside_a_sentence(locator: Locator, label: LabelMatch | None) -> bool:
    """Whether a weaker label ("client", "customer") stands inside a line of running text
    ("Organize and index client document production") rather than heading its value."""
    if label is None or label.start == 0 or max(label.keys.values()) >= 1.0:
        return False
    words = locator.rows[label.page][label.row].words
    before, first = words[label.start - 1], words[label.start]
    return first.box[0] - before.box[2] <= COLUMN_GAP and not before.text.endswith(":")


def customer_candidate(locator: Locator) -> Candidate | None:
    """The buyer's name: the best labelled text that names someone, else the first line
    under the buyer's heading that does (or its "Name:" line, on a form)."""
    for candidate in locator.candidates("customer_name", "text"):
        if _inside_a_sentence(locator, candidate.label):
            continue
        if _cut_at_a_name_label(locator, candidate):
            continue  # "Razão" of "Razão social: ...": the form's line is read below
        if _names_someone(locator, candidate):
            return candidate
    labels = sorted(locator.labels_for("customer_name"), key=lambda m: -m.keys["customer_name"])
    for label in labels:
        if label.keys["customer_name"] < 1.0 and not _alone_on_its_row(locator, label):
            continue  # "Customer", "Client": as often a number's label as a heading
        found = _name_under(locator, label)
        if found is not None:
            return found
    return None


def _alone_on_its_row(locator: Locator, label: LabelMatch) -> bool:
    """Whether a label heads a block: nothing else printed on its row ("Buyer" over the
    buyer's lines), where "Customer No. 4711" or "Client 4711" label a number."""
    row = locator.rows[label.page][label.row]
    return len(row.words) == label.end - label.start


def _cut_at_a_name_label(locator: Locator, candidate: Candidate) -> bool:
    """Whether a candidate is the start of a name's label, cut at its colon ("Razão" of
    "Razão social: Supermercados Ipê S.A.")."""
    place = place_in_row(locator, candidate) if candidate.words else None
    if place is None:
        return False
    words, start = place
    rest = words[start:]
    return bool(NAME_LABEL.match(" ".join(w.text for w in rest))) or (
        len(rest) > 1 and bool(_BARE_NAME_LABEL.fullmatch(candidate.raw or ""))
    )


# Who a letter is for within the buyer's company: "Attn:", "Att:", "z. Hd.", "t.a.v.", "c/o".
ATTENTION = re.compile(
    r"^(attn|att\.?|attention|z\.?\s?hd\.?|[aà] l'attention de|t\.a\.v\.?|c/o)\s*:?\s*", re.I
)
# A salutation on a line of its own above the name ("Herrn" / "Max Mustermann").
_SALUTATION = re.compile(
    r"(?i)(?:herrn?|frau|firma|familie|mr\.?|mrs\.?|ms\.?|monsieur|madame|m\.|mme\.?"
    r"|spett\.?le|sig\.?(?:ra)?|dhr\.?|mevr\.?|attn\.?:?)"
)


def _table_header(row: Row) -> bool:
    """Whether a row heads a table of lines: two or more of its words name columns."""
    return sum(fold_token(w.text) in _COLUMN_WORDS for w in row.words) >= 2


_COLUMN_WORDS = frozenset(
    word for phrases in COLUMNS.values() for phrase, _ in phrases for word in phrase.split()
)


def _name_under(locator: Locator, label: LabelMatch) -> Candidate | None:
    """The first line under a heading, in its column, that names someone: on a form, the
    value of its "Name:" line; none past the block's end or the next party's heading
    ("Verkäufer" under "Käufer")."""
    rows = locator.rows[label.page]
    left = label.box[0] - 0.02
    bottom = label.box[3]
    for row_index in range(label.row + 1, min(len(rows), label.row + 7)):
        row = rows[row_index]
        words = [w for w in row.words if w.box[2] >= left]
        if not words or words[0].box[0] > label.box[2] + 0.02:
            continue
        if row.y0 - bottom > 0.04:
            return None  # the block has ended
        bottom = row.y1
        if any(
            m.row == row_index and ("issuer" in m.keys or "customer_name" in m.keys)
            for m in locator.labels[label.page]
        ) or _table_header(row):
            return None
        colon = next((i for i, w in enumerate(words[:4]) if w.text.endswith(":")), None)
        if colon is not None:
            label_text = " ".join(w.text for w in words[: colon + 1])
            if _NAME_LABEL.fullmatch(label_text) and len(words) > colon + 1:
                words = words[colon + 1 :]  # "Name:", "Razão social:"
            elif colon == 0 or _NAME_LABEL.fullmatch(label_text) or label_text.count(" ") < 2:
                continue  # a form's other line ("Nummer: 4711", "Anschrift: ...")
        elif len(words) > 1 and _BARE_NAME_LABEL.fullmatch(words[0].text):
            words = words[1:]  # "Name    Najd Facilities Management Company"
        segment = [words[0]]
        for word in words[1:]:
            if word.box[0] - segment[-1].box[2] > COLUMN_GAP:
                break
            segment.append(word)
        value = " ".join(w.text for w in segment)
        if _SALUTATION.fullmatch(value):
            continue
        candidate = Locator.make_candidate(label, 0.7, segment, Parsed(value))
        if _names_someone(locator, candidate):
            return candidate
    return None


# The last line of an address: a postcode and its town ("3511 AX Utrecht", "D-80333
# München", "871 31 Härnösand", "Boulder, CO 80302", "Harrogate HG1 2BD", "Wellington
# 6011").
_TOWN_LINE = re.compile(
    r"^(?:[A-Z]{1,2}[- ]?)?\d{4,5}(?:\s?[A-Z]{2})?\s+[^\W\d_]"
    r"|^\d{3}\s\d{2}\s+[^\W\d_]"
    r"|\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}$"
    r"|,\s*[A-Z]{2}\s+\d{5}(?:-\d{4})?$"
    r"|^[^\W\d_][^\d]*\s\d{4}$"
)
# How far apart (page heights) the lines of one address block stand at most.
_LINE_GAP = 0.035


def _segments(row: Row) -> list[list[Word]]:
    out: list[list[Word]] = [[]]
    for word in row.words:
        if out[-1] and word.box[0] - out[-1][-1].box[2] > COLUMN_GAP:
            out.append([])
        out[-1].append(word)
    return [s for s in out if s]


def address_block_name(locator: Locator, *, issuer: str | None) -> Candidate | None:
    """The addressee of the first address block on the first page that is not the seller's:
    three to five lines in one column ending in a postcode and town, its name the first
    line that is not a salutation. Found without any label, so it is a guess."""
    if not locator.pages:
        return None
    page = locator.pages[0].number
    rows = locator.rows[page]
    for index, row in enumerate(rows):
        if row.y0 > 0.5:
            break
        for segment in _segments(row):
            text = " ".join(w.text for w in segment)
            if not _TOWN_LINE.search(text):
                continue
            lines = _block_above(rows, index, segment)
            if len(lines) < 3:
                continue
            names = [
                line
                for line in lines[:-2]
                if not _SALUTATION.fullmatch(_joined(line)) and not ATTENTION.match(_joined(line))
            ]
            for name in names:
                candidate = Locator.make_candidate(None, 0.5, name, Parsed(_joined(name)))
                candidate.page = page
                if not _names_someone(locator, candidate):
                    continue
                if issuer and not is_rival(candidate.value, issuer):
                    break  # the seller's own letterhead
                return candidate
    return None


def _joined(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def _block_above(rows: list[Row], index: int, last: list[Word]) -> list[list[Word]]:
    """The lines of the block a town line ends: those right above it in its column, close
    together, in print of its size, up to five; the sender's one-line return address above a
    window ("ACME GmbH · Weg 1 · 12345 Stadt") is not one of them."""
    left = last[0].box[0]
    height = last[0].box[3] - last[0].box[1]
    lines = [last]
    top = rows[index].y0
    for row in reversed(rows[max(0, index - 5) : index]):
        if top - row.y1 > _LINE_GAP:
            break
        segment = next((s for s in _segments(row) if abs(s[0].box[0] - left) <= 0.02), None)
        if segment is None:
            continue  # a row of another column between two of the block's lines
        text = _joined(segment)
        size = segment[0].box[3] - segment[0].box[1]
        if any(c in text for c in "·•|") or size < 0.75 * height or _TOWN_LINE.search(text):
            break  # a return address, or the end of the address above
        lines.insert(0, segment)
        top = row.y0
        if len(lines) == 5:
            break
    return lines
