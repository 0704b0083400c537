"""The POS fast path: a whole webhook delivery of sales taken in with one call (see `service`)."""
