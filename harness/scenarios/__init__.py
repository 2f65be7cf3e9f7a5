"""The end-to-end scenarios, one module each; importing this package registers them."""

from harness.scenarios import (  # noqa: F401 - imported for registration
    s01_invoice_on_create,
    s02_customer_reuse,
    s03_ineligible,
    s04_no_duplicate_invoice,
    s05_amount_change,
    s06_paid_visa,
    s07_declined_then_paid,
    s08_duplicate_out_of_order,
    s09_forged_stale_webhook,
    s10_reminder_unpaid,
    s11_no_reminder_when_paid,
    s12_stripe_outage,
    s13_bulk_200,
    s14_mixed_batch_200,
    s15_payer_without_email,
    s16_invoice_sent_to_payer,
    s17_reissue_fails_midway,
    s18_oversize_event,
    s19_deleted_customer,
)
