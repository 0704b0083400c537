"""SKR04 (Abschlussgliederungsprinzip): accounts for POS bookings, per `reference/datev.md` §2.3/§5.5.

Left out on purpose: the USt accounts 3806/3801 (fed by the Automatikkonten), 3610
Kreditkartenabrechnung (the company's own card liability) and 3270 (an Automatikkonto for
Anzahlungen 16 % that must not be used for vouchers).
"""

from decimal import Decimal

from . import Chart

KNOWN_ACCOUNTS = {
    1200: "Forderungen aus Lieferungen und Leistungen",
    1210: "Forderungen aus Lieferungen und Leistungen ohne Kontokorrent",
    1370: "Durchlaufende Posten",
    1374: "Fremdgeld",
    1460: "Geldtransit",
    1600: "Kasse",
    1610: "Nebenkasse 1",
    1620: "Nebenkasse 2",
    1800: "Bank",
    1810: "Bank 1",
    1820: "Bank 2",
    1830: "Bank 3",
    1840: "Bank 4",
    1850: "Bank 5",
    2100: "Privatentnahmen allgemein",
    2180: "Privateinlagen",
    3272: "Erhaltene, versteuerte Anzahlungen 19 % USt",
    3500: "Sonstige Verbindlichkeiten",
    3786: "Ausgegebene Geschenkgutscheine",
    4100: "Steuerfreie Umsätze § 4 Nr. 8 ff UStG",
    4120: "Steuerfreie Umsätze § 4 Nr. 1a UStG",
    4125: "Steuerfreie innergemeinschaftliche Lieferungen",
    4185: "Erlöse als Kleinunternehmer i.S.d. § 19 Abs. 1 UStG",
    4200: "Erlöse",
    4300: "Erlöse 7 % USt",
    4400: "Erlöse 19 % USt",
    4610: "Entnahme durch den Unternehmer (Waren) 7 % USt",
    4620: "Entnahme durch den Unternehmer (Waren) 19 % USt",
    4700: "Erlösschmälerungen",
    4710: "Erlösschmälerungen 7 % USt",
    4720: "Erlösschmälerungen 19 % USt",
    4730: "Gewährte Skonti",
    4731: "Gewährte Skonti 7 % USt",
    4736: "Gewährte Skonti 19 % USt",
    4830: "Sonstige betriebliche Erträge",
    6300: "Sonstige betriebliche Aufwendungen",
    6855: "Nebenkosten des Geldverkehrs",
}

SKR04 = Chart(
    name="SKR04",
    datev_code="04",
    known_accounts=KNOWN_ACCOUNTS,
    automatic_accounts={4400: Decimal("19"), 4300: Decimal("7")},
    defaults={
        "cash": 1600,
        "bank": 1800,
        "geldtransit": {"default": 1460},
        "fees": 6855,
        "tips_staff": 1374,
        "voucher_liability": 3786,
        "cash_surplus": 4830,
        "cash_shortfall": 6300,
        "revenue": {"default": {"19": 4400, "7": 4300}},
    },
)
