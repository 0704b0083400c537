"""Identity: one customer across POS and CRM.

Normalisers (`normalise/`) turn raw contact data into comparable values, `features` builds the
normalised view of a record once, `blocking` finds candidates, `comparisons` + `scoring` weigh the
evidence, `decision` turns it into `match` / `review` / `new` with reasons, `batch` clusters a set
among itself, `survivorship` builds the golden record, `graph` keeps the identity graph.
"""
