"""Org-side steps the scenarios share, through the REST API only (simple-salesforce).

Nothing here knows which target it talks to: the same calls run against orgsim and a real
sandbox. Field names come from the spec view.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simple_salesforce import Salesforce, SFType

    from harness.context import ScenarioContext


def soql_quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def sobject(sf: "Salesforce", name: str) -> "SFType":
    """`sf.<name>`, typed: simple-salesforce declares attribute access as SFType or one of its bulk
    handlers, which only the attribute names `bulk` and `bulk2` return."""
    from simple_salesforce import SFType

    handler = getattr(sf, name)
    if not isinstance(handler, SFType):
        raise TypeError(f"{name!r} is not an sObject name")
    return handler


def soql_datetime(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class OrgDriver:
    def __init__(self, ctx: "ScenarioContext"):
        self.ctx = ctx
        self.sf = ctx.sf
        self.spec = ctx.spec
        self._stages: list[str] | None = None

    # Reads ---------------------------------------------------------------------------
    def query(self, soql: str) -> list[dict[str, Any]]:
        records = self.sf.query_all(soql)["records"]
        for record in records:
            record.pop("attributes", None)
        return records

    @property
    def server_now(self) -> dt.datetime:
        """Where the org's clock stands; the local org's clock may be ahead of the wall clock."""
        return dt.datetime.fromtimestamp(self.ctx.target.now(), dt.timezone.utc)

    def opportunity(self, opportunity_id: str) -> dict[str, Any]:
        spec = self.spec
        fields = [
            "Id",
            "Name",
            "StageName",
            "Amount",
            "AccountId",
            "RecordTypeId",
            spec.invoice_id_field,
            spec.invoice_url_field,
            spec.status_field,
            spec.payer_email_field,
            spec.invoicing_error_field,
            spec.retry_field,
            spec.previous_invoice_field,
        ]
        rows = self.query(f"SELECT {', '.join(fields)} FROM Opportunity WHERE Id = {soql_quote(opportunity_id)}")
        if not rows:
            self.ctx.fail(f"Opportunity {opportunity_id} is gone")
        return rows[0]

    def opportunities(self, ids: list[str]) -> list[dict[str, Any]]:
        spec = self.spec
        found: list[dict[str, Any]] = []
        for start in range(0, len(ids), 100):  # keep each IN list well under the SOQL length limit
            chunk = ", ".join(soql_quote(i) for i in ids[start : start + 100])
            found += self.query(
                f"SELECT Id, Name, StageName, {spec.invoice_id_field}, {spec.invoice_url_field}, {spec.status_field}, "
                f"{spec.invoicing_error_field} "
                f"FROM Opportunity WHERE Id IN ({chunk})"
            )
        return found

    def account_customer_id(self, account_id: str) -> str | None:
        field = self.spec.customer_id_field
        rows = self.query(f"SELECT Id, {field} FROM Account WHERE Id = {soql_quote(account_id)}")
        return rows[0].get(field) if rows else None

    def stage_values(self) -> list[str]:
        """The org's active Opportunity stages (describe, read once per run)."""
        if self._stages is None:
            describe = sobject(self.sf, "Opportunity").describe()
            field = next((f for f in describe["fields"] if f["name"] == "StageName"), None)
            self._stages = [v["value"] for v in (field or {}).get("picklistValues", []) if v.get("active", True)]
        return self._stages

    def eligible_stage(self) -> str:
        """The first of the spec's eligible stages the org has. A spec may name stages the org
        is expected to have already; when it has none of them, the scenario is skipped, saying so."""
        spec = self.spec
        present = [stage for stage in spec.eligible_stages if stage in self.stage_values()]
        if not present:
            self.ctx.skip(
                f"the org has none of the spec's eligible stages ({', '.join(spec.eligible_stages)}); "
                f"its stages are {', '.join(self.stage_values())}"
            )
        return present[0]

    def existing_record_types(self, developer_names: list[str]) -> list[str]:
        from_org = {
            row["DeveloperName"]
            for row in self.query("SELECT DeveloperName FROM RecordType WHERE SobjectType = 'Opportunity'")
        }
        return [name for name in developer_names if name in from_org]

    def record_type_id(self, developer_name: str) -> str:
        rows = self.query(
            "SELECT Id FROM RecordType WHERE SobjectType = 'Opportunity' "
            f"AND DeveloperName = {soql_quote(developer_name)}"
        )
        if not rows:
            self.ctx.fail(f"the org has no Opportunity record type {developer_name!r}; was the deploy complete?")
        return rows[0]["Id"]

    def sync_logs_mentioning(self, needle: str, since: dt.datetime) -> list[dict[str, Any]]:
        """Sync Log rows written since `since` that mention `needle` in any of their fields.

        Filtered here rather than in SOQL because the message fields are long text areas,
        which Salesforce does not allow in WHERE clauses.
        """
        ns = self.spec.namespace
        rows = self.query(
            f"SELECT Id, CreatedDate, {ns}__Action_Taken__c, {ns}__Message__c, {ns}__Error_Details__c "
            f"FROM {self.spec.sync_log_object} WHERE CreatedDate >= {soql_datetime(since)}"
        )
        return [row for row in rows if needle in json.dumps(row)]

    def stripe_events_mentioning(self, needle: str, since: dt.datetime) -> list[dict[str, Any]]:
        ns = self.spec.namespace
        rows = self.query(
            f"SELECT Id, Name, CreatedDate, {ns}__Event_Name__c, {ns}__Request_Body__c "
            f"FROM {self.spec.stripe_event_object} WHERE CreatedDate >= {soql_datetime(since)}"
        )
        return [row for row in rows if needle in (row.get(f"{ns}__Request_Body__c") or "")]

    def record_url(self, sobject: str, record_id: str) -> str:
        """The record's page in Lightning Experience: `/lightning/r/{object}/{id}/view`, the URL of a
        standard__recordPage (https://developer.salesforce.com/docs/platform/lightning-components/guide/components-navigation-page-types.html)."""
        return f"https://{self.sf.sf_instance}/lightning/r/{sobject}/{record_id}/view"

    # Writes --------------------------------------------------------------------------
    def create_account(self, *, customer_id: str | None = None, email: str | None = None) -> str:
        record: dict[str, Any] = {"Name": self.ctx.unique_name("account")}
        if customer_id:
            record[self.spec.customer_id_field] = customer_id
        result = sobject(self.sf, "Account").create(record)
        self.ctx.note("salesforce", "Account", result["id"], self.record_url("Account", result["id"]))
        return result["id"]

    def opportunity_record(
        self,
        account_id: str,
        amount: Decimal | int | float | None,
        *,
        stage: str | None = None,
        record_type: str | None = None,
        today: dt.date | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """`today`: the org's date, read once by a caller building many records (each read is a
        request to the org's clock)."""
        record: dict[str, Any] = {
            "Name": self.ctx.unique_name("opp"),
            "AccountId": account_id,
            "StageName": stage or self.eligible_stage(),
            "CloseDate": ((today or self.server_now.date()) + dt.timedelta(days=30)).isoformat(),
        }
        if amount is not None:
            record["Amount"] = float(amount)
        if record_type:
            record["RecordTypeId"] = self.record_type_id(record_type)
        record.update(extra)
        return record

    def create_opportunity(
        self,
        account_id: str,
        amount: Decimal | int | float | None,
        *,
        payer_email: str | None | bool = True,
        **kwargs: Any,
    ) -> str:
        """An Opportunity with, by default, a primary contact whose email is the payer's (the
        flows stop before Stripe without one). `payer_email`: True for a generated address, an
        address, or None/False for no contact role."""
        result = sobject(self.sf, "Opportunity").create(self.opportunity_record(account_id, amount, **kwargs))
        self.ctx.note("salesforce", "Opportunity", result["id"], self.record_url("Opportunity", result["id"]))
        if payer_email:
            self.add_payer(result["id"], account_id, self.payer_address() if payer_email is True else payer_email)
        return result["id"]

    def payer_address(self) -> str:
        return f"{self.ctx.unique_name('payer')}@example.org"

    def add_payer(self, opportunity_id: str, account_id: str | None, email: str | None) -> str:
        """A contact (email may be None) as the Opportunity's primary contact role."""
        contact: dict[str, Any] = {"LastName": self.ctx.unique_name("payer"), "Email": email}
        if account_id:
            contact["AccountId"] = account_id
        contact_id = sobject(self.sf, "Contact").create(contact)["id"]
        sobject(self.sf, "OpportunityContactRole").create(
            {"OpportunityId": opportunity_id, "ContactId": contact_id, "IsPrimary": True}
        )
        self.ctx.note("salesforce", "Primary contact", f"{contact_id} ({email or 'no email'})")
        return contact_id

    def add_payers(self, opportunity_ids: list[str], emails: list[str | None]) -> None:
        """Primary contacts for many Opportunities, in two collection calls."""
        contacts = self.insert_collection(
            "Contact", [{"LastName": self.ctx.unique_name("payer"), "Email": e} for e in emails]
        )
        bad = [c for c in contacts if not c.get("success")]
        if bad:
            self.ctx.fail(f"{len(bad)} payer contacts were not inserted: {bad[0].get('errors')}")
        roles = self.insert_collection(
            "OpportunityContactRole",
            [{"OpportunityId": o, "ContactId": c["id"], "IsPrimary": True} for o, c in zip(opportunity_ids, contacts)],
        )
        bad = [r for r in roles if not r.get("success")]
        if bad:
            self.ctx.fail(f"{len(bad)} contact roles were not inserted: {bad[0].get('errors')}")

    def retry_invoicing(self, opportunity_id: str) -> None:
        """The documented retry after an invoicing error: check Retry Invoicing."""
        sobject(self.sf, "Opportunity").update(opportunity_id, {self.spec.retry_field: True})
        self.ctx.note("salesforce", "Retry", f"{self.spec.retry_field} checked on {opportunity_id}")

    def update_opportunity(self, opportunity_id: str, values: dict[str, Any]) -> None:
        sobject(self.sf, "Opportunity").update(opportunity_id, values)

    def insert_collection(self, sobject: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Insert up to 200 records in ONE API call (sObject Collections), as a data loader does."""
        payload = {"allOrNone": False, "records": [{"attributes": {"type": sobject}, **r} for r in records]}
        results = self.sf.restful("composite/sobjects", method="POST", data=json.dumps(payload))
        if not isinstance(results, list):
            self.ctx.fail(f"inserting {len(records)} {sobject} records answered {results!r}, not a list of results")
        return results

    # Waiting for the automation ------------------------------------------------------
    def wait_for_invoice(
        self, opportunity_id: str, *, timing: str = "Opportunity saved -> invoice id written back"
    ) -> dict[str, Any]:
        spec = self.spec
        # `ctx.wait_for` asks the failure probe right after each look that found no invoice: it
        # reads the error field from the row that look just read (one SOQL query per look, not two).
        just_read: list[dict[str, Any]] = []

        def probe() -> dict[str, Any] | None:
            opp = self.opportunity(opportunity_id)
            just_read[:] = [opp]
            return opp if opp.get(spec.invoice_id_field) else None

        def row_just_read() -> dict[str, Any] | None:
            return just_read.pop() if just_read else None

        return self.ctx.wait_for(
            probe,
            timeout=self.ctx.budgets.invoice_seconds,
            what=f"Opportunity {opportunity_id}: {spec.invoice_id_field} written back",
            timing=timing,
            observed=lambda: self.explain_no_invoice(opportunity_id),
            failure=self.invoicing_failure(opportunity_id, row_just_read=row_just_read),
        )

    def invoicing_failure(
        self, opportunity_id: str, *, row_just_read: "Callable[[], dict[str, Any] | None] | None" = None
    ) -> "Callable[[], str | None]":
        """A probe for `ctx.wait_for(failure=...)`: what the org reports once it gives up on invoicing
        this Opportunity from now on (a new Sync Log, or a new value in the invoicing error field),
        so a wait fails the moment the failure is known instead of at the end of its budget.
        Failures recorded before the call (e.g. the one a retry answers) do not count.

        `row_just_read`: the Opportunity row the wait's own probe read a moment ago, taken once
        (None: read it here)."""
        spec = self.spec
        ns = spec.namespace
        since = self.server_now - dt.timedelta(seconds=1)
        old_logs = {row["Id"] for row in self.sync_logs_mentioning(opportunity_id, since)}
        old_error = self.opportunity(opportunity_id).get(spec.invoicing_error_field)
        last_log_check = [0.0]

        def new_logs() -> list[dict[str, Any]]:
            return [row for row in self.sync_logs_mentioning(opportunity_id, since) if row["Id"] not in old_logs]

        def reported() -> str | None:
            row = row_just_read() if row_just_read else None
            error = (row if row is not None else self.opportunity(opportunity_id)).get(spec.invoicing_error_field)
            logs: list[dict[str, Any]] = []
            if error and error != old_error:
                logs = new_logs()
            elif time.monotonic() - last_log_check[0] >= 1:  # Sync Logs are a wider query: once a second
                last_log_check[0] = time.monotonic()
                logs = new_logs()
            if not logs and not (error and error != old_error):
                return None
            parts = [f"{spec.invoicing_error_field} = {error!r}"] if error and error != old_error else []
            parts += [
                f"Sync Log {log['Id']}: {log.get(f'{ns}__Message__c')} {log.get(f'{ns}__Error_Details__c') or ''}".rstrip()
                for log in logs[-2:]
            ]
            return "; ".join(parts)

        return reported

    def explain_no_invoice(self, opportunity_id: str) -> str:
        """What the org shows for an Opportunity that got no invoice: its gate fields and any Sync Log."""
        opp = self.opportunity(opportunity_id)
        since = self.server_now - dt.timedelta(days=1)
        logs = self.sync_logs_mentioning(opportunity_id, since)
        ns = self.spec.namespace
        detail = f"StageName {opp.get('StageName')!r}, Amount {opp.get('Amount')}, no {self.spec.invoice_id_field}"
        if logs:
            detail += f"; Sync Log {logs[-1]['Id']}: {logs[-1].get(f'{ns}__Message__c')} {logs[-1].get(f'{ns}__Error_Details__c') or ''}".rstrip()
        return detail

    def wait_for_status(
        self,
        opportunity_id: str,
        status: str,
        *,
        before: str | None = None,
        timing: str | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Wait until the payment status is `status`, recording every change seen since `before`."""
        spec = self.spec
        seen = [before]

        def probe() -> dict[str, Any] | None:
            opp = self.opportunity(opportunity_id)
            value = opp.get(spec.status_field)
            if value != seen[-1]:
                self.ctx.transition(opportunity_id, spec.status_field, seen[-1], value)
                seen.append(value)
            return opp if value == status else None

        return self.ctx.wait_for(
            probe,
            timeout=timeout or self.ctx.budgets.paid_seconds,
            what=f"Opportunity {opportunity_id}: {spec.status_field} = {status}",
            timing=timing,
            observed=lambda: f"{spec.status_field} is {seen[-1]!r}",
        )
