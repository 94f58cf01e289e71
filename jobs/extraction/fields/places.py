"""Where a document is from, read off its addresses and registration numbers.

The currency of a "$" and the order of day and month in "11/02/2024" both depend on the
country; a page seldom names it, but its addresses and ids are written the country's way.
Each pattern is one country's postal or registry convention, strict enough that a company's
legal form or a postcode of another country does not pass for it.
"""

from __future__ import annotations

import re

# "Sacramento, CA 95815": a US state and ZIP code after a comma, and no town after it:
# "Leopoldstr. 1, DE 80333 München" is a German postcode with its country code.
US_ADDRESS = re.compile(
    # "Austin, TX 78758", or without the comma after a town written as a name ("Dayton OH
    # 45429").
    r"(?:,\s*|\b[A-Z][a-z]+\s)(?:A[KLRZ]|C[AOT]|D[CE]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]"
    r"|PA|RI|S[CD]|T[NX]|UT|V[AT]|W[AIVY])\s+\d{5}(?:-\d{4})?\b"
    r"(?![ \t]+(?!USA\b|U\.S\.A|United\b)[^\W\d_])"
)
US_NAME = re.compile(r"\bU\.S\.A\.?|\bUSA\b|\bUnited States\b")
# "Manly NSW 2095": a state and a four-digit postcode. South Australia's "SA" is left out: it
# is also a legal form, and "Nestlé SA 1800 Vevey" is Swiss.
AU_ADDRESS = re.compile(r"\b(?:NSW|VIC|QLD|TAS|ACT|WA|NT)\s+\d{4}\b")
# The Australian Business Number: eleven digits, grouped 2-3-3-3 ("ABN AMRO" is a bank).
AU_BUSINESS_NUMBER = re.compile(r"\bA\.?B\.?N\.?:?\s*\d{2}\s?\d{3}\s?\d{3}\s?\d{3}\b")
# "Toronto, ON M5H 2N2": a province and a postal code of letter-digit pairs.
CA_ADDRESS = re.compile(
    r"\b(?:AB|BC|MB|NB|NL|NS|NT|NU|ON|PE|QC|SK|YT)\s+[A-Z]\d[A-Z]\s?\d[A-Z]\d\b"
)
# Canada's business number with its GST/HST account ("123456789 RT0001"), and the taxes only
# Canada prints: the harmonized "HST", Quebec's "TVQ"/"QST" (its "GST" is other countries' too).
CA_TAX = re.compile(r"\b\d{9}\s?RT\s?\d{4}\b|\bGST/HST\b|\bHST\b|\bTVQ\b|\bQST\b")
# A South African VAT number: ten digits starting with 4 after its label.
ZA_VAT_NUMBER = re.compile(
    r"(?i)\bVAT\b[\s.:#]*(?:reg(?:istration)?\.?\s*)?(?:no\.?|number)?[\s.:#]*4\d{9}\b"
)

# Tax-number labels only one country uses: Italy's "P.IVA" (its VAT number without the EU
# form's "IT"), Indonesia's "NPWP".
IT_TAX_LABEL = re.compile(r"(?i)\bP\.\s?IVA\b|\bpartita\s+iva\b")
ID_TAX_LABEL = re.compile(r"\bNPWP\b")
# France's company registry numbers, "SIREN 123 456 789", "SIRET 123 456 789 00012".
FR_REGISTRY = re.compile(r"\bSIRE[NT]\b")
# A Malaysian private company, "Sdn. Bhd.", and its registration number as printed after its
# name, "(001234567-K)", "(519537-X)".
MY_COMPANY = re.compile(r"(?i)\bsdn\.?\s*bhd\b|\(\s*\d{5,12}\s*-\s*[A-Z]\s*\)")
# The Philippine taxpayer number as its receipts print it, "VAT REG TIN: 009-876-543-000":
# three groups of three digits and a branch code (other countries' TINs are grouped
# otherwise). The Philippines, like the United States, writes its dates month first.
PH_TAX_ID = re.compile(r"\bTIN\b[\s:#.]*(?:No\.?\s*)?\d{3}-\d{3}-\d{3}(?:-\d{3,5})?\b")


