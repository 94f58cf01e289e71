"""Date parsing for the written forms invoices use, in five languages."""

from __future__ import annotations

import datetime as dt
import re

from jobs.extraction.fields.places import PH_TAX_ID, US_ADDRESS, US_NAME
from jobs.extraction.fields.text import fold

_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: (
        "january",
        "jan",
        "januar",
        "jaenner",
        "janner",
        "janvier",
        "janv",
        "januari",
        "gennaio",
        "gen",
    ),
    2: ("february", "feb", "februar", "fevrier", "fevr", "fev", "februari", "febbraio"),
    3: ("march", "mar", "marz", "maerz", "mrz", "mars", "maart", "mrt", "marzo"),
    4: ("april", "apr", "avril", "avr", "aprile"),
    5: ("may", "mai", "mei", "maggio", "mag"),
    6: ("june", "jun", "juni", "juin", "giugno", "giu"),
    7: ("july", "jul", "juli", "juillet", "juil", "luglio", "lug"),
    8: ("august", "aug", "aout", "augustus", "agosto", "ago"),
    9: ("september", "sep", "sept", "septembre", "settembre", "set"),
    10: ("october", "oct", "oktober", "okt", "octobre", "ottobre", "ott"),
    11: ("november", "nov", "novembre"),
    12: ("december", "dec", "dezember", "dez", "decembre", "dicembre", "dic"),
}
# The same in the lexicon's other languages, as folded (accents stripped), in the forms
# dates use: Spanish, Portuguese, Swedish, Danish and Norwegian, Polish and Czech in the
# genitive, Finnish with and without "-ta", Estonian, Lithuanian in the genitive,
# Hungarian, Romanian, Slovenian, Turkish and Malay. (Croatian is left out: its "listopada"
# is October where Polish "listopada" is November.)
_MORE_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: (
        "enero",
        "ene",
        "janeiro",
        "jan",
        "stycznia",
        "ledna",
        "tammikuuta",
        "tammikuu",
        "jaanuar",
        "sausio",
        "ianuarie",
        "ocak",
        "janvaris",
        "janvari",
    ),
    2: (
        "febrero",
        "fevereiro",
        "fev",
        "lutego",
        "unora",
        "helmikuuta",
        "helmikuu",
        "veebruar",
        "vasario",
        "februarie",
        "subat",
        "şubat",
        "februaris",
        "februari",
    ),
    3: (
        "marco",
        "marca",
        "brezna",
        "maaliskuuta",
        "maaliskuu",
        "marts",
        "kovo",
        "marcius",
        "martie",
        "marec",
        "mart",
        "mac",
        "marta",
    ),
    4: (
        "abril",
        "abr",
        "kwietnia",
        "dubna",
        "huhtikuuta",
        "huhtikuu",
        "aprill",
        "balandzio",
        "aprilis",
        "aprilie",
        "nisan",
        "aprili",
    ),
    5: (
        "mayo",
        "maio",
        "maj",
        "maja",
        "kvetna",
        "toukokuuta",
        "toukokuu",
        "geguzes",
        "majus",
        "mayıs",
        "maijs",
        "maija",
    ),
    6: (
        "junio",
        "junho",
        "czerwca",
        "cervna",
        "kesakuuta",
        "kesakuu",
        "juuni",
        "birzelio",
        "junius",
        "iunie",
        "junij",
        "haziran",
        "junijs",
        "junija",
    ),
    7: (
        "julio",
        "julho",
        "lipca",
        "cervence",
        "heinakuuta",
        "heinakuu",
        "juuli",
        "liepos",
        "julius",
        "iulie",
        "julij",
        "temmuz",
        "julai",
        "julijs",
        "julija",
    ),
    8: (
        "augusti",
        "sierpnia",
        "srpna",
        "elokuuta",
        "elokuu",
        "rugpjucio",
        "augusztus",
        "avgust",
        "agustos",
        "ağustos",
        "ogos",
        "augusts",
        "augusta",
    ),
    9: (
        "septiembre",
        "setembro",
        "wrzesnia",
        "zari",
        "syyskuuta",
        "syyskuu",
        "rugsejo",
        "szeptember",
        "septembrie",
        "eylul",
        "septembris",
        "septembri",
    ),
    10: (
        "octubre",
        "outubro",
        "pazdziernika",
        "rijna",
        "lokakuuta",
        "lokakuu",
        "oktoober",
        "spalio",
        "octombrie",
        "ekim",
        "oktobris",
        "oktobri",
    ),
    11: (
        "noviembre",
        "novembro",
        "listopada",
        "listopadu",
        "marraskuuta",
        "marraskuu",
        "lapkricio",
        "noiembrie",
        "kasım",
        "kasim",
        "novembris",
        "novembri",
    ),
    12: (
        "diciembre",
        "dezembro",
        "desember",
        "grudnia",
        "prosince",
        "joulukuuta",
        "joulukuu",
        "detsember",
        "gruodzio",
        "decembrie",
        "aralık",
        "aralik",
        "disember",
        "decembris",
        "decembri",
    ),
}
# Ukrainian, Russian and Bulgarian (Cyrillic), as named after a day ("14 березня 2025 р.").
_CYRILLIC_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("січня", "січень", "января", "январь", "януари"),
    2: ("лютого", "лютий", "февраля", "февраль", "февруари"),
    3: ("березня", "березень", "марта", "март"),
    4: ("квітня", "квітень", "апреля", "апрель", "април"),
    5: ("травня", "травень", "мая", "май"),
    6: ("червня", "червень", "июня", "июнь", "юни"),
    7: ("липня", "липень", "июля", "июль", "юли"),
    8: ("серпня", "серпень", "августа", "август"),
    9: ("вересня", "вересень", "сентября", "сентябрь", "септември"),
    10: ("жовтня", "жовтень", "октября", "октябрь", "октомври"),
    11: ("листопада", "листопад", "ноября", "ноябрь", "ноември"),
    12: ("грудня", "грудень", "декабря", "декабрь", "декември"),
}
MONTHS: dict[str, int] = {
    fold(name): month
    for table in (_MONTH_NAMES, _MORE_MONTH_NAMES, _CYRILLIC_MONTH_NAMES)
    for month, names in table.items()
    for name in names
}

