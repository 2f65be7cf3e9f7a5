"""`sfpay reconcile`: the org's invoices against Stripe's, in bounded memory (docs/operations.md)."""
