"""The words that speak for or against a text being the issuer's name: legal forms beyond
:data:`parties.LEGAL_FORMS`, trade words, document titles, address words, contact lines,
party headings, courtesy and closing lines."""

from __future__ import annotations

import re

MORE_LEGAL_FORMS = frozenset(
    [
        "sdn",
        "bhd",
        "berhad",
        "pte",
        "pvt",
        "co",
        "company",
        "plc",
        "ltda",
        "sl",
        "sa",
        "nv",
        "ek",
        "mbh",
        "lda",
        "slu",
        "kgaa",
        "bvba",
        "sprl",
        "pty",
        "kk",
        "tbk",
        "sp",  # Polish "Sp. z o.o.", "Sp. j."
        "partg",  # German partnerships, "PartG mbB" (not "mbB" alone: a card's "MBB")
        "partgmbb",
        "asa",
        "oyj",
    ]
)
TRADE_WORDS = frozenset(
    [
        "enterprise",
        "enterprises",
        "trading",
        "store",
        "stores",
        "shop",
        "mart",
        "market",
        "supermarket",
        "restaurant",
        "cafe",
        "bakery",
        "pharmacy",
        "hardware",
        "hotel",
        "services",
        "service",
        "industries",
        "industrie",
        "holding",
        "group",
        "marketing",
        "electrical",
        "machinery",
        "stationery",
        "bookstore",
        "book",
        "restoran",
        "kedai",
    ]
)
TITLE_WORDS = frozenset(
    [
        "invoice",
        "receipt",
        "rechnung",
        "facture",
        "factuur",
        "fattura",
        "factura",
        "fatura",
        "recibo",
        "simplificada",
        "bill",
        "tax",
        "quotation",
        "quote",
        "order",
        "delivery",
        "note",
        "credit",
        "gutschrift",
        "avoir",
        "statement",
        "simplified",
        "cash",
        "sale",
        "sales",
        "copy",
        "original",
        "duplicate",
        "proforma",
        "pro-forma",
        "beleg",
        "quittung",
        "kassenbon",
        "bon",
        "ticket",
        # The document's name in the other languages of the lexicon.
        "faktura",
        "lasku",
        "szamla",
        "racun",
        "arve",
        "saskaita",
        "rekins",
        "reikningur",
        "kvittering",
        "kvitto",
        "uctenka",
        "doklad",
        "τιμολογιο",
        "фактура",
        "рахунок",
        "рахунок-фактура",
        "счет",
        "счет-фактура",
        "racun-otpremnica",
    ]
)
ADDRESS_WORDS = frozenset(
    [
        "str",
        "strasse",
        "straße",
        "road",
        "rd",
        "jalan",
        "jln",
        "street",
        "st",
        "avenue",
        "ave",
        "rue",
        "platz",
        "weg",
        "allee",
        "lane",
        "taman",
        "lot",
        "block",
        "blok",
        "floor",
        "level",
        "building",
        "bldg",
        "suite",
        "postfach",
        "bp",
        "cedex",
        "bandar",
        "kawasan",
        "industrial",
        "park",
        "plaza",
        "calle",
        "avenida",
        "avda",
        "rua",
        "praca",
        "no",
    ]
)
CONTACT = re.compile(
    r"(tel|phone|fax|telefon|e-?mail|www\.|http|@|\.com\b|\.de\b|\.fr\b|mobile|hp:|h/p)", re.I
)
CUSTOMER_HEADINGS = frozenset(
    [
        "aan",
        "receptor",
        "bill",
        "billed",
        "sold",
        "ship",
        "deliver",
        "customer",
        "client",
        "kunde",
        "klant",
        "buyer",
        "kaufer",
        "acheteur",
        "destinataire",
        "rechnungsempfanger",
        "leistungsempfanger",
        "empfanger",
        "cliente",
        "to",
        "attn",
        "auftraggeber",
        "besteller",
        "adressat",
        "comprador",
        "adquirente",
        "kund",
        "kopare",
        "nabywca",
        "odbiorca",
        "odberatel",
        "kupujici",
        # ... and the buyer's.
        "vevo",
        "ostaja",
        "maksaja",
        "ostja",
        "pirkejas",
        "cumparator",
        "kupac",
        "kupec",
        "alici",
        "cessionario",
        "committente",
    ]
)
SELLER_HEADINGS = frozenset(
    [
        "seller",
        "verkaufer",
        "vendeur",
        "fournisseur",
        "lieferant",
        "supplier",
        "vendor",
        "from",
        "von",
        "emetteur",
        "rechnungssteller",
        "leistungserbringer",
        "emisor",
        "proveedor",
        "vendedor",
        "fornecedor",
        "emitente",
        "saljare",
        "leverantor",
        "sælger",
        "leverandør",
        "selger",
        "sprzedawca",
        "dostawca",
        "dodavatel",
        "prodavajici",
        # The seller's heading in the other languages of the lexicon's issuer labels.
        "myyja",
        "laskuttaja",
        "muuja",
        "tarnija",
        "pardavejas",
        "tiekejas",
        "elado",
        "szallito",
        "furnizor",
        "prodavatelj",
        "dobavitelj",
        "izdavatelj",
        "satici",
        "cedente",
        "prestatore",
    ]
)
# A receipt's closing words ("Thank you, please come again") name no one.
COURTESY_WORDS = frozenset(
    ["thank", "thanks", "please", "again", "visit", "welcome", "terima", "kasih", "danke", "merci"]
)
# Words that go with a title without naming anyone: "N°", "No.", "Nr", "de", "of".
TITLE_FILLERS = frozenset(
    ["n", "no", "nr", "nummer", "number", "de", "du", "of", "the", "und", "your", "ihre", "votre"]
)
# A page count ("Page 1 of 1", "Seite 2 von 3") names no one.
PAGE_COUNT = re.compile(
    r"(?i)^(?:page|seite|pagina|página|side|sida|strona|strana|sivu|blatt)\s*\d+\s*"
    r"(?:of|von|de|di|av|z|ze|/)\s*\d+$"
)
# A software or copyright line ("(c) 2022", "© DWC", "Stylesheet-Version") is boilerplate.
# A receipt's closing line names no one, even when it is all the photo kept of the top: "Thank
# You. Please come again.", "Goods sold are not returnable", "TQ for shopping with ...".
CLOSING = re.compile(
    r"\b(thank\s*(s|you)|please\s+come|come\s+again|visit\s+us|goods\s+sold|not\s+returnable"
    r"|non[-\s]?refundable|not\s+refundable|tq\s*for|terima\s+kasih|vielen\s+dank|merci\s+de"
    r"|gracias\s+por|obrigado|grazie)\b",
    re.I,
)
COPYRIGHT = re.compile(r"©|\(c\)|\bcopyright\b|\bstylesheet\b|\bversion\b", re.I)
