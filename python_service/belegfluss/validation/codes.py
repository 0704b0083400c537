"""Stable error and warning codes. Clients (n8n workflows, dashboards) switch on these strings;
never rename one, only add."""

# Request-level
BODY_INVALID_JSON = "body.invalid_json"
BODY_INVALID = "body.invalid"
BODY_BATCH_TOO_LARGE = "body.batch_too_large"
PROFILE_UNKNOWN = "profile.unknown"

# Schema (pydantic) errors become "schema.<pydantic error type>", e.g. schema.missing.
SCHEMA_PREFIX = "schema."

# Sale arithmetic
AMOUNT_NEGATIVE = "amount.negative"
LINE_QUANTITY_NOT_POSITIVE = "line.quantity_not_positive"
LINE_DISCOUNT_EXCEEDS_PRICE = "line.discount_exceeds_price"
LINE_COMPONENTS_MISMATCH = "line.components_mismatch"
SALE_LINES_TOTAL_MISMATCH = "sale.lines_total_mismatch"
PAYMENT_MISSING = "payment.missing"
PAYMENT_NOT_COVERING = "payment.not_covering"
PAYMENT_EXCEEDS_TOTAL = "payment.exceeds_total"

# Tax, currency, time
TAX_RATE_INVALID = "tax.rate_invalid_on_date"
CURRENCY_NOT_ALLOWED = "currency.not_allowed"
DATE_IN_FUTURE = "date.in_future"

# References
REFUND_UNKNOWN_ORIGINAL = "refund.unknown_original"
REFUND_ORIGINAL_NOT_A_SALE = "refund.original_not_a_sale"
REFUND_EXCEEDS_ORIGINAL = "refund.exceeds_original"
REFUND_CURRENCY_MISMATCH = "refund.currency_mismatch"

# KassenSichV
TSE_MISSING = "tse.missing"
TSE_MALFORMED = "tse.malformed"
TSE_COUNTER_NOT_RISING = "tse.counter_not_rising"
TSE_SIGNATURE_INVALID = "tse.signature_invalid"
TSE_LOG_MISMATCH = "tse.log_mismatch"

# Z-report
ZREPORT_TOTALS_MISMATCH = "zreport.totals_mismatch"

# Store
EVENT_CONFLICT = "event.conflict"

# Warnings (GoBD completeness: reported, not blocking)
RECEIPT_GAP = "receipt.gap"
RECEIPT_DUPLICATE_NUMBER = "receipt.duplicate_number"
