"""Issuer and merchant candidates, and the currency from weighed evidence."""

from __future__ import annotations

from jobs.extraction.fields.anchors import INVOICE, OTHER
from jobs.extraction.fields.currency import currency_evidence
from jobs.extraction.fields.issuer import extract_issuer, mend_legal_forms, scored_names
from jobs.extraction.fields.locate import Locator
from jobs.extraction.fields.parties import find_currency
from tests.jobs.extraction.helpers import page, row


def _locator(*rows):
    return Locator([page(*rows)], {**INVOICE, **OTHER})


def test_the_issuer_is_the_legal_name_not_the_title_the_address_or_the_customer():
    locator = _locator(
        row(0.03, (0.3, "TAX INVOICE")),
        row(0.08, (0.05, "Brightwater Supplies Ltd")),
        row(0.11, (0.05, "12 Harbour Road")),
        row(0.14, (0.05, "VAT No GB123456789")),
        row(0.25, (0.05, "Bill to:")),
        row(0.28, (0.05, "Northwind Traders GmbH")),
    )
    field = extract_issuer(locator)
    assert field.value == "Brightwater Supplies Ltd"


def test_issuer_evidence_marks_titles_addresses_and_customer_blocks():
    locator = _locator(
        row(0.03, (0.3, "TAX INVOICE")),
        row(0.05, (0.3, "Original Invoice Copy Centre")),
        row(0.08, (0.05, "Brightwater Supplies Ltd")),
        row(0.11, (0.05, "12 Harbour Road")),
        row(0.25, (0.05, "Bill to:")),
        row(0.28, (0.05, "Northwind Traders GmbH")),
    )
    features = {str(s.value): s.features for s in scored_names(locator) if not s.features["joined"]}
    # A title alone names no one and is no candidate; a name holding a title word is one.
    assert "TAX INVOICE" not in features
    assert features["Original Invoice Copy Centre"]["title"] == 1.0
    assert features["12 Harbour Road"]["address"] == 1.0
    assert features["Brightwater Supplies Ltd"]["legal"] == 1.0
    assert features["Northwind Traders GmbH"]["customer_above"] > 0


def test_ringgit_on_the_page_outweighs_a_stray_dollar_sign():
    words = [("RM", 0.99), ("12.50", 0.99), ("$3.00", 0.9), ("RM", 0.98)]
    scores = currency_evidence(words, "RM 12.50 $3.00 RM", [])
    assert max(scores, key=scores.get) == "MYR"


def test_a_yen_sign_read_with_low_confidence_does_not_decide_the_currency():
    words = [("¥319.00", 0.3), ("INR", 0.95)]
    scores = currency_evidence(words, "¥319.00 INR", [])
    assert max(scores, key=scores.get) == "INR"


def test_the_country_named_on_the_page_makes_a_dollar_its_own():
    words = [("$", 0.95), ("10.00", 0.99)]
    scores = currency_evidence(words, "Orchard Road, Singapore 238801 $ 10.00", [])
    assert max(scores, key=scores.get) == "SGD"


def test_the_currency_field_points_at_where_it_is_written_with_a_confidence():
    pages = [page(row(0.5, (0.1, "Gesamtbetrag"), (0.7, "119,00 €")), row(0.6, (0.1, "EUR")))]
    field = find_currency(pages, [], ["DE"])
    assert field.value == "EUR" and field.box is not None
    assert field.confidence > 0.8


def test_a_seller_heading_above_a_label_column_marks_the_name_beside_the_label():
    locator = _locator(
        row(0.05, (0.05, "Visualisierung eRechnung (c) 2025")),
        row(0.10, (0.05, "Verkäufer")),
        row(0.12, (0.05, "Name:"), (0.3, "Musterbetrieb AG")),
        row(0.20, (0.05, "Käufer")),
        row(0.22, (0.05, "Name:"), (0.3, "Firmenkunde GmbH")),
    )
    features = {str(s.value): s.features for s in scored_names(locator) if not s.features["joined"]}
    assert features["Musterbetrieb AG"]["seller_above"] == 1.0
    assert features["Firmenkunde GmbH"]["customer_above"] == 1.0
    assert features["Firmenkunde GmbH"]["seller_above"] == 0.0
    assert features["Visualisierung eRechnung (c)"]["copyright"] == 1.0


