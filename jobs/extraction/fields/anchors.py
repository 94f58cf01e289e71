"""Label lexicon: how invoices in English, German, French, Dutch, Italian, Spanish,
Portuguese, Swedish, Danish, Norwegian, Polish, Czech, Finnish, Estonian, Lithuanian,
Hungarian, Romanian, Croatian, Slovenian, Turkish, Latvian, Slovak, Icelandic, Greek,
Bulgarian, Ukrainian, Russian and Serbian (and a Vietnamese invoice's bilingual labels) name
their fields.

Each field maps to ``(phrase, weight)`` pairs. The weight (0..1) says how specific a label is:
"Grand Total" names the payable total for sure, a bare "Total" may head any column. Phrases are
written naturally; matching folds case and accents and ignores trailing ":" "#" "." (see
:func:`jobs.extraction.fields.text.fold_token`; "N°", "No.", "Nr.", "#" are all the same token).
Labels under :data:`OTHER` are not extracted but stop a value search: the words after
"Customer no." are not the invoice number.
"""

from __future__ import annotations

import re

Lexicon = dict[str, list[tuple[str, float]]]


def _weighted(strong: str, medium: str = "", weak: str = "") -> list[tuple[str, float]]:
    """Phrases separated by ``|``, at weights 1.0, 0.8 and 0.6."""
    out: list[tuple[str, float]] = []
    for phrases, weight in ((strong, 1.0), (medium, 0.8), (weak, 0.6)):
        out.extend((p.strip(), weight) for p in phrases.split("|") if p.strip())
    return out


