"""A document's country from how its addresses and registry numbers are written."""

from __future__ import annotations

import pytest

from jobs.extraction.fields.addresses import is_house_number, is_postcode
from jobs.extraction.fields.anchors import INVOICE
from jobs.extraction.fields.locate import Locator
from jobs.extraction.fields.places import address_countries
from tests.jobs.extraction.helpers import page, row


def test_a_us_state_and_zip_code_after_a_town_is_an_american_address():
    assert address_countries("1200 Elm St, Dallas, TX 75201") == ["US"]


def test_a_german_postcode_with_its_country_code_is_no_us_address():
    assert address_countries("Leopoldstr. 1, DE 80333 München") == []


def test_an_australian_state_and_postcode_or_business_number_is_australian():
    assert address_countries("22 Beach Rd, Manly NSW 2095") == ["AU"]
    assert address_countries("ABN: 51 824 753 556") == ["AU"]
    assert address_countries("A.B.N. 51824753556") == ["AU"]


def test_a_bank_or_a_legal_form_with_a_postcode_is_not_australian():
    assert address_countries("ABN AMRO Bank N.V., Gustav Mahlerlaan 10") == []
    assert address_countries("Nestlé SA 1800 Vevey") == []


def test_a_canadian_province_and_postal_code_is_canadian():
    assert address_countries("88 Queen St W, Toronto, ON M5H 2N2") == ["CA"]
    assert address_countries("Montréal QC H3B 4W8") == ["CA"]
    assert address_countries("HST # 812345678 RT0001") == ["CA"]
    assert address_countries("TPS 812345678 TVQ 1234567890") == ["CA"]


def test_country_only_tax_labels_name_their_country():
    assert address_countries("P.IVA 01234567890") == ["IT"]
    assert address_countries("Partita IVA 01234567890") == ["IT"]
    assert address_countries("NPWP: 01.234.567.8-901.000") == ["ID"]
    assert address_countries("IVA 22%") == []


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("Storgatan 14, 111 51 Stockholm", "111"),
        ("ul. Długa 5, 00-238 Warszawa", "00-238"),
        ("Vestergade 20, 8000 Aarhus C", "8000"),
        ("Na Příkopě 10, 110 00 Praha 1", "110"),
        ("Rua de Santa Catarina 100, 4000-447 Porto", "4000-447"),
        ("1200 Elm St, Dallas, TX 75201", "75201"),
        ("1200 Elm St, Dallas, TX 75201", "1200"),
        ("Industriestr. 124", "124"),
    ],
)
def test_the_numbers_of_an_address_are_no_document_numbers(line: str, number: str) -> None:
    locator = Locator([page(row(0.1, (0.05, line)), row(0.2, (0.05, "Faktura 30117")))], INVOICE)
    found = {c.value: c for c in locator.scan("reference", base=1.0)}
    assert number in found and "30117" in found
    assert is_postcode(locator, found[number]) or is_house_number(locator, found[number])
    assert not is_postcode(locator, found["30117"]) and not is_house_number(locator, found["30117"])


def test_french_registry_numbers_and_malaysian_company_forms_name_their_country():
    assert address_countries("SIRET 123 456 789 00012") == ["FR"]
    assert address_countries("KEDAI RUNCIT AH SENG (001234567-K)") == ["MY"]
    assert address_countries("PERNIAGAAN MAJU SDN. BHD.") == ["MY"]
    # A siren is no registry number in lower case, and a bracketed code needs its letter.
    assert address_countries("siren test (12345)") == []


def test_a_philippine_taxpayer_number_names_its_country_and_its_month_first_dates():
    from jobs.extraction.fields.dates import month_first

    text = "Kape Maharlika FoodCorp.\nVAT REG TIN: 009-876-543-000\nDate: 03/09/2025 14:21"
    assert address_countries(text) == ["PH"]
    assert month_first(text)
    # A TIN grouped otherwise is some other country's.
    assert address_countries("TIN: 29123456789") == []
    assert not month_first("TIN: 29123456789 Date: 03/09/2025")


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Y-tunnus 2845123-7", "FI"),
        ("KMKR EE101234567", "EE"),
        ("PVM mokėtojo kodas LT123456789", "LT"),
        ("Adószám: 24567891-2-43", "HU"),
        ("CUI: RO18456723", "RO"),
        ("OIB: 45678912345", "HR"),
        ("ID za DDV: SI 12345678", "SI"),
        ("Vergi Dairesi: Kadıköy", "TR"),
        ("CVR-nr. 12345678", "DK"),
        ("Kt. 530269-1234", "IS"),
        ("Karoo Solar (Pty) Ltd", "ZA"),
        ("VAT No: 4123456789", "ZA"),
        ("Org.nr 912 345 678 MVA", "NO"),
        ("DIČ: CZ27845123", "CZ"),
        ("NIP: 525-000-12-34", "PL"),
        ("SST ID: B16-1809-32000456", "MY"),
        ("CNPJ: 12.345.678/0001-90", "BR"),
        ("RFC: ABC850101AB1", "MX"),
        ("TRN: 100123456700003", "AE"),
        ("KRA PIN: P051234567X", "KE"),
    ],
)
def test_a_business_id_label_only_one_country_prints_names_it(text: str, country: str) -> None:
    assert address_countries(text) == [country]


def test_an_italian_of_which_is_no_romanian_tax_number():
    assert address_countries("di cui IVA 22 %") == []


def test_the_groups_of_an_iban_are_neither_amounts_nor_references():
    from jobs.extraction.fields.anchors import OTHER
    from jobs.extraction.fields.scoring import scored_candidates

    locator = Locator(
        [
            page(
                row(0.1, (0.05, "Lasku 20250042")),
                row(0.5, (0.05, "Maksa summa tilille FI21 1234 5600 0007 85")),
                row(0.6, (0.05, "Yhteensä"), (0.6, "3 075,25 €")),
            )
        ],
        {**INVOICE, **OTHER},
    )
    amounts = {str(s.value) for s in scored_candidates(locator, "total", ["total_amount"])}
    references = {s.value for s in scored_candidates(locator, "invoice_number", ["invoice_number"])}
    assert "3075.25" in amounts and not amounts & {"1234.00", "5600.00", "7.00", "85.00"}
    assert "20250042" in references and not references & {"1234", "5600", "0007"}


def test_latin_american_tax_numbers_and_indias_gst_number_name_their_countries():
    assert address_countries("CUIT: 30-71542389-6") == ["AR"]
    assert address_countries("RUT: 76.123.456-7") == ["CL"]
    assert address_countries("NIT 900.123.456-7") == ["CO"]
    assert address_countries("GSTIN: 29ABCDE1234F1Z5") == ["IN"]


def test_a_country_domain_of_a_web_or_mail_address_names_its_country_a_bare_one_does_not():
    assert address_countries("ventas@pampanorte.com.ar") == ["AR"]
    assert address_countries("www.harbourside.co.uk") == ["GB"]
    assert address_countries("www.example.co, hello@example.de") == []


def test_pakistans_tax_numbers_and_mexicos_legal_form_name_their_countries():
    assert address_countries("Indus Textile Mills (Pvt.) Ltd. NTN: 3456789-2") == ["PK"]
    assert address_countries("Operadora de Alimentos El Güero, S.A. de C.V.") == ["MX"]


def test_moroccos_company_identifier_names_morocco():
    assert address_countries("ICE 001523478000062 - RC Casablanca 312457") == ["MA"]