def test_a_merchant_name_comes_without_the_registration_number_printed_after_it():
    locator = _locator(
        row(0.03, (0.2, "GARDENIA BAKERIES (KL) SDN BHD (139386 X)")),
        row(0.06, (0.2, "LOT 3, JALAN PELABUR 23/1")),
        row(0.90, (0.2, "Thank You. Please come again.")),
    )
    features = {str(s.value): s.features for s in scored_names(locator) if not s.features["joined"]}
    assert "GARDENIA BAKERIES (KL) SDN BHD" in features
    assert features["Thank You. Please come again."]["courtesy"] == 1.0
    assert extract_issuer(locator, receipt=True).value == "GARDENIA BAKERIES (KL) SDN BHD"


def test_a_currency_code_or_a_bare_label_is_no_issuer():
    locator = _locator(
        row(0.03, (0.05, "Währung: EUR")),
        row(0.08, (0.05, "Verkäufer:")),
        row(0.11, (0.05, "Lieferant GmbH")),
        row(0.14, (0.05, "Handelsname: 99999999800010")),
    )
    features = {str(s.value): s.features for s in scored_names(locator) if not s.features["joined"]}
    assert "EUR" not in features
    assert "Handelsname" not in features
    assert extract_issuer(locator).value == "Lieferant GmbH"


def test_a_till_code_or_a_title_before_a_name_and_a_number_after_it_are_not_part_of_it():
    locator = _locator(
        row(0.03, (0.2, "TAX INVOICE DOMINO'S PIZZA")),
        row(0.06, (0.2, "A04098 AEON CO. (M) BHD")),
        row(0.09, (0.2, "SUPER SEVEN CASH & CARRY 28-05")),
        row(0.12, (0.2, "99 SPEED MART")),
    )
    names = {str(s.value) for s in scored_names(locator) if not s.features["joined"]}
    assert {"DOMINO'S PIZZA", "AEON CO. (M) BHD", "SUPER SEVEN CASH & CARRY"} <= names
    assert "99 SPEED MART" in names


def test_a_short_number_after_a_name_is_part_of_it():
    locator = _locator(row(0.03, (0.2, "PHO SAIGON 24")), row(0.06, (0.2, "12 Harbour Rd")))
    names = {str(s.value) for s in scored_names(locator, receipt=True)}
    assert "PHO SAIGON 24" in names and "PHO SAIGON" not in names


def test_a_currency_code_backed_by_the_country_of_the_ids_is_a_confident_currency():
    pages = [page(row(0.5, (0.1, "Gesamtbetrag"), (0.7, "119,00")), row(0.6, (0.1, "EUR")))]
    assert find_currency(pages, [], ["DE"]).confidence >= 0.95


def test_a_lone_dollar_sign_leaves_the_currency_unsure():
    pages = [page(row(0.5, (0.1, "Total"), (0.7, "$12.00")))]
    field = find_currency(pages, [], [])
    assert field.value == "USD" and field.confidence < 0.5


def test_a_seller_heading_with_its_letters_spaced_apart_is_still_the_sellers():
    locator = _locator(
        row(0.10, (0.05, "Ver käufer:")),
        row(0.12, (0.05, "Nordlicht Handel GmbH")),
        row(0.14, (0.05, "Hafenweg 3")),
    )
    features = {str(s.value): s.features for s in scored_names(locator) if not s.features["joined"]}
    assert features["Nordlicht Handel GmbH"]["seller_above"] == 1.0
    assert features["Nordlicht Handel GmbH"]["customer_above"] == 0.0