INVOICE: Lexicon = {
    "invoice_number": _weighted(
        "invoice number|invoice no|invoice num|invoice id|invoice reference|invoice ref"
        "|bill number|bill no|rechnungsnummer|rechnungsnr|rechnungs-nr|rechnung no"
        "|rechnungs no|numero de facture|no de facture|no facture|facture no|factuurnummer"
        "|factuurnr|factuur no|numero fattura|numero della fattura|fattura no|no fattura"
        "|numero de factura|no de factura|factura no|no factura|factura numero|num. factura"
        "|numero da fatura|no da fatura|fatura no|no fatura|fatura numero|numero do documento"
        "|fakturanummer|fakturanr|faktura no|numer faktury|no faktury"
        "|faktura vat no|cislo faktury|faktura c|danovy doklad c|doklad c|cislo dokladu"
        "|gutschrift-nr|gutschrift nr|gutschriftsnr|gutschrifts-nr|credit note number"
        "|credit memo number|credit memo no|no d'avoir|numero d'avoir|avoir no"
        "|creditnotanummer|creditnota nummer|creditnota nr"
        "|laskun numero|laskunumero|laskun nro|lasku nro|arve nr|arve number|arve no"
        "|saskaitos nr|saskaitos numeris|szamlaszam|szamla sorszama|szamla szama"
        "|numar factura|nr factura|factura nr|seria nr|seria si nr|racun br|racun broj"
        "|broj racuna|racun st|stevilka racuna|fatura numarasi|fatura numarası"
        "|rekina nr|rekins nr|rekina numurs|faktura c|cislo faktury|reikningur nr"
        "|reikningsnumer|numero da nota|numero da nota fiscal|nota fiscal no|nf-e no"
        "|αριθμος τιμολογιου|αρ. τιμολογιου|αριθμος παραστατικου|αρ. παραστατικου"
        "|so hoa don|so (no.)|номер на фактура|фактура no|номер на документ|рахунок-фактура no"
        "|рахунок no|номер рахунку|счет-фактура no|счет no|номер счета|broj fakture|faktura br"
        "|racun br.",
        "document number|document no|belegnummer|beleg no|beleg-nr|belegnr|rechnung|facture"
        "|factuur|fattura|rechnungskorrektur|korrekturrechnung|gutschrift|gutschriftsnummer"
        "|avoir|credit note|credit note no|nota di credito|factura|fatura|nota de credito"
        "|factura rectificativa|numero de documento|faktura|kreditnota|faktura korygujaca"
        "|dobropis|lasku|arve|szamla|racun|saskaita faktura|saskaita|rekins|reikningur"
        "|nota fiscal|folio|αριθμος|τιμολογιο|номер|фактура|рахунок|рахунок-фактура",
        "invoice",
    ),
    "invoice_date": _weighted(
        "invoice date|date of invoice|invoice dated|date of issue|issue date|billing date"
        "|rechnungsdatum|datum der rechnung|ausstellungsdatum|date de facture"
        "|date de facturation|date facture|date d'emission|factuurdatum|datum factuur"
        "|data fattura|data della fattura|data di emissione|data documento"
        "|fecha de factura|fecha factura|fecha de emision|fecha de expedicion"
        "|data da fatura|data de emissao|data emissao|data do documento|fakturadatum"
        "|fakturadato|data wystawienia|data faktury|datum vystaveni|datum faktury"
        "|laskun paivamaara|laskun pvm|laskutuspaiva|arve kuupaev|saskaitos data"
        "|israsymo data|szamla kelte|kiallitas kelte|kiallitas datuma|data facturii"
        "|data emiterii|datum racuna|datum izdavanja|datum izdaje|fatura tarihi"
        "|duzenleme tarihi|düzenleme tarihi|rekina datums|izrakstisanas datums"
        "|datum vyhotovenia|datum vystavenia|dagsetning reiknings|data de emissao da nota"
        "|ημερομηνια τιμολογιου|ημερομηνια εκδοσης|ημ/νια εκδοσης|дата на издаване"
        "|дата на фактура|дата складання|дата виписки|дата выставления|datum izdavanja racuna"
        "|datum racuna",
        "issued on|belegdatum|date d'edition|fecha del documento|utstedelsesdato|udstedelsesdato"
        "|bill date|date of bill",
        "date|datum|data|dated|fecha|dato|paivays|kuupaev|kelte|tarih|pvm|ημερομηνια|ημ/νια|дата",
    ),
    "due_date": _weighted(
        "due date|payment due|payment due date|date due|due on|pay by|faellig am|fallig am"
        "|falligkeitsdatum|zahlbar bis|zahlungsziel|date d'echeance|echeance"
        "|date limite de paiement|date limite de paiement le|a payer avant le|vervaldatum"
        "|uiterste betaaldatum|te betalen voor|data di scadenza|data scadenza|scadenza"
        "|scadenza pagamento|scadenza del pagamento"
        "|fecha de vencimiento|vencimiento|fecha de pago|data de vencimento"
        "|data limite de pagamento|forfallodatum|forfallodag|sista betalningsdag|forfaldsdato"
        "|betalingsfrist|forfallsdato|termin płatności|termin platnosci|datum splatnosti"
        "|splatnost|erapaiva|maksetahtaeg|tasuda hiljemalt|apmoketi iki|moketi iki"
        "|fizetesi hatarido|esedekesseg|data scadentei|scadenta|datum dospijeca|dospijece"
        "|rok placanja|rok placila|son odeme tarihi|vade tarihi|apmaksas termins"
        "|samaksas termins|datum splatnosti faktury|gjalddagi|eindagi|vencimento"
        "|fecha de vto|fecha vto|fecha de vto para el pago|vto para el pago"
        "|ληξη πληρωμης|ημερομηνια ληξης|προθεσμια πληρωμης|termen de plata|termen plata"
        "|data scadenta|срок за плащане|падеж|дата на падеж|сплатити до|оплатить до"
        "|дійсний до сплати до|срок оплаты|valuta placanja|rok za placanje"
        # "At the latest" before a due date in the payment terms' sentence.
        "|au plus tard le|no later than|spatestens am|spatestens bis|uiterlijk op|amount due by"
        "|please pay by"
        "|a mas tardar el|entro il",
        "",
        "due",
    ),
    "total_amount": _weighted(
        "grand total|total amount|total amount due|amount due|balance due|total due"
        "|invoice total|total for this invoice|total incl. vat|total including vat"
        "|total incl. gst|total incl gst|total including gst|total inclusive gst"
        "|total inclusive of gst|total incl. tax|total including tax|total inclusive"
        "|total inc. vat|total to pay|amount payable|gesamtbetrag|gesamtsumme|rechnungsbetrag"
        "|endbetrag|zahlbetrag|zu zahlen|bruttosumme|bruttobetrag|rechnungssumme|endsumme"
        "|gesamtbetrag brutto|total ttc|montant ttc|montant total|net a payer"
        "|somme a payer|total a payer|montant a payer|totaal incl. btw|totaalbedrag|te betalen"
        "|totale fattura|totale documento|importo totale|totale da pagare|netto a pagare"
        "|totale complessivo|totale euro|importo pagato"
        "|importe total|total a pagar|total factura|importe a pagar|total con iva"
        "|valor total|valor a pagar|total da fatura|total com iva|total inkl. mwst"
        "|total inkl mwst|betrag inkl. mwst|gesamtbetrag inkl. mwst|att betala|summa att betala"
        "|totalt att betala|belopp att betala|at betale|i alt at betale|total at betale"
        "|å betale|a betale|totalt å betale|do zapłaty|razem do zapłaty|kwota do zapłaty"
        "|suma do zapłaty|celkem k uhrade|k uhrade|celkem k zaplaceni|celkova castka"
        "|jumlah bayaran|jumlah perlu dibayar|jumlah keseluruhan|jumlah bayar|total bayar"
        "|jumlah tagihan|total tagihan|maksettava yhteensa|maksettava|loppusumma"
        "|kokku tasuda|tasuda kokku|tasuda|is viso moketi|moketi is viso|suma moketi"
        "|fizetendo|fizetendo osszeg|brutto osszesen|vegosszeg|total de plata|total plata"
        "|ukupno za platiti|ukupno za placanje|za platiti|za placilo|skupaj za placilo"
        "|odenecek tutar|ödenecek tutar|genel toplam|vergiler dahil toplam tutar"
        "|kopa apmaksai|summa apmaksai|kopeja summa|suma na uhradu|celkom na uhradu"
        "|celkova suma|samtals til greidslu|til greidslu|valor total da nota|valor a pagar"
        "|πληρωτεο|πληρωτεο ποσο|συνολικη αξια|γενικο συνολο|συνολο πληρωτεο|сума за плащане"
        "|обща сума|всичко за плащане|всього до сплати|разом до сплати|итого к оплате"
        "|всего к оплате|всього з пдв|ukupno za uplatu|iznos za uplatu|za uplatu",
        "totaal|totale|brutto|gesamt brutto|summe brutto|totalt|i alt|razem|celkem|summa"
        "|wartosc brutto|wartość brutto|jumlah|yhteensa|kokku|is viso|osszesen|ukupno|skupaj"
        "|toplam tutar|toplam|kopa|celkom|samtals|συνολο|общо|всього|разом|итого|всего",
        "total|summe|gesamt",
    ),
    "net_amount": _weighted(
        "net amount|net total|total net|total excl. vat|total excluding vat|total excl vat"
        "|subtotal excl. vat|subtotal excl vat|subtotal excluding vat|amount excl. vat"
        "|charges excl. vat|subtotal excl. tax|total excl. tax|total excluding tax"
        "|total before tax|amount before tax|total before gst|total before vat|amount before gst"
        "|amount before vat|value excluding sales tax|value excl. sales tax|excluding sales tax"
        "|value exclusive of sales tax|nettobetrag|summe netto|gesamt netto|total ht"
        "|nettosumme|rechnungssumme ohne ust|summe ohne ust|warenwert"
        "|montant ht|total hors taxes|exclusief btw|totaal excl. btw|excl. btw|netto bedrag"
        "|totale imponibile|imponibile|base imponible|importe neto|total sin iva"
        "|valor liquido|total sem iva|base tributavel|total exkl. mwst|total exkl mwst"
        "|total ohne mwst|betrag exkl. mwst|taxable value|taxable amount|exkl. moms"
        "|subtotal ex gst|subtotal (ex gst)|total ex gst|amount ex gst|charge ex gst|ex gst"
        "|total excluding gst|total excluding sst|total excl. sst|total excl. gst"
        "|total excluding service tax|amount excluding gst|amount excluding sst"
        "|excl. gst|excl gst|ex. gst|subtotal ex vat|total ex vat|ex vat|ex. vat"
        "|summa exkl. moms|belopp exkl. moms|exklusive moms|ekskl. moms|i alt ekskl. moms"
        "|sum eks. mva|sum eks mva|eks. mva|ekskl. mva|sum ekskl. mva|belop eks. mva"
        "|eksklusive moms|razem netto|wartosc netto|wartość netto|kwota netto|zaklad dph"
        "|celkem bez dph|bez dph|veroton yhteensa|veroton hinta|veroton|summa km-ta"
        "|kokku km-ta|kokku ilma km-ta|suma be pvm|be pvm|netto osszesen|netto osszeg"
        "|total fara tva|valoare fara tva|baza impozabila|ukupno bez pdv|iznos bez pdv"
        "|osnovica|skupaj brez ddv|brez ddv|osnova za ddv|ara toplam|kdv haric|matrah"
        "|summa bez pvn|kopa bez pvn|zaklad dane|suma bez dph|samtals an vsk|an vsk"
        "|συνολο καθαρης αξιας|καθαρη αξια|καθαρο ποσο|valor dos servicos|valor dos produtos"
        "|base de calculo|данъчна основа|сума без пдв|разом без пдв|итого без ндс|сумма без ндс"
        "|ukupno bez pdv-a",
        "subtotal|sub total|sub-total|zwischensumme|netto|sous-total|sous total|subtotaal"
        "|subtotale",
    ),
    "tax_amount": _weighted(
        "tax amount|total tax|vat amount|total vat|sales tax|mehrwertsteuer|umsatzsteuer"
        "|steuerbetrag|ust-betrag|mwst-betrag"
        "|zzgl. mwst|montant tva|total tva|btw bedrag|totaal btw|importo iva|totale iva"
        "|cuota iva|importe iva|total iva|valor do iva|valor iva|di cui iva|momsbelopp|moms i alt"
        "|kwota vat|podatek vat|vyse dph|castka dph|alv yhteensa|alv:n osuus|kaibemaks"
        "|km summa|pvm suma|afa osszesen|afa osszeg|total tva|iznos pdv|ukupno pdv"
        "|znesek ddv|kdv tutari|kdv tutarı|pvn summa|suma dph|vsk upphaed"
        "|dph celkem|celkem dph|suma ptu|ptu suma|razem vat|vat total|mwst total|total mwst"
        "|moms totalt|totalt moms|mva totalt|συνολο φπα|ποσο φπα|total sst|sst amount"
        "|service tax amount|total service tax|valor do iss|valor do icms|valor do imposto"
        "|сума ддс|ддс|сума пдв|пдв|сумма ндс|ндс|iznos pdv-a|pdv iznos",
        "vat|mwst|tva|iva|gst|igst|cgst|sgst|moms|mva|dph|alv|afa|pdv|ddv|kdv|pvn|vsk|φπα"
        "|service tax|sst",
        "tax|ust|btw",
    ),
    "iban": _weighted("iban|iban code|iban-nr|iban nr"),
    "vat_id": _weighted(
        "vat id|vat no|vat number|vat reg no|vat registration number|vat registration no"
        "|ustid|ust-id|ust-idnr|ustidnr|ust-id-nr|ust id nr|ust-id no|umsatzsteuer-id"
        "|umsatzsteuer-identifikationsnummer|no tva|numero de tva|no de tva"
        "|tva intracommunautaire|no tva intracommunautaire|no de tva intra communautaire"
        "|no de tva intracommunautaire|tva intra|btw-nummer|btw nummer|btw nr|btw-id"
        "|btw-identificatienummer|partita iva|p. iva|p.iva|nif|cif|nif/cif|n.i.f|c.i.f"
        "|nipc|numero de contribuinte|nif do cliente|momsreg.nr|momsregistreringsnummer"
        "|momsreg.no|cvr|cvr-nr|cvr-no|mva-nummer|nip|dic|vat-nr|uid|uid-nr|uid-nummer"
        "|mwst-nr|mwst-nummer|y-tunnus|ytunnus|alv-numero|alv nro|alv rek|kmkr|kmkr nr"
        "|km reg nr|pvm kodas|pvm moketojo kodas|adoszam|kozossegi adoszam|cui|cod fiscal"
        "|cod unic de inregistrare|oib|id za ddv|ddv id|id st za ddv|davcna stevilka"
        "|vergi no|vergi numarasi|vergi numarası|vkn|pvn reg. nr|pvn reg nr|pvn registracijas nr"
        "|ic dph|vsk nr|vsk-nr|cnpj|rfc|trn|kra pin|αφμ|α.φ.μ|ин по ддс|еик|ипн|инн|pib",
        "tax id|vat/tin",
        "btw|vat",
    ),
    "customer_name": _weighted(
        "bill to|billed to|invoice to|sold to|customer name|bill to address"
        "|rechnungsempfanger|rechnungsadresse|facture a|facturer a|adresse de facturation"
        "|factuuradres|gefactureerd aan|spett.le|intestatario|destinatario"
        "|facturar a|datos del cliente|faturar a|dados do cliente|kopare|nabywca|odbiorca"
        "|odberatel|kupujici|ostaja|maksaja|laskutettava|ostja|maksja|pirkejas|vevo"
        "|cumparator|beneficiar|kupac|kupec|alici|alıcı|sayin|sayın|kaufer|leistungsempfanger"
        "|kaufer/leistungsempfanger|adresse du client|acheteur|receptor|aan"
        # A Portuguese addressee's salutation: "Exmo.(s) Sr.(s)".
        "|exmo.(s) sr.(s)|exmo(s) sr(s)|exmo. sr.|exmos. srs.|exmo sr|exmos srs"
        # The payer and the payee of a Swiss QR bill's payment part.
        "|zahlbar durch|payable par|pagabile da|στοιχεια πελατη|tomador dos servicos|adresse a"
        "|tomador do servico|buyer name|buyer details|sanemejs|maksatajs"
        "|sanemejs / maksatajs|получател|купувач|покупець|покупатель|замовник|платник",
        "customer|client|kunde|klant|cliente|billing address|ship to|shipping address|kund|πελατης"
        "|buyer|purchaser"
        "|deliver to|delivery address|livrer a|lieferadresse|lieferanschrift|leveringsadres",
    ),
    "issuer": _weighted(
        "sold by|seller|vendor|supplier|service provider|account holder|beneficiary"
        "|verkaufer|lieferant|kontoinhaber|vendu par|vendeur|fournisseur|titulaire du compte"
        "|verkocht door|verkoper|leverancier|rekeninghouder|venduto da|venditore|fornitore"
        "|emisor|proveedor|vendedor|fornecedor|emitente|titular de la cuenta|saljare"
        "|leverantor|sælger|leverandør|selger|sprzedawca|dostawca|dodavatel|prodavajici"
        "|myyja|laskuttaja|muuja|tarnija|pardavejas|tiekejas|elado|szallito|furnizor"
        "|prodavatelj|dobavitelj|izdavatelj|satici|satıcı|στοιχεια εκδοτη|εκδοτης|πωλητης"
        "|piegadatajs|pardevejs|доставчик|постачальник|поставщик|продавец|продавець|prodavac"
        "|zahlbar an|payable a|pagabile a|payable to|make checks payable to"
        "|make cheques payable to|cheques payable to|checks payable to",
    ),
}

