"""Before any scenario: is the automation deployed in this org as the spec describes?

Without this, a missing field or connector record would surface as thirteen confusing
scenario errors. Checked through the REST API (describe, one query), on both targets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.drivers.salesforce import sobject, soql_quote
from harness.targets.base import TargetError

if TYPE_CHECKING:
    from simple_salesforce import Salesforce

    from harness.spec_view import SpecView


def check_deployment(sf: "Salesforce", spec: "SpecView", *, hint: str) -> None:
    """Raise TargetError listing everything missing; `hint` says how to deploy on this target."""
    problems: list[str] = []
    described = sf.describe() or {"sobjects": []}  # simple-salesforce: None for an empty answer
    objects = {o["name"] for o in described["sobjects"]}
    for name in (spec.stripe_event_object, spec.sync_log_object, spec.stripe_account_object):
        if name not in objects:
            problems.append(f"object {name} (is the Stripe connector installed?)")
    opportunity = {f["name"] for f in sobject(sf, "Opportunity").describe()["fields"]}
    for field in (spec.invoice_id_field, spec.invoice_url_field, spec.status_field, spec.reminder_date_field):
        if field not in opportunity:
            problems.append(f"field Opportunity.{field}")
    account = {f["name"] for f in sobject(sf, "Account").describe()["fields"]}
    if spec.customer_id_field not in account:
        problems.append(f"field Account.{spec.customer_id_field}")
    if spec.stripe_account_object in objects:
        rows = sf.query(
            f"SELECT Id FROM {spec.stripe_account_object} WHERE Name = {soql_quote(spec.stripe_account_name)}"
        )["records"]
        if not rows:
            problems.append(
                f"{spec.stripe_account_object} record named {spec.stripe_account_name!r} (the flows look it up by name)"
            )
    if problems:
        raise TargetError("the org is not ready for the scenarios; missing: " + "; ".join(problems) + f". {hint}")