def test_a_legal_form_alone_is_no_issuer_candidate():
    locator = _locator(
        row(0.10, (0.05, "Verkäufer:")),
        row(0.12, (0.05, "Nordlicht Handel GmbH")),
        row(0.20, (0.05, "Name:"), (0.5, "GmbH")),
    )
    values = {str(s.value) for s in scored_names(locator)}
    assert "GmbH" not in values
    assert extract_issuer(locator).value == "Nordlicht Handel GmbH"


def test_a_one_line_sender_above_the_address_field_gives_the_name_without_its_address():
    locator = _locator(
        row(0.04, (0.05, "Müller Elektrotechnik GmbH · Hauptstr. 5 · 70173 Stuttgart")),
        row(0.12, (0.05, "Herrn Klaus Becker")),
        row(0.14, (0.05, "Lindenweg 3")),
        row(0.22, (0.05, "Rechnung")),
    )
    assert extract_issuer(locator).value == "Müller Elektrotechnik GmbH"


def test_a_dotted_legal_form_is_one_and_a_postcodes_letters_are_none():
    from jobs.extraction.fields.issuer import has_legal_form

    assert has_legal_form("Bakkerij de Vries B.V.")
    assert has_legal_form("Ferramenta Rossi S.r.l.")
    assert has_legal_form("Papelaria Tavares, Lda.")
    assert not has_legal_form("Dorpsstraat 1, 1234 AB Utrecht")
    assert not has_legal_form("as agreed, see the terms")
    pages = [
        page(
            row(0.04, (0.05, "Bakkerij de Vries B.V.")),
            row(0.06, (0.05, "Dorpsstraat 1, 1234 AB Utrecht")),
            row(0.14, (0.55, "Factuurnummer:"), (0.75, "2024-0456")),
        )
    ]
    assert extract_issuer(Locator(pages, {**INVOICE, **OTHER})).value == "Bakkerij de Vries B.V."


def test_a_logo_line_above_the_name_that_repeats_it_is_not_joined_to_it():
    pages = [
        page(
            row(0.03, (0.35, "REWE")),
            row(0.05, (0.25, "REWE Markt GmbH")),
            row(0.07, (0.25, "Hauptstr. 12, 50667 Köln")),
        )
    ]
    names = {str(s.value) for s in scored_names(Locator(pages, {**INVOICE, **OTHER}))}
    assert "REWE REWE Markt GmbH" not in names
    assert {"REWE", "REWE Markt GmbH"} <= names


def test_a_closing_line_is_never_the_merchant_even_when_nothing_better_is_left():
    pages = [
        page(
            row(0.05, (0.2, "Thank You. Please come again.")),
            row(0.07, (0.2, "GOODS SOLD ARE NOT RETURNABLE")),
            row(0.40, (0.1, "TOTAL"), (0.6, "12.00")),
            source="ocr",
        )
    ]
    merchant = extract_issuer(Locator(pages, {**INVOICE, **OTHER}), receipt=True)
    assert merchant.value not in {"Thank You. Please come again.", "GOODS SOLD ARE NOT RETURNABLE"}


def test_a_street_in_a_compound_word_marks_an_address_line():
    pages = [
        page(
            row(0.04, (0.05, "Nordlicht Software GmbH")),
            row(0.06, (0.05, "Bahnhofstr. 3")),
            row(0.08, (0.05, "Kerkstraat 4")),
        )
    ]
    features = {
        str(s.value): s.features for s in scored_names(Locator(pages, {**INVOICE, **OTHER}))
    }
    assert features["Bahnhofstr. 3"]["address"] == 1
    assert features["Kerkstraat 4"]["address"] == 1
    assert features["Nordlicht Software GmbH"]["address"] == 0