# Words that may surround a written date without changing it.
_WEEKDAYS = {
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "fri",
    "sat",
    "sun",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
    "lunedi",
    "martedi",
    "mercoledi",
    "giovedi",
    "venerdi",
    "sabato",
    "domenica",
}

_NUMERIC = re.compile(r"^(\d{1,4})([./\-])(\d{1,2})\2(\d{2,4})$")
_NUMERIC_SPACED = re.compile(r"^(\d{1,4})\s*([./\-])\s*(\d{1,2})\s*\2\s*(\d{2,4})$")
_ORDINAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th|er|e|eme|ème|º|°)$")


# A numeric date inside one OCR word: glued to its label ("Date:12/02/2018"), to what was
# printed before it ("#19-18/03/2018") or to the time after it ("9/3/201820:54:50",
# "06/04/1711:43am", "2018-01-0522:55:25", or by a dash: "11.02.26-19:22"). Tried in this
# order; the first whose year is plausible wins, so "1711:43" reads as 2017 and 11:43, not as
# the year 1711.
_TIME_AFTER = r"(?=-?\d{1,2}:\d{2})"
_EMBEDDED = [
    re.compile(r"(?<![\d.,])(\d{4})([./\-])(\d{1,2})\2(\d{2})" + end)
    for end in (_TIME_AFTER, r"(?!\d)")
] + [
    re.compile(r"(?<![\d.,])(\d{1,2})([./\-])(\d{1,2})\2(" + year + ")" + end)
    for year, end in (
        (r"\d{4}", _TIME_AFTER),
        (r"\d{2}", _TIME_AFTER),
        (r"\d{4}", r"(?!\d)"),
        (r"\d{2}", r"(?![\d./\-])"),
    )
]
_AFTER_DATE = re.compile(
    # A weekday in brackets, a time (glued, or after a dash or a slash: "15.08.2024-19:02"),
    # a short suffix.
    r"(?:\(\w{2,4}\)\s*)?(?:[-/]?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?)?[-\w]{0,3}",
    re.I,
)