RECEIPT: Lexicon = {
    "date": INVOICE["invoice_date"] + _weighted("", "", "bon|beleg"),
    "total": INVOICE["total_amount"]
    + _weighted("to pay|paid|betrag|a payer|totaal te betalen", "", "eur|sum"),
    "tax": INVOICE["tax_amount"],
    # Not extracted, but "Total excl. VAT" must not read as a tax or total label.
    "_net": INVOICE["net_amount"],
    "payment_method": _weighted(
        "payment method|paid by|payment type|payment|zahlungsart|bezahlt mit|zahlart"
        "|mode de paiement|mode de reglement|paiement|betaalwijze|betaalmethode"
        "|metodo di pagamento|pagamento|forma de pago|metodo de pago|forma de pagamento"
        "|meio de pagamento",
    ),
}

# Labels of fields nobody asked for: they end the search for a value.
OTHER: Lexicon = {
    "_other": _weighted(
        "customer number|customer no|customer id|account number|account no|order number"
        "|order no|order id|order date|delivery date|kundennummer|kundennr|kunden-nr"
        "|auftragsnummer|auftrag no|bestellnummer|bestelldatum|lieferdatum|leistungsdatum"
        "|numero de client|no client|id.client|id client|numero de commande"
        "|date de commande|numero de dossier|klantnummer|ordernummer|orderdatum|bestelnummer"
        "|codice cliente|numero ordine|data ordine|page|seite|pagina|bic|swift|tel|phone"
        "|numero de pedido|no pedido|pedido|numero de cliente|codigo de cliente|albaran"
        "|numero de encomenda|encomenda|no cliente|fecha de pedido|data da encomenda|telefone"
        "|fax|telefon|telefoon|telefono|email|e-mail|contract no|service tax|vat/tin|cin|pan"
        "|steuer-nr|steuernummer|kto-nr|blz|siret|siren|kvk|rcs|gln|iln|ean|gtin"
        "|customer care|customer service"
        "|kundenservice|service clients|service client|klantenservice|servizio clienti"
        "|ohne mwst|exkl. mwst|excl. vat|excl. tax|rabatt|discount|remise|korting|sconto"
        # Dates of something else than the document: delivery, a service period, a contract,
        # the invoice a credit note corrects.
        "|date of delivery|delivery|shipping date|ship date|service period|period"
        "|date de livraison|livraison|date de debut|date de fin|date de debut de prestation"
        "|date de fin de prestation|periode|facture associee|date de facture associee"
        "|no de facture associee|facture d'origine|facture initiale|facture rectifiee"
        "|original invoice|original invoice no|corrected invoice|ursprungliche rechnung"
        "|ursprungsrechnung|bezug rechnung|zu rechnung|zur rechnung|zu rechnung nr"
        "|bezuglich rechnung|betreffend rechnung|related invoice|relating to invoice"
        "|en reference a la facture|factura original|factura rectificada"
        "|original invoice|original invoice no|original invoice number|original invoice date"
        # The date of the order or quote an invoice answers: "Ihr Auftrag vom: 12.02.2025".
        "|ihr auftrag vom|auftrag vom|ihre bestellung vom|bestellung vom|angebot vom"
        "|votre commande du|commande du|uw bestelling van|your order of|your order dated"
        # A freight bill's parties, beside the one billed.
        "|shipper|consignee|ship from|carrier"
        # A utility's meter readings and the period it bills.
        "|next meter read|next read date|meter read date|read dates|service period"
        # A Vietnamese invoice's form and serial symbols, printed beside its number.
        "|ky hieu|ky hieu (serial)|mau so|serial"
        "|fattura di riferimento|fattura originale|oorspronkelijke factuur|fatura original"
        "|abrechnungszeitraum|leistungszeitraum|vertragsdatum"
        "|vertrags-datum|auftragsdatum|auftrag-datum|lieferscheindatum|lieferschein-datum"
        "|leveringsdatum|data di consegna|data consegna|fecha de entrega|fecha de servicio"
        "|periodo de facturacion|data de entrega|periodo de faturacao|fatura relacionada"
        "|date debut|date fin|start date|end date|period start|period end|billing period"
        "|leistungsbeginn|leistungsende|fecha inicio|fecha fin|fecha de inicio|data inizio"
        "|data fine|data de inicio|data de fim|startdatum|einddatum"
        # The end of a coupon's validity, of a return period, of a product's shelf life.
        "|valid until|valid till|valid thru|valid through|expires|expiry|expiry date"
        "|exp date|return by|returns by|return before|best before|use by|gultig bis"
        "|valable jusqu'au|valable jusqu au|geldig tot|geldig t/m|valido fino al|valido hasta"
        "|berlaku s/d|berlaku sd|berlaku hingga|berlaku sampai|sah sehingga|sah hingga"
        # An Argentine invoice's authorisation code (CAE) and the day it lapses.
        "|cae|cae no|fecha de vto de cae|vto de cae|vencimiento cae|vencimiento del cae"
        # The customer's order, a delivery note or a quote the invoice refers to.
        "|purchase order|purchase order no|po number|po no|your order|your order no"
        "|order reference|bestellung|bestellung no|ihre bestellung|bestell-nr|bestellnr"
        "|auftrag|auftrags-nr|auftragsnr|lieferschein|lieferschein-nr|lieferscheinnummer"
        "|delivery note|angebot|angebotsnummer|commande|votre commande|commande no"
        "|bon de commande|bon de livraison|devis|bestelling|uw bestelling|ordine"
        "|vostro ordine|pedido no|su pedido|presupuesto|orcamento"
        # Registry numbers, order and delivery labels of the Nordic, Polish and Czech forms.
        "|org.nr|orgnr|organisationsnummer|org.no|organisasjonsnummer|kundnummer|kundnr"
        "|kundenummer|kundenr|ordernr|er ordre|ordrenr|bankgiro|plusgiro|regon|krs|ico"
        "|data sprzedaży|data sprzedazy|data dostawy|leveransdatum|leveringsdato"
        "|datum zdanitelneho plneni|duzp|objednavka|cislo objednavky|zamowienie"
        # ... and of the Finnish, Baltic, Hungarian, Romanian, Croatian, Slovenian and
        # Turkish ones: payment references, registry numbers, delivery dates.
        "|viitenumero|viite|viitenro|registrikood|reg. kood|reg kood|imones kodas"
        "|cegjegyzekszam|nr. reg. com|nr reg com|reg. com|maticna st|maticna stevilka"
        "|maticni broj|mbs|poziv na broj|sklic|mersis no|ticaret sicil no|toimituspaiva"
        "|tarnekuupaev|pristatymo data|teljesites datuma|teljesites kelte|data livrarii"
        "|datum isporuke|datum dobave|datum opravljene storitve|sevk tarihi|tilausnumero"
        "|tellimuse nr|uzsakymo nr|rendelesszam|comanda nr|statement date|statement no"
        "|statement number|reg. nr|registracijas nr|kt|kennitala|inscricao estadual"
        "|cpf|pasutijuma nr|objednavka c"
        # References of the buyer's and of the e-invoice exchange, not the document's own.
        "|customer ref|customer reference|your ref|your reference|our ref|our reference"
        "|allocation no|allocation number|company no|company number|company reg no"
        "|company registration no|registration no|reg. no"
        "|codice destinatario|codice sdi|ihr zeichen|unser zeichen|votre reference"
        "|votre ref|notre ref|notre reference|uw ref|uw referentie|onze ref|onze referentie"
        "|ihre referenz|unsere referenz|su referencia|nuestra referencia"
        # A signature line: "Customer signature" names no customer.
        "|customer signature|signature|unterschrift|kundenunterschrift|signature du client"
        "|handtekening|firma del cliente"
        # Headings of other people and of a table, which a name label must not read as one.
        "|consignee|guest|guest name"
        # Where the goods go, not who pays.
        "|warenempfanger|abweichender warenempfanger|lieferanschrift|lieferadresse"
        "|delivery address|adresse de livraison|afleveradres|indirizzo di consegna",
    )
}