def test_a_dollar_sign_on_the_total_itself_still_leaves_the_currency_unsure():
    from jobs.extraction.fields.api import extract_fields

    def currency(total: str):
        pages = [
            page(
                row(0.04, (0.05, "Koala Cleaning Pty Ltd")),
                row(0.12, (0.60, "Invoice #"), (0.75, "00318")),
                row(0.60, (0.55, "Total inc. GST"), (0.80, total)),
            )
        ]
        return extract_fields("invoice", pages).fields["currency"]

    # "$" is the sign of a dozen dollars: an Australian invoice is not sure to be in USD.
    dollar, singapore = currency("$330.00"), currency("S$ 330.00")
    assert dollar.confidence < 0.7
    assert singapore.value == "SGD" and singapore.confidence > dollar.confidence


def test_a_legal_form_ocr_misread_in_one_letter_is_written_as_the_form():
    assert mend_legal_forms("Tipografia Lombarda S.r.I.") == "Tipografia Lombarda S.r.l."
    assert mend_legal_forms("Drukarnia Wisła Sp. z 0.o.") == "Drukarnia Wisła Sp. z o.o."
    # Only a dotted abbreviation that becomes a legal form changes.
    assert mend_legal_forms("Studio 10.0 I.T. Services") == "Studio 10.0 I.T. Services"


def test_a_merchant_read_by_ocr_gets_its_legal_form_mended():
    pages = [
        page(
            row(0.04, (0.05, "Tipografia Lombarda S.r.I.")),
            row(0.06, (0.05, "Via Roma 12, 20121 Milano")),
            source="ocr",
        )
    ]
    field = extract_issuer(Locator(pages, {**INVOICE, **OTHER}))
    assert field.value == "Tipografia Lombarda S.r.l."
    assert field.raw == "Tipografia Lombarda S.r.I."


def test_a_contact_line_under_a_name_is_not_joined_to_it():
    pages = [
        page(
            row(0.04, (0.05, "Jane Morrison Photography")),
            row(0.06, (0.05, "jane@morrisonphoto.co.uk · 07700 900123")),
            row(0.10, (0.6, "INVOICE")),
            row(0.12, (0.6, "Invoice 0042")),
        )
    ]
    field = extract_issuer(Locator(pages, {**INVOICE, **OTHER}))
    assert field.value == "Jane Morrison Photography"


def test_a_canadian_tax_number_makes_a_page_without_signs_canadian_dollars():
    pages = [
        page(
            row(0.1, (0.1, "GST/HST 812345678 RT0001")),
            row(0.5, (0.1, "TOTAL"), (0.7, "23.45")),
        )
    ]
    assert find_currency(pages, [], []).value == "CAD"


def test_a_rand_sign_counts_glued_to_an_amount_but_not_alone():
    scores = currency_evidence([("R45.00", 0.95)], "TOTAL R45.00", [])
    assert max(scores, key=scores.get) == "ZAR"
    assert currency_evidence([("12.50", 0.95), ("R", 0.95)], "12.50 R", []) == {}


def test_a_sign_written_before_amounts_counts_after_one_only_with_its_cents():
    assert "INR" not in currency_evidence([("2RS", 1.0)], "Ball bearing 6205, sealed 2RS", [])
    scores = currency_evidence([("39.00RM", 0.95)], "TOTAL 39.00RM", [])
    assert max(scores, key=scores.get) == "MYR"


def test_neither_the_owner_nor_the_company_behind_a_shop_is_joined_to_the_shops_name():
    locator = _locator(
        row(0.03, (0.2, "FRISCHMARKT HÖLZL")),
        row(0.05, (0.2, "Inh. Georg Hölzl e.K.")),
        row(0.10, (0.2, "OLD TOWN WHITE COFFEE")),
        row(0.12, (0.2, "Old Town Kopitiam Sdn Bhd")),
    )
    names = {str(s.value) for s in scored_names(locator, receipt=True)}
    assert "FRISCHMARKT HÖLZL Inh. Georg Hölzl e.K." not in names
    assert "OLD TOWN WHITE COFFEE Old Town Kopitiam Sdn Bhd" not in names
    assert {"OLD TOWN WHITE COFFEE", "Old Town Kopitiam Sdn Bhd"} <= names


