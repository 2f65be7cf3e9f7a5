"""The local stack: orgsim (Salesforce-compatible server) + stripesim, on this machine.

Uses a running `sfpay local up` stack or starts one, deploys through the CumulusCI pipeline
(`sfpay deploy --org local`) unless told not to, then talks to the org only through its REST
API and to Stripe only through the SDK, like the sandbox target. On top of that the local
stack lets scenarios move the clock, read the outbox and governor usage, and break Stripe.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.results import Evidence
from harness.stack import current_project, deploy_local, generate, local_up, source_dir
from harness.targets.base import Budgets, Capability, Connection, Quiescence, Target, TargetError, Webhook
from sfpay.stripe_keys import redact

if TYPE_CHECKING:
    from rich.console import Console
    from simple_salesforce import Salesforce

    from harness.spec_view import SpecView
    from sfpay.local.stack import LocalConnection
    from sfpay.project import Project
    from stripesim.running import SimAdmin

API_VERSION = "66.0"

# How far let_stripe_paths_run() moves both clocks: the flows' Stripe paths are due one minute
# after the save.
STRIPE_PATH_STEP_SECONDS = 60


class LocalTarget(Target):
    name = "local"
    deploy_hint = "Deploy first: run without --no-deploy, or `sfpay deploy --org local`."
    capabilities = frozenset(
        {
            Capability.CLOCK,
            Capability.OUTBOX,
            Capability.LIMITS,
            Capability.STRIPE_FAULTS,
            Capability.WEBHOOK_POST,
            Capability.REMINDER_WAIT,
            Capability.STRIPE_EMAILS,
            Capability.FLOW_EDIT,
        }
    )

    def __init__(
        self,
        spec: "SpecView",
        *,
        spec_path: Path | None = None,
        deploy: bool = True,
        console: "Console | None" = None,
        stack: "LocalConnection | None" = None,
        project: "Project | None" = None,
    ):
        self.spec = spec
        self.spec_path = spec_path
        # The project whose stack and deploy this is (found from the current folder if not given).
        self.project = project
        self.deploy = deploy
        self.console = console
        self.stack = stack
        # Local effects take milliseconds (async paths run inline, webhooks arrive in ~0.1 s);
        # waits are generous for a loaded CI machine, and "must not happen" windows are 4x the
        # webhook p99 measured by bench/bench_harness.py.
        self.budgets = Budgets(invoice_seconds=20, paid_seconds=10, settle_seconds=0.5, poll_interval=0.03)
        self._helpers: "OrgHelpers | None" = None
        self._sim_admin: "SimAdmin | None" = None
        self._timings: list[Evidence] = []

    def _say(self, message: str) -> None:
        if self.console:
            self.console.print(f"[bold]>[/bold] {message}", highlight=False)

    def open(self) -> Connection:
        from simple_salesforce import Salesforce

        from sfpay.stripe_client import sync_stripe_client

        project = self.project or current_project(self.spec_path)
        if self.stack is None:
            self._say(f"starting (or reusing) the local stack of {project.root}: sfpay local up")
            self.stack, seconds = local_up(project)
            self._timings.append(Evidence("note", "local stack up", f"{seconds:.1f} s"))
        if self.deploy:
            if not project.own_spec:
                # Another spec than the project's: render it into the state folder, never over
                # the project's committed force-app.
                self._say(f"generating {project.relative(project.spec)} into {source_dir(project)}")
                generate(project)
            self._say("deploying through the CumulusCI pipeline: sfpay deploy --org local")
            seconds = deploy_local(project)
            self._timings.append(Evidence("note", "deploy through CumulusCI", f"{seconds:.1f} s"))
        stack = self.stack
        sf = Salesforce(instance_url=stack.instance_url, session_id=stack.access_token, version=API_VERSION)
        tls_verify: bool | str = True
        if stack.ca_certs:
            # Trust the local org's own certificate (its hashed CA directory: OpenSSL reads only
            # the certificates a connection needs). requests lets REQUESTS_CA_BUNDLE in the
            # environment override a session's `verify`, so the session ignores the environment
            # (it only talks to 127.0.0.1: no proxy or netrc to honour).
            sf.session.verify = stack.ca_certs
            sf.session.trust_env = False
            tls_verify = stack.ca_certs
        client = sync_stripe_client(stack.api_key, base_addresses={"api": stack.api_base})
        self._helpers = OrgHelpers(sf)
        from stripesim.running import SimAdmin

        self._sim_admin = SimAdmin(stack.api_base, stack.api_key)
        return Connection(
            sf=sf,
            stripe=client,
            stripe_api_base=stack.api_base,
            webhook=Webhook(stack.webhook_url, stack.webhook_secret),
            secrets=stack.secrets,
            tls_verify=tls_verify,
        )

    def describe(self) -> str:
        if not self.stack:
            return "local stack (orgsim + stripesim)"
        return (
            f"local stack: orgsim at {self.stack.instance_url}, stripesim at {self.stack.api_base} "
            f"(key {redact(self.stack.api_key)})"
        )

    def environment(self) -> list[Evidence]:
        facts = [Evidence("stripe", "Stripe API version (connector)", self.spec.stripe_api_version)]
        if self.spec_path:
            facts.append(Evidence("note", "Spec", str(self.spec_path)))
        return facts + self._timings

    def add_fact(self, fact: Evidence) -> None:
        """Something the caller measured (e.g. demo step timings) for the report's environment table."""
        self._timings.append(fact)

    def close(self) -> None:
        if self._sim_admin is not None:
            self._sim_admin.close()
            self._sim_admin = None

    @property
    def helpers(self) -> "OrgHelpers":
        if self._helpers is None:
            raise TargetError("the local target is not open: open() connects to the stack first")
        return self._helpers

    @property
    def sim_admin(self) -> "SimAdmin":
        if self._sim_admin is None:
            raise TargetError("the local target is not open: open() connects to the stack first")
        return self._sim_admin

    # Capabilities ----------------------------------------------------------------------
    def now(self) -> float:
        return self.helpers.now()

    def advance_clock(self, *, days: float = 0, minutes: float = 0) -> None:
        """Stripe time follows org time (docs/harness.md): stripesim's account clock moves
        first, so invoices the org's due work creates are dated at the org's new time."""
        seconds = days * 86400 + minutes * 60
        self.sim_admin.advance_clock(seconds)
        self.helpers.advance_clock(seconds)

    def reach_reminder_time(self, offset_seconds: float) -> None:
        # One hour past the offset: a Date time source falls due at the start of its day,
        # so this is late enough for any time of day and well before a second offset.
        self.advance_clock(minutes=offset_seconds / 60 + 60)

    def let_stripe_paths_run(self) -> None:
        # One minute on: the Stripe path (1 minute after the save) falls due and runs.
        self.advance_clock(minutes=STRIPE_PATH_STEP_SECONDS / 60)

    def quiescent(self, within: float) -> str:
        """Idle only when nothing a timed watch of `within` more seconds could see can happen:

        - the org: no other request in flight and no queued async/scheduled path due within
          `reach` of its clock, where `reach` is as far as the timed watch would move it (one
          clock step per poll, plus the wall time it lasts: the served org clock follows wall
          time). A 30-day reminder is beyond it; a Stripe path one minute out is not, so the
          watch goes on, moving the clock, until that path has run.
        - stripesim: no webhook delivery due now or being sent (paused or not: one may have
          left before a pause), none whose retry falls due within `within` seconds of wall time
          (retries wait real seconds), and no invoice work due within `reach` of its clock.
        - nothing came in between: the org is asked again after stripesim, and must report
          the same number of requests started (a delivery that finished between the first two
          looks would show here, with the work it queued).

        Nothing else feeds the stack while the harness waits (it is the only other client,
        and it is busy asking), so after this nothing can happen without new input."""
        within = max(within, 0.0)
        reach = math.ceil(within / self.budgets.poll_interval) * STRIPE_PATH_STEP_SECONDS + within
        first = self.helpers.quiescence()
        if not _org_quiet(first, reach):
            return Quiescence.BUSY
        if not _stripe_quiet(self.sim_admin.quiescence(), reach, within):
            return Quiescence.BUSY
        last = self.helpers.quiescence()
        if not _org_quiet(last, reach) or last["requests_started"] != first["requests_started"]:
            return Quiescence.BUSY
        return Quiescence.IDLE

    def save_flow_version(self, name: str, xml: bytes) -> dict[str, Any]:
        return self.helpers.save_flow_version(name, xml)

    def sent_invoice_emails(self, **filters: str) -> list[dict[str, Any]]:
        return self.sim_admin.sent_emails(**filters)

    def hold_stripe_deliveries(self) -> None:
        self.sim_admin.webhook_switches(paused=True)

    def release_stripe_deliveries(self) -> None:
        self.sim_admin.release_webhooks()

    def inject_stripe_error(
        self, *, method: str, path: str, status: int = 500, message: str = "Injected failure", nth: int = 1
    ) -> None:
        self.sim_admin.add_fault(
            method=method, path=path, fault="error", nth=nth, status=status, type="api_error", message=message
        )

    def outbox(self, related_id: str | None = None) -> list[dict[str, Any]]:
        return self.helpers.outbox(related_id)

    def limits_usage(self, *, since: int | None = None, last: int | None = None) -> dict[str, Any]:
        return self.helpers.limits_usage(since=since, last=last)

    def failed_interviews(self, *, since: int | None = None, last: int | None = None) -> list[dict[str, Any]]:
        return self.helpers.failed_interviews(since=since, last=last)

    def inject_stripe_fault(self, *, method: str, path: str, status: int, times: int = 1) -> None:
        self.sim_admin.add_fault(method=method, path=path, fault=str(status), count=times)

    def clear_stripe_faults(self) -> None:
        self.sim_admin.clear_faults()


