"""A real Salesforce sandbox with Stripe in test mode: the pre-go-live sign-off run.

Refuses, before touching anything: a Stripe key that is not a test key; missing org
credentials; an org that is not a sandbox; a Stripe webhook endpoint that is missing,
duplicated, lacks the spec's events or has the wrong API version (the seed's warning).

What a sandbox cannot do is stated, not faked: there is no clock to move, no outbox to
read and no way to make Stripe fail, so scenarios that need those are reported as skipped
with the reason (see docs/harness.md for the manual checks that cover them). Reminders are
observable only after deploying the reminder flow with a short offset (the sandbox
override, minimum one minute: see `MIN_SCHEDULED_PATH_OFFSET_MINUTES`).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from harness.results import Evidence
from harness.targets.base import Budgets, Capability, Connection, Target, TargetError, Webhook
from sfpay.stripe_keys import UnsafeStripeKey, redact, require_test_key

if TYPE_CHECKING:
    from harness.spec_view import SpecView

# Flow scheduled paths take `offsetUnit` Minutes (Metadata API v66 WSDL, FlowScheduledPathOffsetUnit:
# Minutes, Hours, Days, Weeks, Months) with an integer `offsetNumber`; one minute is the smallest
# offset Flow Builder accepts. Salesforce runs due scheduled paths in batches, so a path due at
# T usually starts within a few minutes after T: the wait below adds that slack.
MIN_SCHEDULED_PATH_OFFSET_MINUTES = 1
SCHEDULER_SLACK_SECONDS = 6 * 60


@dataclass(frozen=True)
class SandboxSettings:
    org_name: str | None = None  # a CumulusCI org name
    instance_url: str | None = None
    username: str | None = None
    webhook_url: str | None = None  # the connector's listener URL (a Salesforce Site URL)
    reminder_offset_minutes: int | None = None  # the override the reminder flow was deployed with
    allow_production_org: bool = False


def check_settings(s: SandboxSettings, environ: dict[str, str]) -> str:
    """Refusals that need no network, run before anything else; returns the (test) Stripe key."""
    key = environ.get("STRIPE_API_KEY")
    if key and key.startswith(("sk_live_", "rk_live_")):
        raise TargetError(
            "STRIPE_API_KEY is a live-mode key; `sfpay verify` creates customers, invoices and payments "
            "and runs only in Stripe test mode: use the test-mode secret key (sk_test_...) of the "
            "Stripe account connected to the sandbox"
        )
    try:
        key = require_test_key(key)
    except UnsafeStripeKey as exc:
        raise TargetError(str(exc)) from None
    if s.org_name and (s.instance_url or s.username):
        raise TargetError("give either --org (a CumulusCI org name) or --instance-url with --username, not both")
    if not s.org_name:
        if not s.instance_url and not s.username:
            raise TargetError(
                "the sandbox target needs org credentials: --org NAME (an org connected with `cci org connect NAME "
                "--sandbox`), or --instance-url https://<domain>.sandbox.my.salesforce.com with --username and "
                "SF_PASSWORD (+ SF_SECURITY_TOKEN) or SF_ACCESS_TOKEN in the environment"
            )
        if not s.instance_url or not s.username:
            missing = "--instance-url" if not s.instance_url else "--username"
            raise TargetError(f"{missing} is missing: --instance-url and --username go together")
        if urlparse(s.instance_url).scheme != "https":
            raise TargetError(f"--instance-url must be an https:// URL, got {s.instance_url!r}")
        if not (environ.get("SF_ACCESS_TOKEN") or environ.get("SF_PASSWORD")):
            raise TargetError(
                "set SF_PASSWORD (and SF_SECURITY_TOKEN if your org requires it) or SF_ACCESS_TOKEN for "
                f"{s.username}; credentials are read from the environment, never from the command line"
            )
    if s.reminder_offset_minutes is not None and s.reminder_offset_minutes < MIN_SCHEDULED_PATH_OFFSET_MINUTES:
        raise TargetError(
            f"--reminder-offset-minutes must be at least {MIN_SCHEDULED_PATH_OFFSET_MINUTES}: "
            "Salesforce does not accept a shorter scheduled-path offset"
        )
    if s.webhook_url and urlparse(s.webhook_url).scheme != "https":
        raise TargetError(f"--webhook-url must be the https:// listener URL of the org, got {s.webhook_url!r}")
    return key


def rehearsal_time_scale(environ: dict[str, str]) -> float:
    raw = environ.get("SFPAY_REHEARSAL_TIME_SCALE", "1")
    try:
        scale = float(raw)
    except ValueError:
        scale = 0.0
    if not 1 <= scale <= 1000:
        raise TargetError(f"SFPAY_REHEARSAL_TIME_SCALE must be a number from 1 to 1000, not {raw!r}")
    return scale


class SandboxTarget(Target):
    name = "sandbox"
    deploy_hint = "Deploy to the sandbox first (docs/harness.md, runbook steps 2-3)."

    def __init__(self, settings: SandboxSettings, spec: "SpecView", environ: dict[str, str] | None = None):
        self.settings = settings
        self.spec = spec
        self.environ = dict(os.environ if environ is None else environ)
        # The flows' Stripe calls run on a scheduled path 1 minute after the save, and Salesforce
        # starts due scheduled paths in batches some time after that: allow 5 minutes, and
        # watch things that must not happen for longer than the path's delay.
        # A rehearsal against the local stack may run the org's clock faster than real time
        # (SFPAY_REHEARSAL_TIME_SCALE, e.g. 20: one org minute in three seconds); the budgets
        # shrink by the same factor. A real sandbox runs at 1.
        scale = rehearsal_time_scale(self.environ)
        self.budgets = Budgets(
            invoice_seconds=300 / scale, paid_seconds=300 / scale, settle_seconds=90 / scale, poll_interval=2.0 / scale
        )
        self._stripe_key = check_settings(settings, self.environ)
        self._webhook_secret = self.environ.get("STRIPE_WEBHOOK_SECRET") or None
        caps = set()
        if settings.webhook_url and self._webhook_secret:
            caps.add(Capability.WEBHOOK_POST)
        if settings.reminder_offset_minutes is not None:
            caps.add(Capability.REMINDER_WAIT)
        self.capabilities = frozenset(caps)
        self._endpoint_id: str | None = None
        self._org_id: str | None = None
        self._connection: Connection | None = None

    # Connecting ------------------------------------------------------------------------
    def _salesforce(self):
        from simple_salesforce import Salesforce
        from simple_salesforce.exceptions import SalesforceError

        s = self.settings
        try:
            if s.org_name:
                instance_url, token = self._cumulusci_org(s.org_name)
                return Salesforce(instance_url=instance_url, session_id=token, version=self._api_version()), [token]
            token = self.environ.get("SF_ACCESS_TOKEN")
            if token:
                return Salesforce(instance_url=s.instance_url, session_id=token, version=self._api_version()), [token]
            host = urlparse(s.instance_url).hostname or ""
            domain = host.removesuffix(".salesforce.com") if host.endswith(".salesforce.com") else "test"
            password = self.environ["SF_PASSWORD"]
            sf = Salesforce(
                username=s.username,
                password=password,
                security_token=self.environ.get("SF_SECURITY_TOKEN", ""),
                domain=domain,
                version=self._api_version(),
            )
            return sf, [password, sf.session_id]
        except SalesforceError as exc:
            raise TargetError(f"cannot log in to the org: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - login failures from requests/simple-salesforce have many types
            if type(exc).__name__.startswith("SalesforceAuthenticationFailed"):
                raise TargetError(f"cannot log in to the org: {exc}") from None
            raise

    def _api_version(self) -> str:
        return "66.0"

    def _cumulusci_org(self, name: str) -> tuple[str, str]:
        try:
            from cumulusci.cli.runtime import CliRuntime

            runtime = CliRuntime(load_keychain=True)
            org_config = runtime.keychain.get_org(name)
            org_config.refresh_oauth_token(runtime.keychain)
        except Exception as exc:  # noqa: BLE001 - CumulusCI raises many types for "no such org"/"no project"
            raise TargetError(f"cannot use CumulusCI org {name!r}: {exc}") from None
        return org_config.instance_url, org_config.access_token

    def open(self) -> Connection:
        from harness.webhook_config import check_endpoint
        from sfpay.stripe_client import sync_stripe_client

        sf, sf_secrets = self._salesforce()
        org = self._organization(sf)
        self._org_id = org["Id"]
        if not org["IsSandbox"] and not self.settings.allow_production_org:
            raise TargetError(
                f"org {org['Id']} is a production org ({org['OrganizationType']}); `sfpay verify` creates "
                "Opportunities, customers and invoices, so it runs only against sandboxes"
            )
        # STRIPE_API_BASE points the SDK at stripesim, to rehearse a sign-off locally.
        api_base = self.environ.get("STRIPE_API_BASE") or None
        client = sync_stripe_client(
            self._stripe_key, base_addresses={"api": api_base} if api_base else None, max_network_retries=3
        )
        check = check_endpoint(
            client, self.settings.webhook_url, list(self.spec.webhook_events), self.spec.stripe_api_version
        )
        if not check.ok:
            raise TargetError("Stripe webhook endpoint is not ready: " + "; ".join(check.problems))
        self._endpoint_id = check.endpoint_id
        webhook = Webhook(self.settings.webhook_url, self._webhook_secret) if self.settings.webhook_url else None
        secrets = [self._stripe_key, *sf_secrets, *([self._webhook_secret] if self._webhook_secret else [])]
        # Deliveries to the listener trust what simple-salesforce (requests) trusts.
        tls_verify = self.environ.get("REQUESTS_CA_BUNDLE") or True
        self._connection = Connection(
            sf=sf, stripe=client, stripe_api_base=api_base, webhook=webhook, secrets=secrets, tls_verify=tls_verify
        )
        return self._connection

    @staticmethod
    def _organization(sf) -> dict:
        """The org record, found the way CumulusCI finds it: the session's identity, then the sObject."""
        identity = sf.session.get(f"https://{sf.sf_instance}/services/oauth2/userinfo", headers=sf.headers, timeout=60)
        if identity.status_code != 200:
            raise TargetError(f"the org did not say who this session is (userinfo answered {identity.status_code})")
        org_id = identity.json()["organization_id"]
        return sf.restful(f"sobjects/Organization/{org_id}")

    def describe(self) -> str:
        who = (
            f"CumulusCI org {self.settings.org_name}"
            if self.settings.org_name
            else f"{self.settings.username} at {self.settings.instance_url}"
        )
        return f"Salesforce sandbox ({who}) with Stripe test mode (key {redact(self._stripe_key)})"

    def environment(self) -> list[Evidence]:
        facts = [Evidence("stripe", "Stripe API version (connector)", self.spec.stripe_api_version)]
        if self._org_id:
            facts.append(Evidence("salesforce", "Org id", self._org_id))
        if self._endpoint_id:
            facts.append(Evidence("stripe", "Webhook endpoint", self._endpoint_id))
        if self.settings.reminder_offset_minutes is not None:
            facts.append(Evidence("note", "Reminder offset override", f"{self.settings.reminder_offset_minutes} min"))
        return facts

    def reach_reminder_time(self, offset_seconds: float) -> None:
        # Real time only: wait for the short override offset plus the scheduler's batching slack.
        minutes = self.settings.reminder_offset_minutes or 0
        time.sleep(minutes * 60 + SCHEDULER_SLACK_SECONDS)
