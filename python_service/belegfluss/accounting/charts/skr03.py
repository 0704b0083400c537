"""SKR03 (Prozessgliederungsprinzip): accounts for POS bookings, per `reference/datev.md` §2.3/§5.5.

Left out on purpose: the USt accounts 1776/1771 (DATEV posts to them from the Automatikkonten; booking
them directly double-counts VAT) and 1730 Kreditkartenabrechnung (the company's own card liability,
a classic mistake for card receipts).
"""

from decimal import Decimal

from . import Chart

KNOWN_ACCOUNTS = {
    1000: "Kasse",
    1010: "Nebenkasse 1",
    1020: "Nebenkasse 2",
    1200: "Bank",
    1210: "Bank 1",
    1220: "Bank 2",
    1230: "Bank 3",
    1240: "Bank 4",
    1250: "Bank 5",
    1360: "Geldtransit",
    1400: "Forderungen aus Lieferungen und Leistungen",
    1410: "Forderungen aus Lieferungen und Leistungen ohne Kontokorrent",
    1590: "Durchlaufende Posten",
    1592: "Fremdgeld",
    1700: "Sonstige Verbindlichkeiten",
    1718: "Erhaltene, versteuerte Anzahlungen 19 % USt",
    1796: "Ausgegebene Geschenkgutscheine",
    1800: "Privatentnahmen allgemein",
    1880: "Unentgeltliche Wertabgaben",
    1890: "Privateinlagen",
    2700: "Sonstige Erträge",
    4900: "Sonstige betriebliche Aufwendungen",
    4970: "Nebenkosten des Geldverkehrs",
    8100: "Steuerfreie Umsätze § 4 Nr. 8 ff UStG",
    8120: "Steuerfreie Umsätze § 4 Nr. 1a UStG",
    8125: "Steuerfreie innergemeinschaftliche Lieferungen",
    8195: "Erlöse als Kleinunternehmer i.S.d. § 19 Abs. 1 UStG",
    8200: "Erlöse",
    8300: "Erlöse 7 % USt",
    8400: "Erlöse 19 % USt",
    8700: "Erlösschmälerungen",
    8710: "Erlösschmälerungen 7 % USt",
    8720: "Erlösschmälerungen 19 % USt",
    8730: "Gewährte Skonti",
    8731: "Gewährte Skonti 7 % USt",
    8736: "Gewährte Skonti 19 % USt",
    8910: "Entnahme durch den Unternehmer (Waren) 19 % USt",
}

SKR03 = Chart(
    name="SKR03",
    datev_code="03",
    known_accounts=KNOWN_ACCOUNTS,
    automatic_accounts={8400: Decimal("19"), 8300: Decimal("7")},
    defaults={
        "cash": 1000,
        "bank": 1200,
        "geldtransit": {"default": 1360},
        "fees": 4970,
        "tips_staff": 1592,
        "voucher_liability": 1796,
        "cash_surplus": 2700,
        "cash_shortfall": 4900,
        "revenue": {"default": {"19": 8400, "7": 8300}},
    },
)