def _org_quiet(state: dict[str, Any], reach: float) -> bool:
    due_in = state["next_due_in_seconds"]
    return state["requests_in_flight"] == 0 and (due_in is None or due_in > reach)


def _stripe_quiet(state: dict[str, Any], reach: float, within: float) -> bool:
    if state["deliveries_due"]:
        return False
    retry_in = state["next_delivery_in_seconds"]
    if retry_in is not None and retry_in <= within:
        return False
    due_at = state["next_due_work_at"]
    return due_at is None or due_at - state["now"] > reach


class OrgHelpers:
    """The local org's test helpers (`/_orgsim/*`, issue 6), behind the same bearer token as the REST API."""

    def __init__(self, sf: "Salesforce"):
        self.sf = sf
        self.base = sf.base_url.split("/services/")[0]

    def _call(self, method: str, path: str, json_body: dict | None = None, params: dict | None = None) -> Any:
        response = self.sf.session.request(
            method, f"{self.base}{path}", json=json_body, params=params, headers=self.sf.headers, timeout=120
        )
        if response.status_code >= 400:
            raise TargetError(
                f"local org helper {method} {path} failed ({response.status_code}): {response.text[:300]}"
            )
        return response.json()

    def now(self) -> float:
        import datetime as dt

        value = self._call("GET", "/_orgsim/clock")["now"]
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()

    def advance_clock(self, seconds: float) -> None:
        self._call("POST", "/_orgsim/clock", {"seconds": seconds})

    def outbox(self, related_id: str | None = None) -> list[dict[str, Any]]:
        # One record's mails are asked for by its Id: a stack that ran many verifies holds
        # thousands, and the org answers those from an index instead of sending them all.
        # Templates are named Folder/DeveloperName (their full name); scenarios compare DeveloperNames.
        return [
            {
                "related_id": mail["record_id"],
                "template": mail["template"].rsplit("/", 1)[-1],
                "template_full_name": mail["template"],
                "to": list(mail["recipients"]) + list(mail.get("cc") or []),
                "subject": mail["subject"],
                "body": mail["body"],
                "alert": mail["alert"],
                "seq": mail["seq"],
            }
            for mail in self._call("GET", "/_orgsim/outbox", params={"record_id": related_id})
        ]

    def limits_usage(self, *, since: int | None = None, last: int | None = None) -> dict[str, Any]:
        # A scenario asks for the transactions after its mark: a long-lived stack has recorded
        # tens of thousands, which the org answers by key instead of sending them all.
        # (requests leaves out the parameters that are None)
        return self._call("GET", "/_orgsim/limits", params={"since": since, "last": last})

    def quiescence(self) -> dict[str, Any]:
        return self._call("GET", "/_orgsim/quiescence")

    def save_flow_version(self, name: str, xml: bytes) -> dict[str, Any]:
        response = self.sf.session.post(
            f"{self.base}/_orgsim/flows/{name}/versions",
            data=xml,
            headers={**self.sf.headers, "Content-Type": "application/xml"},
            timeout=120,
        )
        if response.status_code >= 400:
            raise TargetError(f"saving a version of flow {name} failed ({response.status_code}): {response.text[:300]}")
        return response.json()

    def failed_interviews(self, *, since: int | None = None, last: int | None = None) -> list[dict[str, Any]]:
        # As limits_usage: by the log's key, not every interview that ever failed on the stack.
        failed = self._call("GET", "/_orgsim/failed-interviews", params={"since": since, "last": last})
        # An org started by an older sfpay ignores both parameters and answers every failure.
        if since is not None:
            failed = [f for f in failed if f["seq"] > since]
        return failed[-last:] if last else failed