def test_a_name_that_wraps_onto_a_second_line_is_still_joined():
    locator = _locator(
        row(0.03, (0.2, "Musterhafter Versicherungsverein")),
        row(0.05, (0.2, "Musterstadt a.G.")),
    )
    names = {str(s.value) for s in scored_names(locator)}
    assert "Musterhafter Versicherungsverein Musterstadt a.G." in names


def test_an_address_line_is_never_joined_to_a_name():
    locator = _locator(
        row(0.03, (0.2, "PompPlus")),
        row(0.05, (0.2, "Kanaalweg 71, 8441 PD Heerenveen")),
        row(0.07, (0.2, "PompPlus Retail B.V.")),
        row(0.09, (0.2, "Hotel Mirador")),
        row(0.11, (0.2, "Passeig del Port, 22")),
    )
    names = {str(s.value) for s in scored_names(locator, receipt=True)}
    assert not any("Kanaalweg" in n and "Retail" in n for n in names)
    assert not any("PompPlus" in n and "Kanaalweg" in n for n in names)
    assert "Hotel Mirador Passeig del Port, 22" not in names


def test_koruna_and_a_sign_in_a_column_headers_brackets_name_their_currency():
    scores = currency_evidence([("Kč:", 1.0), ("EUR", 1.0)], "Rekapitulace DPH v Kč:", [])
    assert scores["CZK"] > 0
    scores = currency_evidence([("AMT(RM)", 0.95), ("29.80", 0.95)], "QTY ITEM AMT(RM)", [])
    assert max(scores, key=scores.get) == "MYR"


def test_a_swiss_qr_bill_names_the_payee_as_seller_and_the_payer_as_buyer():
    from jobs.extraction.fields.invoice import extract_invoice

    pages = [
        page(
            row(0.03, (0.1, "BERGMANN")),
            row(0.10, (0.1, "Immobilien Rüegg & Partner AG")),
            row(0.12, (0.1, "Technikumstrasse 38")),
            row(0.14, (0.1, "8400 Winterthur")),
            row(0.20, (0.1, "Rechnungsnummer"), (0.3, "25-1043")),
            row(0.50, (0.1, "Rechnungsbetrag CHF"), (0.7, "5'329.55")),
            row(0.70, (0.5, "Konto / Zahlbar an"), (0.7, "Bergmann Elektrotechnik AG")),
            row(0.80, (0.1, "Zahlbar durch")),
            row(0.82, (0.1, "Immobilien Rüegg & Partner AG")),
        )
    ]
    fields = extract_invoice(pages)
    assert fields["customer_name"].value == "Immobilien Rüegg & Partner AG"
    assert fields["issuer"].value == "Bergmann Elektrotechnik AG"


def test_a_legal_name_with_a_comma_before_its_spanish_or_portuguese_form_is_found():
    from jobs.extraction.fields.parties import legal_names

    locator = _locator(
        row(0.90, (0.1, "Inversiones Turísticas Llafranc, S.L. · CIF B17654328")),
        row(0.92, (0.1, "Papelaria Central, Lda.")),
        row(0.94, (0.1, "calle mayor sl")),
    )
    names = [hit.name for hit in legal_names(locator.pages, locator.rows)]
    assert names == ["Inversiones Turísticas Llafranc, S.L.", "Papelaria Central, Lda."]


def test_a_name_ending_in_an_ampersand_line_is_only_whole_with_it():
    locator = _locator(
        row(0.03, (0.2, "RIDGELINE HARDWARE")),
        row(0.05, (0.25, "& SUPPLY")),
        row(0.08, (0.2, "1420 Industrial Blvd")),
    )
    names = {str(s.value) for s in scored_names(locator, receipt=True)}
    assert "RIDGELINE HARDWARE & SUPPLY" in names
    assert "RIDGELINE HARDWARE" not in names