# What names one country on a page, beyond its addresses above: tax-number and business-id
# labels, registry numbers and legal forms only that country prints (an invoice or till
# receipt there may print no currency at all: a Finnish "YHTEENSÄ 16,72").
COUNTRY_MARKS: dict[str, tuple[re.Pattern[str], ...]] = {
    "US": (US_ADDRESS,),
    "AU": (AU_ADDRESS, AU_BUSINESS_NUMBER),
    "CA": (CA_ADDRESS, CA_TAX),
    "IT": (IT_TAX_LABEL,),
    "ID": (ID_TAX_LABEL,),
    "FR": (FR_REGISTRY,),
    "MY": (MY_COMPANY, re.compile(r"\bSST\s*(?:ID|Reg(?:istration)?\.?\s*No)\b")),
    "PH": (PH_TAX_ID,),
    "FI": (re.compile(r"(?i)\bY-?tunnus\b"),),
    "EE": (re.compile(r"\bKMKR\b|(?i:\bregistrikood\b)"),),
    "LT": (re.compile(r"(?i)\bPVM\s+(?:mok[eė]tojo\s+)?kodas\b"),),
    "HU": (re.compile(r"(?i)\bad[oó]sz[aá]m\b"),),
    "RO": (re.compile(r"\bCUI\b\s*:?\s*(?:RO)?\s*\d|(?i:\bnr\.?\s*reg\.?\s*com\b)"),),
    "HR": (re.compile(r"\bOIB\b\s*:?\s*\d{11}\b"),),
    "SI": (re.compile(r"(?i)\bID\s+za\s+DDV\b"),),
    "TR": (re.compile(r"(?i)\bvergi\s+(?:dairesi|no|numaras[iı])\b|\bVKN\b"),),
    "DK": (re.compile(r"\bCVR\b(?:-?nr\.?)?\s*:?\s*\d{8}\b"),),
    "IS": (re.compile(r"\bKt\.\s*\d{6}-?\d{4}\b|(?i:\bkennitala\b)"),),
    "ZA": (re.compile(r"\(Pty\)\s*Ltd\b"), ZA_VAT_NUMBER),
    "BR": (re.compile(r"\bCNPJ\b"),),
    "AR": (re.compile(r"\bCUIT\b\s*:?\s*\d{2}-?\d{8}-?\d\b"),),
    "CL": (re.compile(r"\bR\.?U\.?T\.?\s*:?\s*\d{1,2}\.?\d{3}\.?\d{3}-[\dkK]\b"),),
    "CO": (re.compile(r"\bNIT\b\.?\s*:?\s*\d{3}\.?\d{3}\.?\d{3}-\d\b"),),
    # India's GST number: the state's two digits, the ten characters of the PAN, an entity
    # number and a "Z".
    "IN": (re.compile(r"\b\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]\b"),),
    "MX": (
        re.compile(r"\bRFC\b\s*:?\s*[A-Z0&Ñ]{3,4}\d{6}[A-Z0-9]{3}\b"),
        # The legal form only Mexico writes, "S.A. de C.V.", and its capital's short name.
        re.compile(r"\bS\.?\s?A\.?\s+de\s+C\.?\s?V\b|\bCDMX\b"),
    ),
    "AE": (re.compile(r"\bTRN\b\s*:?\s*1\d{14}\b"),),
    "KE": (re.compile(r"(?i)\bKRA\s+PIN\b"),),
    # Serbia's tax number (PIB) and Ukraine's company register code (ЄДРПОУ).
    "RS": (re.compile(r"\bPIB\b\s*:?\s*\d{9}\b"),),
    "UA": (re.compile(r"(?i)ЄДРПОУ"),),
    # Morocco's common company identifier (ICE), fifteen digits.
    "MA": (re.compile(r"\bICE\b\s*:?\s*\d{15}\b"),),
    # Pakistan's national tax number and sales-tax registration number.
    "PK": (re.compile(r"\bNTN\b\s*:?\s*\d{7}-?\d\b|\bSTRN\b"),),
    "NO": (
        re.compile(
            r"(?i)\borg\.?\s*nr\.?:?\s*\d{3}\s?\d{3}\s?\d{3}\s*MVA\b|\bforetaksregisteret\b"
        ),
    ),
    "CZ": (re.compile(r"\bDIČ\b\s*:?\s*CZ\d{8,10}\b"),),
    "PL": (re.compile(r"\bNIP\b\s*:?\s*(?:PL)?\s*\d{3}-?\d{3}-?\d{2}-?\d{2}\b"),),
}


# A web or mail address under a country's second-level domain ("ventas@pampanorte.com.ar",
# "www.example.co.nz"); a bare ".co" or ".de" may be anyone's choice of name.
_COUNTRY_DOMAIN = re.compile(r"(?i)\.(?:com|co|net|org)\.([a-z]{2})\b(?![.@])")
_DOMAIN_COUNTRY = {"uk": "GB"}


def address_countries(text: str) -> list[str]:
    """ISO country codes whose address, registry or tax-number conventions the text follows,
    and those of its web and mail addresses' country domains."""
    found = [
        country
        for country, marks in COUNTRY_MARKS.items()
        if any(mark.search(text) for mark in marks)
    ]
    for match in _COUNTRY_DOMAIN.finditer(text):
        code = match.group(1).lower()
        country = _DOMAIN_COUNTRY.get(code, code.upper())
        if country not in found:
            found.append(country)
    return found
