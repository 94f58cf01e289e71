"""The words on a value's row that speak for or against it: change, tax, subtotal, cash,
rounding, quantity and prepayment words against a total, total and final words for it, the
words that name a document and the prepositions before its date."""

from __future__ import annotations

import re

from jobs.extraction.fields.text import vowel_misreadings

# The change given back, in the lexicon's languages: cash given minus the change is the total.
CHANGE_WORDS: frozenset[str] = frozenset(
    [
        "change",
        "changed",
        "kembali",
        "ruckgeld",
        "rendu",
        "wechselgeld",
        "zuruck",
        "wisselgeld",
        "resto",
        "cambio",
        "troco",
        "vaxel",
        "byttepenge",
        "reszta",
        "vraceno",
        "baki",
    ]
)
# Words on a value's row, left of it, that say it is not the document's total.
NEGATIVE: dict[str, frozenset[str]] = {
    "neg_tax": frozenset(
        [
            "tax",
            "vat",
            "gst",
            "sst",
            "mwst",
            "ust",
            "tva",
            "iva",
            "btw",
            # The other languages' tax words: "DPH celkem", "SUMA PTU", "Moms", "MVA".
            "dph",
            "ptu",
            "moms",
            "mva",
            "alv",
            "afa",
            "pdv",
            "ddv",
            "kdv",
            "pvm",
            "steuer",
            "taxe",
            "taxes",
            "excl",
            "exclusive",
            "incl",
            "inclusive",
            "zzgl",
            "hors",
            "ht",
        ]
    ),
    "neg_sub": frozenset(
        ["subtotal", "sub", "sous", "zwischensumme", "subtotaal", "net", "netto", "nett", "kecil"]
    ),
    "neg_cash": frozenset(
        [
            "cash",
            "tendered",
            "tender",
            "tend",
            "tunai",
            "bargeld",
            "gegeben",
            "espece",
            "especes",
            "paid",
            "received",
            "payment",
            "visa",
            "master",
            "mastercard",
            "card",
            "debit",
            "credit",
            "amex",
            # Cash given and card rows in the other languages of the lexicon.
            "bar",
            "geg",
            "karte",
            "girocard",
            "ec",
            "cb",
            "carte",
            "contant",
            "pin",
            "contanti",
            "efectivo",
            "entregado",
            "tarjeta",
            "dinheiro",
            "contante",
            "kontant",
            "kontanter",
            "kort",
            "gotowka",
            "gotówka",
            "karta",
            "hotovost",
        ]
    )
    | CHANGE_WORDS,
    "neg_round": frozenset(["rounding", "round", "adj", "adjustment", "arrondi", "rundung"]),
    "neg_qty": frozenset(
        [
            "qty",
            "quantity",
            "items",
            "item",
            "pcs",
            "units",
            "unit",
            "menge",
            "anzahl",
            "qte",
            "quantite",
            "stuck",
            "nos",
            "count",
            "price",
            "prix",
            "preis",
            "disc",
            "discount",
            "rabatt",
            "remise",
            "saving",
            "savings",
            "points",
            # What a "total" qualified by them sums ("Gesamtbetrag der Zuschläge").
            "zuschlag",
            "zuschlage",
            "abschlag",
            "abschlage",
            "surcharge",
            "surcharges",
            "allowance",
            "allowances",
            "charges",
        ]
    ),
}
# The words above as OCR may print them with one vowel misread ("Chenge", "Tendored").
NEGATIVE_MISREADINGS: dict[str, str] = vowel_misreadings(
    frozenset().union(*NEGATIVE.values(), CHANGE_WORDS)
)
# Words of a row that deducts an amount paid in advance: the total before it is the
# invoice's, the amount after it only what is left to pay.
PREPAYMENT = frozenset(
    [
        "anzahlung",
        "anzahlungen",
        "vorauszahlung",
        "vorauszahlungen",
        "abschlagszahlung",
        "acompte",
        "acomptes",
        "avance",
        "prepaid",
        "prepayment",
        "prepayments",
        "deposit",
        "advance",
        "aanbetaling",
        "vooruitbetaling",
        "acconto",
        "anticipo",
        # A lawyer's retainer applied to the bill: "Less retainer applied".
        "retainer",
        "vorschuss",
        # Part of the bill paid by a food benefit, the rest still due: "EBT SNAP TEND 21.80
        # ... BALANCE DUE 11.59". (Not a voucher: as often a discount taken off the total.)
        "ebt",
        "snap",
    ]
)
# The long ones as word stems too, for compounds: "Anzahlungsrechnung", "Vorauszahlungsbetrag"
# (not the short ones: "Advanced Micro Devices" pays no advance).
PREPAYMENT_STEMS: tuple[str, ...] = tuple(sorted(w for w in PREPAYMENT if len(w) >= 8))
TOTAL_WORDS = frozenset(
    [
        "total",
        "totals",
        "amount",
        "due",
        "payable",
        "pay",
        "grand",
        "gesamt",
        "summe",
        "betrag",
        "montant",
        "totaal",
        "totale",
        "net",
        "ttc",
        "brutto",
    ]
)
# Words that make a total row the final one: "Rounded Total", "Grand Total", "Total Payable".
FINAL_WORDS = frozenset(
    [
        "rounded",
        "grand",
        "payable",
        "due",
        "nett",
        "endbetrag",
        "zahlbetrag",
        "gesamtbetrag",
        "ttc",
        "payer",
    ]
)
TIME_OF_DAY = re.compile(r"\b([01]?\d|2[0-3]):[0-5]\d\b")
# Words that introduce a date in running text: "Rechnung Nr. 12 vom 15.11.2024", "du 3 mars".
# What a document calls itself, as a word or the end of one ("Handelsrechnung").
DOCUMENT_WORDS = (
    "rechnung",
    "invoice",
    "facture",
    "factuur",
    "fattura",
    "gutschrift",
    "avoir",
    "receipt",
    "quittung",
)
DATE_PREPOSITIONS = frozenset(["vom", "du", "dated", "datiert", "le", "am", "den"])