class DateError(ValueError):
    """The text is not a date, or names a day that does not exist."""


def _year(value: str) -> int:
    year = int(value)
    if len(value) == 2:
        # Two-digit years: 00-69 are 2000s, 70-99 the 1900s.
        return 2000 + year if year < 70 else 1900 + year
    if len(value) != 4:
        raise DateError(f"{value!r} is not a year")
    return year


def _make(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise DateError(f"no such day: {year:04d}-{month:02d}-{day:02d}") from exc


def _numeric(text: str, *, dayfirst: bool) -> dt.date | None:
    match = _NUMERIC.match(text) or _NUMERIC_SPACED.match(text)
    if not match:
        return None
    first, _, second, third = match.groups()
    if len(first) == 4:  # yyyy-mm-dd
        return _make(int(first), int(second), int(third))
    if len(first) == 3 or len(third) == 3:
        raise DateError(f"{text!r} is not a date")
    a, b, year = int(first), int(second), _year(third)
    if a > 12 and b <= 12:
        day, month = a, b
    elif b > 12 and a <= 12:
        month, day = a, b  # mm/dd/yyyy, unambiguous only because the day is > 12
    else:
        day, month = (a, b) if dayfirst else (b, a)
    return _make(year, month, day)


# One dash standing alone joins two dates into a range ("July 1 - July 31, 2014"): its "1 - July
# 31" is no date. A date written with dashes has two ("12 - Mar - 2018") or none standing alone.
_RANGE_DASH = re.compile(r"\s[-–—]\s")


# Words written dates carry between their parts: "15 de marzo de 2025", "12th of March",
# "2025 m. kovo 12 d." (Lithuanian: year, day), "12 marca 2025 r." (Polish: year).
# Words between a date's parts: "12 de marzo de 2025", "2025. gada 7. novembrī" (Latvian "year").
_DATE_FILLERS = frozenset(
    ["de", "del", "of", "the", "m", "d", "r", "gada", "р", "г", "року", "года"]
)


def _written(text: str) -> dt.date | None:
    if len(_RANGE_DASH.findall(text)) == 1:
        return None
    tokens = []
    for token in re.split(r"[\s,./\-]+", fold(text)):
        # "25Mar" and "Mar2018" as OCR glues them; ordinals ("1st") stay whole.
        if token and not _ORDINAL.match(token) and re.fullmatch(r"\d+[a-z]+|[a-z]+\d+", token):
            tokens.extend(re.findall(r"\d+|[a-z]+", token))
        elif token:
            tokens.append(token)
    month: int | None = None
    numbers: list[str] = []
    for token in tokens:
        ordinal = _ORDINAL.match(token)
        if token.isdigit():
            numbers.append(token)
        elif ordinal:
            numbers.append(ordinal.group(1))
        elif token in MONTHS and month is None:
            month = MONTHS[token]
        elif token in _WEEKDAYS or token in _DATE_FILLERS:
            continue
        else:
            return None
    if month is None or len(numbers) != 2:
        return None
    long_years = [n for n in numbers if len(n) == 4]
    if len(long_years) == 1:
        year_text = long_years[0]
        day_text = numbers[1] if numbers[0] == year_text else numbers[0]
    else:
        day_text, year_text = numbers
    if len(day_text) > 2:
        raise DateError(f"{text!r} is not a date")
    return _make(_year(year_text), month, int(day_text))


_VIETNAMESE = re.compile(r"(?:ngay\s+)?(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
_ISO_TIMESTAMP = re.compile(
    r"(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)


def parse_date_text(text: str, *, dayfirst: bool = True) -> dt.date:
    """Parse one date; raise :class:`DateError` when ``text`` is not exactly one date.

    Numeric dates are day-first unless only the month-first reading is possible.
    """
    cleaned = text.strip().strip(",;:()")
    if not cleaned:
        raise DateError("empty date")
    # An ISO 8601 timestamp gives its date: "2024-05-20T10:15:32", "2024-05-20T10:15:32Z".
    stamp = _ISO_TIMESTAMP.fullmatch(cleaned)
    if stamp:
        cleaned = stamp.group(1)
    # Vietnamese: "Ngày 05 tháng 08 năm 2025" (day 5, month 8, year 2025).
    spelled = _VIETNAMESE.fullmatch(fold(cleaned))
    if spelled:
        day, month, year = (int(g) for g in spelled.groups())
        return _make(year, month, day)
    # Hungarian, Croatian, Serbian and Slovak dates end in a dot: "2025.03.10.", "21.03.2025.".
    for form in (cleaned, cleaned[:-1]) if cleaned.endswith(".") else (cleaned,):
        numeric = _numeric(form, dayfirst=dayfirst)
        if numeric is not None:
            return numeric
        written = _written(form)
        if written is not None:
            return written
    raise DateError(f"{text!r} is not a recognised date")


def embedded_date(word: str, *, dayfirst: bool = True) -> dt.date | None:
    """The numeric date inside a single word that is not itself a date, or None.

    OCR glues a receipt's "Date:" to its date and the date to the time after it. Before the
    date may stand a label or a reference that does not end in a digit; after it only a
    weekday in brackets, a time, and at most a short suffix ("-R").
    """
    if len(word) > 40:
        return None
    for pattern in _EMBEDDED:
        match = pattern.search(word)
        if match is None or not _AFTER_DATE.fullmatch(word[match.end() :]):
            continue
        try:
            found = _numeric(match.group(0), dayfirst=dayfirst)
        except DateError:
            continue
        if found is not None and 1990 <= found.year <= 2079:
            return found
    return None


def compact_date(word: str) -> dt.date | None:
    """A date written as eight digits without separators (25032018, 20180325), when exactly
    one reading (day first, or year first) is a plausible recent date."""
    if not re.fullmatch(r"\d{8}", word):
        return None
    readings = set()
    for year, month, day in ((word[4:], word[2:4], word[:2]), (word[:4], word[4:6], word[6:])):
        try:
            found = dt.date(int(year), int(month), int(day))
        except ValueError:
            continue
        if 1990 <= found.year <= 2079:
            readings.add(found)
    return readings.pop() if len(readings) == 1 else None


# --- the document's order of day and month --------------------------------------------------

_ANY_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})(?!\d)")


def date_order_votes(text: str) -> tuple[int, int]:
    """How many of a document's numeric dates with four-digit years can only be read day
    first ("23/11/2024") and how many only month first ("11/23/2024")."""
    day = month = 0
    for first, second, year in _ANY_NUMERIC.findall(text):
        if len(year) != 4:
            continue  # "11-18-06" is as often a code or a lot number as a date
        a, b = int(first), int(second)
        if 12 < a <= 31 and 1 <= b <= 12:
            day += 1
        elif 12 < b <= 31 and 1 <= a <= 12:
            month += 1
    return day, month


def month_first(text: str) -> bool:
    """Whether a document writes its numeric dates month first ("11/02/2024" for 2 November).

    The document's own unambiguous dates with four-digit years decide ("11/23/2024" can only
    be month first, "23/11/2024" only day first); without them, an address in the United
    States or a Philippine tax number does. Day first otherwise, as most of the world writes."""
    day, month = date_order_votes(text)
    if day != month:
        return month > day
    return bool(US_ADDRESS.search(text) or US_NAME.search(text) or PH_TAX_ID.search(text))


def month_first_reading(raw: str) -> dt.date | None:
    """The date in ``raw`` read month first, when it is a numeric date that reads either way
    ("03/04/2024"); None otherwise."""
    match = _ANY_NUMERIC.search(raw)
    if match is None:
        return None
    a, b = int(match.group(1)), int(match.group(2))
    if a == b or not (1 <= a <= 12 and 1 <= b <= 12):
        return None
    try:
        return _numeric(match.group(0), dayfirst=False)
    except DateError:
        return None
