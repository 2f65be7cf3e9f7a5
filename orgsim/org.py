"""The emulated Salesforce org: the public Python API (the HTTP server is a thin face over it).

org = Org.open(":memory:", stripe=StripeConfig(api_base, api_key))
org.deploy_source(Path("force-app"))
org.insert("Opportunity", [{...}])      # runs flows; async paths run after the commit
org.clock.advance(days=30)              # runs scheduled paths that fall due
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path

from orgsim.clock import Clock
from orgsim.connector.catalog import catalog
from orgsim.connector.client import StripeCaller, StripeConfig
from orgsim.dml.engine import SaveEngine, TriggerDepthExceeded
from orgsim.dml.results import SaveError, SaveResult
from orgsim.email.alerts import send_pending_smtp
from orgsim.errors import OrgError
from orgsim.flows.interpreter import FlowRuntime
from orgsim.limits import LimitExceeded
from orgsim.metadata import bundle_from_mdapi_files, bundle_from_source_files, read_source_files, read_zip
from orgsim.metadata.retrieve import DeployedMetadata, stored_components
from orgsim.metadata.state import MetadataState, apply_bundle
from orgsim.scheduler import Scheduler
from orgsim.schema import build_standard_schema
from orgsim.storage import Store
from orgsim.storage.predicate import Compare, Predicate, eq
from orgsim.storage.values import format_datetime
from orgsim.transaction import Transaction

DEFAULT_USERNAME = "admin@orgsim.local"
# Where the clock is kept in the org's database (`_meta`): the instant, and how far a
# following clock runs ahead of wall time.
CLOCK_NOW = "clock_now"
CLOCK_OFFSET = "clock_offset_seconds"


@dataclass
class DeployResult:
    success: bool
    check_only: bool
    components: list = field(default_factory=list)
    ignored: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "success": self.success,
            "checkOnly": self.check_only,
            "componentSuccesses": [c.to_dict() for c in self.components],
            "ignoredFiles": list(self.ignored),
        }


class Org:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        stripe: StripeConfig | None,
        *,
        async_batch_size: int = 200,
        run_async: str = "inline",
        smtp: tuple[str, int] | None = None,
        org_name: str = "orgsim",
    ):
        if run_async not in ("inline", "manual"):
            raise ValueError(
                "run_async is 'inline' (after each committed save) or 'manual' (org.run_pending / clock.advance)"
            )
        if stripe is not None and stripe.api_key:
            from sfpay.stripe_keys import require_test_key

            # Refuse live keys before anything can create customers or invoices.
            require_test_key(stripe.api_key, allow_live=stripe.allow_live, source="orgsim StripeConfig.api_key")
        self.store = store
        self.clock = clock
        self.stripe_config = stripe
        self.stripe = StripeCaller(stripe)
        self.smtp = smtp
        self.org_name = org_name
        self.run_async = run_async
        namespace = stripe.connector_namespace if stripe else None
        self.metadata = MetadataState(
            schema=build_standard_schema(catalog(namespace).package), connector_namespace=namespace
        )
        # What a retrieve returns, kept as deployments commit (orgsim.metadata.retrieve).
        self.deployed = DeployedMetadata()
        self.engine = SaveEngine(self)
        self.flow_runtime = FlowRuntime(self)
        self.scheduler = Scheduler(self, async_batch_size)
        self._draining = False
        with store.lock:
            for sobject in self.schema.objects.values():
                store.ensure_table(sobject)
            self._replay_deployments()
            self.user_id = self._default_user()
        clock.bind(self._run_due_locked)
        self._clock_committed: tuple[str, float] | None = None  # the clock values last committed
        clock.on_change(self._save_clock)

    # -- construction -------------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        *,
        clock: Clock | None = None,
        stripe: StripeConfig | None = None,
        async_batch_size: int = 200,
        run_async: str = "inline",
        smtp: tuple[str, int] | None = None,
    ) -> "Org":
        """`path`: a SQLite file (WAL mode), ":memory:", or None for <state dir>/orgsim/org.sqlite3."""
        if path is None:
            from sfpay.paths import state_dir

            path = state_dir() / "orgsim" / "org.sqlite3"
        store = Store(path)
        if clock is None:
            clock = Clock.resume(store.meta_get(CLOCK_NOW), store.meta_get(CLOCK_OFFSET), frozen=True)
        return cls(store, clock, stripe, async_batch_size=async_batch_size, run_async=run_async, smtp=smtp)

    def _save_clock(self, clock: Clock) -> None:
        """Stored with every move of the clock (not only at a graceful close), so it is monotonic
        across a crash. Outside a transaction the write commits at once; inside one (a step of
        queued work) it commits or rolls back with the work it stamped."""
        with self.store.lock:
            values = (clock.now().isoformat(), clock.offset_seconds)
            in_tx = self.store.in_transaction
            if not in_tx and values == self._clock_committed:
                # The queue runner steps the clock to each batch's due time; batches due at the
                # same time would store the same values again, each write its own commit.
                return
            self.store.meta_set(CLOCK_NOW, values[0])
            self.store.meta_set(CLOCK_OFFSET, values[1])
            # Known to be stored only once committed: a write inside a transaction may roll back.
            self._clock_committed = None if in_tx else values

    def close(self) -> None:
        with self.store.lock:
            self._save_clock(self.clock)
            self.store.conn.close()
        self.stripe.close()

    @property
    def schema(self):
        return self.metadata.schema

    @property
    def validation_rules(self):
        return self.metadata.validation_rules

    @property
    def email_templates(self):
        return self.metadata.email_templates

    @property
    def email_alerts(self):
        return self.metadata.email_alerts

    # -- metadata ------------------------------------------------------------------------------------
    def deploy_source(self, path: str | Path, *, check_only: bool = False) -> DeployResult:
        files = read_source_files(Path(path))
        return self._deploy("source", files, check_only)

    def deploy_zip(self, data: bytes, *, check_only: bool = False) -> DeployResult:
        return self._deploy("mdapi", read_zip(data), check_only)

    def _deploy(self, kind: str, files: dict[str, bytes], check_only: bool, *, persist: bool = True) -> DeployResult:
        bundle = bundle_from_source_files(files) if kind == "source" else bundle_from_mdapi_files(files)
        with self.store.lock:
            staged = self.metadata.copy()
            components = apply_bundle(staged, bundle)  # raises MetadataError: nothing changes
            if check_only:
                return DeployResult(True, True, components, bundle.ignored)
            stored = stored_components(kind, files) if persist else []
            self.store.begin()
            try:
                for sobject in staged.schema.objects.values():
                    self.store.ensure_table(sobject)
                self.metadata = staged
                self._sync_record_types()
                if persist:
                    payload = json.dumps(
                        {"kind": kind, "files": {k: base64.b64encode(v).decode() for k, v in files.items()}}
                    )
                    seq = self.store.next_sequence()
                    self.store.conn.execute(
                        "INSERT INTO _deployed(name, content, seq) VALUES (?, ?, ?)",
                        (f"deploy-{seq:08d}", payload, seq),
                    )
                self.store.commit()
            except BaseException:
                self.store.rollback()
                raise
            for component in stored:
                self.deployed.put(component)
        return DeployResult(True, False, components, bundle.ignored)

    def _replay_deployments(self) -> None:
        rows = self.store.conn.execute("SELECT content FROM _deployed ORDER BY seq").fetchall()
        # One copy for the whole replay, not one per deployment: every stored deployment was
        # applied whole once already, and a replay that fails fails the open, so nothing partial
        # is ever kept. A copy per deployment made opening a long-lived org cost its number of
        # deployments times the size of its metadata (62 deployments: 69 deep copies, most of
        # the org's start-up).
        staged = self.metadata.copy()
        deployed = DeployedMetadata()
        history: list[tuple[str, dict[str, bytes]]] = []
        last_deploy_of_flow: dict[str, int] = {}
        for position, (content,) in enumerate(rows):
            data = json.loads(content)
            files = {k: base64.b64decode(v) for k, v in data["files"].items()}
            history.append((data["kind"], files))
            for component in stored_components(data["kind"], files):
                deployed.put(component)
                if component.type == "Flow":
                    last_deploy_of_flow[component.full_name] = position
        # A long-lived org redeploys the same flows many times: only each flow's last
        # deployment is loaded (apply_bundle, superseded_flows).
        for position, (kind, files) in enumerate(history):
            bundle = bundle_from_source_files(files) if kind == "source" else bundle_from_mdapi_files(files)
            superseded = frozenset(
                comp.name for comp in bundle.of("Flow") if last_deploy_of_flow.get(comp.name, position) != position
            )
            apply_bundle(staged, bundle, superseded_flows=superseded)
        self.metadata = staged
        self.deployed = deployed
        for sobject in staged.schema.objects.values():
            self.store.ensure_table(sobject)
        # Activations made after deployment (set_flow_status) outlive a restart.
        for name, status in self.store.meta_get("flow_status", {}).items():
            if name in self.metadata.flows:
                self.metadata.flows[name].status = status

    def _sync_record_types(self) -> None:
        rt = self.schema.get("RecordType")
        for (sobject, developer_name), info in self.metadata.record_types.items():
            existing = self.store.select(
                self.schema, rt, ["Id"], _and(eq("SobjectType", sobject), eq("DeveloperName", developer_name))
            )
            values = {
                "Name": info["label"],
                "DeveloperName": developer_name,
                "SobjectType": sobject,
                "IsActive": info["active"],
                "Description": info["description"],
                "LastModifiedDate": self.clock.now(),
                "SystemModstamp": self.clock.now(),
            }
            if existing:
                self.store.update_row(rt, existing[0]["Id"], values)
            else:
                self.store.insert_row(
                    rt,
                    {
                        **values,
                        "Id": self.store.new_id(rt),
                        "IsDeleted": False,
                        "CreatedDate": self.clock.now(),
                        "CreatedById": getattr(self, "user_id", None),
                    },
                )

    def flows(self) -> list[dict]:
        return [
            {
                "name": f.name,
                "label": f.label,
                "status": f.status,
                "object": f.start.object,
                "triggerType": f.start.trigger_type,
                "recordTriggerType": f.start.record_trigger_type,
                "scheduledPaths": [p.name for p in f.start.scheduled_paths],
            }
            for f in self.metadata.flows.values()
        ]

    def set_flow_status(self, name: str, status: str) -> None:
        """Activate/deactivate a deployed flow (what FlowDefinition.activeVersionNumber does)."""
        if status not in ("Active", "Draft", "Obsolete"):
            raise OrgError(f"flow status must be Active, Draft or Obsolete, got {status!r}")
        with self.store.lock:
            flow = self.metadata.flows.get(name)
            if flow is None:
                raise OrgError(f"no flow named {name!r} is deployed", status_code="NOT_FOUND")
            flow.status = status
            statuses = self.store.meta_get("flow_status", {})
            statuses[name] = status
            self.store.meta_set("flow_status", statuses)

    # -- describe ------------------------------------------------------------------------------------
    def describe_global(self) -> dict:
        return {
            "encoding": "UTF-8",
            "maxBatchSize": 200,
            "sobjects": [
                {
                    "name": o.name,
                    "label": o.label or o.name,
                    "keyPrefix": o.key_prefix,
                    "custom": o.custom,
                    "queryable": True,
                    "createable": True,
                    "updateable": True,
                    "deletable": True,
                }
                for o in sorted(self.schema.objects.values(), key=lambda o: o.name)
            ],
        }

    def describe(self, sobject: str) -> dict:
        return self.schema.get(sobject).describe()

    # -- DML ------------------------------------------------------------------------------------------
    def insert(
        self, sobject: str, records: list[dict], *, all_or_none: bool = False, run_due: bool = True
    ) -> list[SaveResult]:
        """`run_due=False`: leave due work to the caller even with run_async='inline' (the org
        server's webhook intake answers once the event is committed; its due-work runner runs
        the async paths right after, orgsim/server/due_work.py)."""
        return self._dml("insert", sobject, records, all_or_none=all_or_none, run_due=run_due)

    def update(self, sobject: str, records: list[dict], *, all_or_none: bool = False) -> list[SaveResult]:
        return self._dml("update", sobject, records, all_or_none=all_or_none)

    def upsert(
        self, sobject: str, external_field: str, records: list[dict], *, all_or_none: bool = False
    ) -> list[SaveResult]:
        return self._dml("upsert", sobject, records, all_or_none=all_or_none, external_field=external_field)

    def delete(self, sobject: str, ids: list[str], *, all_or_none: bool = False) -> list[SaveResult]:
        return self._dml("delete", sobject, ids, all_or_none=all_or_none)

    def _dml(
        self,
        op: str,
        sobject_name: str,
        items: list,
        *,
        all_or_none: bool,
        external_field: str | None = None,
        run_due: bool = True,
    ):
        with self.store.lock:
            sobject = self.schema.get(sobject_name)
            tx = Transaction(
                label=f"api {op} {sobject.name}", context="sync", started_at=format_datetime(self.clock.now())
            )
            self.store.begin()
            try:
                if op == "insert":
                    results = self.engine.insert(tx, sobject, items)
                elif op == "update":
                    results = self.engine.update(tx, sobject, items)
                elif op == "upsert":
                    results = self.engine.upsert(tx, sobject, external_field, items)
                else:
                    results = self.engine.delete(tx, sobject, items)
            except (LimitExceeded, TriggerDepthExceeded) as exc:
                self.store.rollback()
                self.record_transaction(tx, "rolled back: " + str(exc))
                error = SaveError(
                    "CANNOT_EXECUTE_FLOW_TRIGGER",
                    f"We can't save this record because a flow failed. Give your Salesforce admin these details. {exc}",
                )
                return [SaveResult(None, False, [error.to_dict()]) for _ in items]
            except BaseException:
                self.store.rollback()
                raise
            if all_or_none and not all(r.success for r in results):
                self.store.rollback()
                self.record_transaction(tx, "rolled back: allOrNone")
                return [
                    r
                    if not r.success
                    else SaveResult(
                        None,
                        False,
                        [
                            SaveError(
                                "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                                "Record rolled back because not all records were valid and the "
                                "request was using AllOrNone header",
                            ).to_dict()
                        ],
                    )
                    for r in results
                ]
            self.record_transaction(tx, "committed")
            self.store.commit()
            self.after_commit()
            if self.run_async == "inline" and run_due:
                self.scheduler.run_due(self.clock.now())
            return results

    def after_commit(self) -> None:
        send_pending_smtp(self)

    # -- reads ------------------------------------------------------------------------------------------
    def retrieve(self, sobject: str, record_id: str, fields: list[str] | None = None) -> dict | None:
        from orgsim.storage.ids import normalize_id

        with self.store.lock:
            obj = self.schema.get(sobject)
            rid = normalize_id(record_id)
            if rid is None:
                return None
            wanted = fields or list(obj.fields)
            rows = self.store.select(self.schema, obj, wanted, eq("Id", rid))
            return rows[0] if rows else None

    def select(
        self,
        sobject: str,
        fields: list[str],
        predicate: Predicate = None,
        order_by: list[tuple] | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> list[dict]:
        """The query primitive under SOQL: see docs/orgsim.md ("Query primitive")."""
        with self.store.lock:
            return self.store.select(self.schema, self.schema.get(sobject), fields, predicate, order_by, limit, offset)

    def count(self, sobject: str, predicate: Predicate = None) -> int:
        with self.store.lock:
            return self.store.count(self.schema, self.schema.get(sobject), predicate)

    def query(self, soql: str):
        """SOQL (grammar and executor in orgsim/soql, built on `select`)."""
        from orgsim.soql import execute

        return execute(self, soql)

    # -- queued work, clock ------------------------------------------------------------------------------
    def run_pending(self, max_batches: int | None = None) -> int:
        """Run work that is already due (async paths when run_async='manual'); at most
        `max_batches` batches (transactions) when given."""
        with self.store.lock:
            return self.scheduler.run_due(self.clock.now(), max_batches)

    def has_due_work(self) -> bool:
        with self.store.lock:
            return self.scheduler.has_due(self.clock.now())

    def _run_due_locked(self, until) -> int:
        with self.store.lock:
            return self.scheduler.run_due(until)

    def pending_work(self) -> list[dict]:
        with self.store.lock:
            return self.scheduler.pending()

    # -- inspection --------------------------------------------------------------------------------------
    def outbox(self, record_id: str | None = None) -> list[dict]:
        """The sent mails, oldest first; only those about `record_id` (an 18-character Id) when given."""
        columns = "seq, created_at, alert, template, record_id, sender, recipients, cc, subject, body, smtp_status"
        with self.store.lock:
            if record_id is None:
                rows = self.store.conn.execute(f"SELECT {columns} FROM _outbox ORDER BY seq").fetchall()
            else:
                rows = self.store.conn.execute(
                    f"SELECT {columns} FROM _outbox WHERE record_id = ? ORDER BY seq", (record_id,)
                ).fetchall()
        keys = (
            "seq",
            "created_at",
            "alert",
            "template",
            "record_id",
            "sender",
            "recipients",
            "cc",
            "subject",
            "body",
            "smtp_status",
        )
        out = []
        for row in rows:
            item = dict(zip(keys, row))
            item["recipients"], item["cc"] = json.loads(item["recipients"]), json.loads(item["cc"])
            out.append(item)
        return out

    def _log_rows(self, select: str, last: int | None, since: int | None) -> list[tuple]:
        """Rows of one of the org's logs, read by its key `seq` (`select` ends in `WHERE seq > ?`),
        oldest first: those after `since`, or the newest `last` of those (read newest first, so
        the cost is the rows asked for, not the log's length)."""
        with self.store.lock:
            if last:
                rows = self.store.conn.execute(select + " ORDER BY seq DESC LIMIT ?", (since or 0, last)).fetchall()
                rows.reverse()
                return rows
            return self.store.conn.execute(select + " ORDER BY seq", (since or 0,)).fetchall()

    def failed_interviews(self, last: int | None = None, since: int | None = None) -> list[dict]:
        """Failed interviews, oldest first: every one, or those after sequence number `since`, or
        the `last` ones of those; read by the log's key, as limits_usage reads its log."""
        rows = self._log_rows(
            "SELECT seq, failed_at, flow, path, element, record_id, interview_guid, kind, message "
            "FROM _failed_interviews WHERE seq > ?",
            last,
            since,
        )
        keys = ("seq", "failed_at", "flow", "path", "element", "record_id", "interview_guid", "kind", "message")
        return [dict(zip(keys, r)) for r in rows]

    def limits_usage(self, last: int | None = None, since: int | None = None) -> dict:
        """Per-transaction usage records and the maximum of each counter over them: every one, or
        those after sequence number `since`, or the `last` ones of those. Read by the log's key,
        newest first when `last` is given, so the cost follows what is asked for, not how many
        transactions the org has recorded."""
        rows = self._log_rows(
            "SELECT seq, label, started_at, outcome, soql, query_rows, dml, dml_rows, callouts, emails, interviews, "
            "COALESCE(callout_ms, 0), COALESCE(cpu_ms, 0) FROM _transactions WHERE seq > ?",
            last,
            since,
        )
        keys = (
            "seq",
            "label",
            "started_at",
            "outcome",
            "soql",
            "query_rows",
            "dml",
            "dml_rows",
            "callouts",
            "emails",
            "interviews",
            "callout_ms",
            "cpu_ms",
        )
        items = [dict(zip(keys, r)) for r in rows]
        counters = ("soql", "query_rows", "dml", "dml_rows", "callouts", "emails", "interviews", "callout_ms", "cpu_ms")
        from orgsim.limits import DEFAULT_LIMITS, peaks_by_flow

        return {
            "transactions": items,
            "max": {c: max((i[c] for i in items), default=0) for c in counters},
            "by_flow": peaks_by_flow(items, counters),
            "limits": dict(DEFAULT_LIMITS),
        }

    def record_transaction(self, tx: Transaction, outcome: str) -> None:
        u = tx.usage
        self.store.conn.execute(
            "INSERT INTO _transactions(label, started_at, outcome, soql, query_rows, dml, dml_rows, callouts, emails, "
            "interviews, callout_ms, cpu_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                tx.label,
                tx.started_at or format_datetime(self.clock.now()),
                outcome,
                u.soql,
                u.query_rows,
                u.dml,
                u.dml_rows,
                u.callouts,
                u.emails,
                u.interviews,
                u.callout_ms,
                tx.cpu_ms(),
            ),
        )

    def record_failed_interview(self, flow, path, element, record_id, guid, kind, message) -> None:
        self.store.conn.execute(
            "INSERT INTO _failed_interviews(failed_at, flow, path, element, record_id, interview_guid, kind, message) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (format_datetime(self.clock.now()), flow, path, element, record_id, guid, kind, message),
        )

    # -- Stripe events ------------------------------------------------------------------------------------
    def intake_stripe_event(self, event: dict, *, run_due: bool = True) -> dict:
        from orgsim.intake import intake_stripe_event

        return intake_stripe_event(self, event, run_due=run_due)

    # -- internals ------------------------------------------------------------------------------------------
    def next_autonumber(self, sobject, fdef) -> str:
        key = f"autonumber:{sobject.name}.{fdef.name}"
        n = int(self.store.meta_get(key, 0)) + 1
        self.store.meta_set(key, n)
        fmt = fdef.autonumber or "{0}"
        import re

        match = re.search(r"\{(0+)\}", fmt)
        if not match:
            return f"{fmt}{n}"
        return fmt[: match.start()] + str(n).zfill(len(match.group(1))) + fmt[match.end() :]

    def _default_user(self) -> str:
        user = self.schema.get("User")
        rows = self.store.select(self.schema, user, ["Id"], eq("Username", DEFAULT_USERNAME))
        if rows:
            return rows[0]["Id"]
        self.store.begin()
        uid = self.store.new_id(user)
        now = self.clock.now()
        self.store.insert_row(
            user,
            {
                "Id": uid,
                "Username": DEFAULT_USERNAME,
                "FirstName": "Org",
                "LastName": "Admin",
                "Name": "Org Admin",
                "Email": DEFAULT_USERNAME,
                "Alias": "admin",
                "IsActive": True,
                "IsDeleted": False,
                "CreatedDate": now,
                "LastModifiedDate": now,
                "SystemModstamp": now,
                "CreatedById": uid,
                "LastModifiedById": uid,
            },
        )
        self.store.commit()
        return uid


def _and(*items):
    from orgsim.storage.predicate import And

    return And(tuple(items))


__all__ = ["Compare", "DeployResult", "Org", "StripeConfig"]
