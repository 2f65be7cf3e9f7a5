"""Per-transaction governor limits, counted as Salesforce counts them.

Limits (Apex Developer Guide, "Execution Governors and Limits",
https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/apex_gov_limits.htm):
100 SOQL queries (synchronous), 50,000 query rows, 150 DML statements, 10,000 DML rows,
100 callouts, 120 s cumulative callout time. Exceeding one throws System.LimitException,
which no fault path can catch: the transaction rolls back.

What counts (flow bulkification, see orgsim/flows/interpreter.py): one Get Records element run
for a batch of interviews is one query; one Create/Update/Delete Records element is one DML
statement with one row per record; each connector action request is one callout. The
connector package's own internal queries are not counted: certified managed packages get
their own SOQL/DML limits (Apex guide, "Per-Transaction Certified Managed Package Limits"),
but callouts are shared, so callouts count.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

DEFAULT_LIMITS = {
    "soql": 100,
    "query_rows": 50_000,
    "dml": 150,
    "dml_rows": 10_000,
    "callouts": 100,
    "callout_ms": 120_000,
}

# Maximum CPU time on the Salesforce servers per transaction: 10,000 ms synchronous, 60,000 ms
# asynchronous (Apex governor limits, https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_apexgov.htm).
# Reported against the emulator's own CPU time per transaction (a proxy), never enforced.
CPU_LIMIT_MS = {"sync": 10_000, "async": 60_000}

_MESSAGES = {
    "soql": "Too many SOQL queries: {n}",
    "query_rows": "Too many query rows: {n}",
    "dml": "Too many DML statements: {n}",
    "dml_rows": "Too many DML rows: {n}",
    "callouts": "Too many callouts: {n}",
    "callout_ms": "Maximum callout time exceeded: {n} ms",
}

UNCOMMITTED_WORK = "You have uncommitted work pending. Please commit or rollback before calling out"


class LimitExceeded(Exception):
    """System.LimitException: uncatchable by fault connectors; rolls back the transaction."""

    def __init__(self, counter: str, value: int):
        self.counter = counter
        self.value = value
        super().__init__("System.LimitException: " + _MESSAGES[counter].format(n=value))


class CalloutNotAllowed(Exception):
    """System.CalloutException raised for a callout after uncommitted DML (catchable)."""

    def __init__(self, message: str = UNCOMMITTED_WORK):
        super().__init__("System.CalloutException: " + message)


@dataclass
class Usage:
    soql: int = 0
    query_rows: int = 0
    dml: int = 0
    dml_rows: int = 0
    callouts: int = 0
    callout_ms: int = 0
    emails: int = 0
    interviews: int = 0
    limits: dict = field(default_factory=lambda: dict(DEFAULT_LIMITS))

    def _bump(self, counter: str, amount: int) -> None:
        value = getattr(self, counter) + amount
        setattr(self, counter, value)
        if value > self.limits[counter]:
            raise LimitExceeded(counter, value)

    def query(self, rows: int) -> None:
        self._bump("soql", 1)
        self._bump("query_rows", rows)

    def dml_statement(self, rows: int) -> None:
        self._bump("dml", 1)
        self._bump("dml_rows", rows)

    def callout(self) -> None:
        self._bump("callouts", 1)

    def callout_time(self, elapsed_ms: int) -> None:
        self._bump("callout_ms", elapsed_ms)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("limits")
        return data


def peaks_by_flow(transactions: list[dict], counters: tuple[str, ...]) -> dict[str, dict]:
    """Per transaction kind, the peak of each counter over its transactions (governor headroom:
    the most any one transaction used). An async or scheduled path's transactions are one kind
    each ("Flow.Path"); a synchronous save is keyed by its label (the save that ran the flows)."""
    peaks: dict[str, dict] = {}
    for item in transactions:
        label = item["label"]
        key = label.split(" path ", 1)[1] if " path " in label else "save: " + label
        peak = peaks.setdefault(key, {c: 0 for c in counters} | {"transactions": 0})
        peak["transactions"] += 1
        for c in counters:
            peak[c] = max(peak[c], item[c] or 0)
    return dict(sorted(peaks.items()))
