"""The account's public business name: what invoices carry as `account_name` and payers see.

The SDK documents `Invoice.account_name` as "The public name of the business associated with this
invoice, most often the business creating the invoice" (stripe/_invoice.py); at Stripe it comes from the
account's public business details (https://docs.stripe.com/api/accounts/object#account_object-business_profile-name,
and `settings.dashboard.display_name` for the Dashboard). stripesim has no `/v1/account`: the name is the
`--account-name` option (`SimConfig.account_name`), or what `POST /_sim/account` set for one account.
"""

from __future__ import annotations

from stripesim.context import Operation
from stripesim.errors import StripeError

KIND, DOC = "sim_state", "account"
MAX_LENGTH = 200


def account_name(op: Operation) -> str:
    stored = op.tx.get(KIND, DOC)
    return stored["name"] if stored else op.sim.config.account_name


def check_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise StripeError("Give `name`, the business name payers see (a non-empty string).", param="name")
    if len(name) > MAX_LENGTH:
        raise StripeError(f"`name` must be at most {MAX_LENGTH} characters.", param="name")
    return name.strip()


def set_account_name(op: Operation, name: object) -> str:
    checked = check_name(name)
    op.tx.put(KIND, DOC, {"id": DOC, "name": checked})
    return checked