def test_a_street_address_in_the_header_is_never_the_issuer_the_footers_legal_name_is():
    from jobs.extraction.fields.invoice import extract_invoice

    pages = [
        page(
            row(0.03, (0.1, "HOTEL MIRADOR"), (0.6, "Passeig del Port, 22")),
            row(0.05, (0.6, "17211 Llafranc – Girona")),
            row(0.12, (0.1, "Cliente:"), (0.6, "Factura nº F25/004812")),
            row(0.14, (0.1, "Ingeniería Hidráulica Duero, S.L."), (0.6, "Fecha 18/06/2025")),
            row(0.60, (0.1, "TOTAL FACTURA"), (0.7, "800,20 €")),
            row(0.95, (0.1, "Inversiones Turísticas Llafranc, S.L. · CIF B17654328")),
        )
    ]
    fields = extract_invoice(pages)
    assert fields["issuer"].value != "Passeig del Port, 22"
    assert fields["customer_name"].value == "Ingeniería Hidráulica Duero, S.L."


def test_a_hyphenated_legal_form_ends_a_legal_name():
    from jobs.extraction.fields.issuer import has_legal_form

    assert has_legal_form("Falconbridge Cloud Systems FZ-LLC")
    assert not has_legal_form("Check-in")


def test_the_hungarian_title_is_no_issuer_the_name_under_the_sellers_heading_is():
    locator = _locator(
        row(0.03, (0.42, "SZÁMLA")),
        row(0.06, (0.45, "Eredeti példány")),
        row(0.10, (0.10, "Eladó"), (0.52, "Vevő")),
        row(
            0.12,
            (0.10, "Tiszavölgyi Nyomda és Kiadó Kft."),
            (0.52, "Alföldi Kertészeti Szövetkezet"),
        ),
    )
    assert extract_issuer(locator).value == "Tiszavölgyi Nyomda és Kiadó Kft."


def test_the_parts_of_a_tagline_are_not_joined_to_the_line_under_them():
    locator = _locator(
        row(0.03, (0.1, "FERNLEAF")),
        row(0.05, (0.1, "kitchens · joinery · interiors")),
        row(0.07, (0.1, "Tasman Joinery Holdings Limited")),
    )
    names = {str(s.value) for s in scored_names(locator)}
    assert not any(n.startswith("interiors ") for n in names)


def test_a_receipts_shop_name_joined_to_its_companys_full_legal_name_gives_the_legal_name():
    locator = Locator(
        [
            page(
                row(0.03, (0.3, "MANOK REPUBLIC")),
                row(0.05, (0.2, "MRC Quick Service Foods, Inc.")),
                row(0.07, (0.2, "Unit 5 Ayala Ave, Makati City")),
                row(0.30, (0.1, "TOTAL"), (0.7, "358.29")),
                source="ocr",
            )
        ],
        {**INVOICE, **OTHER},
    )
    merchant = extract_issuer(locator, receipt=True).value
    assert merchant in {"MANOK REPUBLIC", "MRC Quick Service Foods, Inc."}


def test_a_name_whose_lines_a_right_hand_address_line_separates_is_still_joined():
    locator = _locator(
        row(0.040, (0.07, "HARROWGATE"), (0.62, "Unit 4, Crossley Business Park")),
        row(0.050, (0.62, "Keighley Road, Bradford BD9 4QX")),
        row(0.060, (0.07, "Plumbing & Heating Ltd"), (0.62, "Tel 01274 555 318")),
    )
    names = {str(s.value) for s in scored_names(locator)}
    assert "HARROWGATE Plumbing & Heating Ltd" in names


def test_a_line_in_another_letter_case_under_a_name_is_a_tagline_not_part_of_it():
    locator = _locator(
        row(0.03, (0.3, "Paper Lantern Books")),
        row(0.05, (0.3, "BOOKS & STATIONERY")),
        row(0.08, (0.3, "14 Stonegate, York YO1 8AS")),
    )
    joined = [str(s.value) for s in scored_names(locator, receipt=True) if s.features["joined"]]
    assert "Paper Lantern Books BOOKS & STATIONERY" not in joined
    # Its legal form ends a name whatever the case of the line above.
    locator = _locator(
        row(0.03, (0.3, "HARROWGATE")),
        row(0.05, (0.3, "Plumbing & Heating Ltd")),
    )
    joined = [str(s.value) for s in scored_names(locator) if s.features["joined"]]
    assert "HARROWGATE Plumbing & Heating Ltd" in joined


