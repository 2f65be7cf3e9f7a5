"""What a payer sees of an invoice: the hosted invoice page, its receipt and the invoice PDF."""