PAYMENT_METHODS: dict[str, str] = {
    "cash": "cash",
    "bar": "cash",
    "barzahlung": "cash",
    "especes": "cash",
    "contant": "cash",
    "contanti": "cash",
    "card": "card",
    "credit card": "card",
    "debit card": "card",
    "karte": "card",
    "ec-karte": "card",
    "ec karte": "card",
    "girocard": "card",
    "carte": "card",
    "carte bancaire": "card",
    "cb": "card",
    "pin": "card",
    "pinnen": "card",
    "carta": "card",
    "bancomat": "card",
    "visa": "card",
    "mastercard": "card",
    "maestro": "card",
    "amex": "card",
    "american express": "card",
    "v pay": "card",
    "contactless": "card",
    "kontaktlos": "card",
    "sans contact": "card",
    "paypal": "paypal",
    "ideal": "ideal",
    "bank transfer": "transfer",
    "uberweisung": "transfer",
    "virement": "transfer",
    "overschrijving": "transfer",
    "bonifico": "transfer",
    "direct debit": "direct_debit",
    "lastschrift": "direct_debit",
    "prelevement": "direct_debit",
    "incasso": "direct_debit",
    "efectivo": "cash",
    "metalico": "cash",
    "dinheiro": "cash",
    "numerario": "cash",
    "tarjeta": "card",
    "cartao": "card",
    "multibanco": "card",
    "transferencia": "transfer",
    "transferencia bancaria": "transfer",
    "domiciliacion": "direct_debit",
    "debito direto": "direct_debit",
}


# A word of an address line ending in a street word, alone or in a compound ("Hauptstraße",
# "Bahnhofstr.", "Kerkstraat", "Lindenweg", "Jln", "Via"), in the lexicon's languages and on
# receipts.
STREET_WORD = re.compile(
    r"(?i)(str(asse|aße|\.)?|straat|weg|laan|plein|gasse|platz|allee|street|road|rd\."
    r"|gatan|gata|vägen|gade|vej|gaten|veien|katu"
    r"|avenue|lane|rue|calle|avenida|rua|jalan|jln\.?|^jl\.?|^lorong|^via|^viale|^piazza"
    r"|^corso|^boulevard|^bd\.?|^chemin|^ulica|^ul\.|^c/|^avda\.?|^av\.|^plaza|^pza\.?"
    r"|^paseo|^ctra\.?|^camino|^travessa|^praca|^largo|^passeig|^carrer|^rambla|^avinguda)$"
)