def test_a_name_printed_after_its_label_is_a_candidate_without_the_label():
    locator = _locator(
        row(0.03, (0.3, "ORIGINAL")),
        row(0.10, (0.05, "Razón Social: Pampa Norte Insumos Agropecuarios S.A.")),
        row(0.20, (0.05, "Apellido y Nombre / Razón Social: Estancia La Celina S.R.L.")),
    )
    values = {str(s.value) for s in scored_names(locator)}
    assert "Pampa Norte Insumos Agropecuarios S.A." in values
    assert "Estancia La Celina S.R.L." in values
    assert not any("Social" in v for v in values)


def test_a_currency_named_in_words_counts_and_a_coffees_origin_names_no_country():
    evidence = currency_evidence([("Naira", 1.0), ("Only", 1.0)], "Naira Only", [])
    assert max(evidence, key=evidence.get) == "NGN"
    text = "Colombia Roast 5,00\nWährung: EUR"
    evidence = currency_evidence([("EUR", 1.0)], text, [])
    assert set(evidence) == {"EUR"}


def test_a_dollar_sign_on_an_argentine_invoice_is_the_peso():
    text = "CUIT: 30-71542389-6\nImporte Total: $ 21.075.215,27"
    evidence = currency_evidence([("$", 1.0), ("21.075.215,27", 1.0)], text, [])
    assert max(evidence, key=evidence.get) == "ARS"


def test_rupees_on_a_pakistani_page_are_pakistani():
    text = "NTN: 3456789-2\nSales Tax @ 18%: Rs. 4,83,237.00"
    evidence = currency_evidence([("Rs.", 1.0), ("4,83,237.00", 1.0)], text, [])
    assert max(evidence, key=evidence.get) == "PKR"
    evidence = currency_evidence([("Rs.", 1.0), ("4,83,237.00", 1.0)], "Total Rs. 4,83,237.00", [])
    assert max(evidence, key=evidence.get) == "INR"


def test_the_company_operating_a_shop_is_a_name_of_its_own_without_operated_by():
    locator = _locator(
        row(0.03, (0.3, "GREENFIELD")),
        row(0.05, (0.3, "Service Station & Deli")),
        row(0.07, (0.3, "Operated by Greenfield Fuels Ltd.")),
        row(0.09, (0.3, "Main Street, Kilcullen")),
    )
    values = {str(s.value) for s in scored_names(locator, receipt=True)}
    assert "Greenfield Fuels Ltd." in values
    assert not any("Operated" in v for v in values)


def test_a_legal_form_written_before_the_name_is_a_legal_form():
    from jobs.extraction.fields.issuer import has_legal_form

    assert has_legal_form("SIA “Daugavas Loģistika”")
    assert has_legal_form("ТОВ «Поділля Агро Інвест»")
    assert has_legal_form("CÔNG TY TNHH THƯƠNG MẠI VÀ DỊCH VỤ SÀI GÒN XANH")
    assert not has_legal_form("Sia Road")
    assert not has_legal_form("UAB")


def test_a_line_that_starts_with_the_whole_shop_name_above_is_its_company_not_joined():
    locator = _locator(
        row(0.03, (0.3, "Golden Oven")),
        row(0.05, (0.3, "BAKERY & CAFE")),
        row(0.07, (0.3, "GOLDEN OVEN BAKERY ENTERPRISE")),
        row(0.09, (0.3, "88, Jalan Macalister,")),
    )
    joined = [str(s.value) for s in scored_names(locator, receipt=True) if s.features["joined"]]
    assert "BAKERY & CAFE GOLDEN OVEN BAKERY ENTERPRISE" not in joined
