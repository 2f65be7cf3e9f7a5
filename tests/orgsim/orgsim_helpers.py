"""Building small SFDX trees for tests: flows and fields as Metadata API XML."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

from sfpay.paths import PROJECT_ROOT

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"'
UTC = dt.timezone.utc


def write(root: Path, rel: str, text: str) -> Path:
    path = root / "force-app" / "main" / "default" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "" if rel.endswith(".email") else HEADER
    path.write_text(header + text.strip() + "\n", encoding="utf-8")
    return path


def flow(
    root: Path, name: str, start: str, body: str = "", *, status: str = "Active", label: str | None = None
) -> Path:
    return write(
        root,
        f"flows/{name}.flow-meta.xml",
        f"""
<Flow {NS}>
    <apiVersion>66.0</apiVersion>
    {body}
    <label>{label or name}</label>
    <processType>AutoLaunchedFlow</processType>
    <start>
        <locationX>0</locationX>
        <locationY>0</locationY>
        {start}
    </start>
    <status>{status}</status>
</Flow>""",
    )


def field(root: Path, obj: str, name: str, body: str) -> Path:
    return write(
        root,
        f"objects/{obj}/fields/{name}.field-meta.xml",
        f"<CustomField {NS}>\n<fullName>{name}</fullName>\n{body}\n</CustomField>",
    )


def text_field(root: Path, obj: str, name: str, *, length: int = 255, extra: str = "") -> Path:
    return field(root, obj, name, f"<label>{name}</label><length>{length}</length><type>Text</type>{extra}")


STATUS_VALUES = "".join(
    f"<value><fullName>{v}</fullName><default>false</default><label>{v}</label></value>"
    for v in ("Open", "Paid", "Failed", "Void")
)


def standard_fields(root: Path) -> None:
    """The Opportunity fields most tests use."""
    text_field(root, "Opportunity", "Stripe_Invoice_ID__c", extra="<externalId>true</externalId><unique>true</unique>")
    field(root, "Opportunity", "Stripe_Invoice_URL__c", "<label>URL</label><type>Url</type>")
    field(
        root,
        "Opportunity",
        "Counter__c",
        "<label>Counter</label><precision>18</precision><scale>0</scale><type>Number</type>",
    )
    field(root, "Opportunity", "Due_Date__c", "<label>Due</label><type>Date</type>")
    field(
        root,
        "Opportunity",
        "Stripe_Payment_Status__c",
        f"<label>Status</label><type>Picklist</type><valueSet><restricted>true</restricted>"
        f"<valueSetDefinition><sorted>false</sorted>{STATUS_VALUES}</valueSetDefinition></valueSet>",
    )


def value(kind: str, v) -> str:
    return f"<value><{kind}>{v}</{kind}></value>"


def opp(name="Opp", stage="Prospecting", amount=100, **extra) -> dict:
    return {"Name": name, "StageName": stage, "CloseDate": "2026-12-31", "Amount": amount, **extra}


def generated_root() -> Path:
    """Where the generated project is: the checkout root, or ORGSIM_TEST_FORCE_APP."""
    return Path(os.environ.get("ORGSIM_TEST_FORCE_APP", PROJECT_ROOT))


ASYNC_BATCH = re.compile(
    r"(<scheduledPaths>(?:(?!</scheduledPaths>).)*?)\s*<maxBatchSize>\d+</maxBatchSize>"
    r"((?:(?!</scheduledPaths>).)*?<pathType>AsyncAfterCommit</pathType>)",
    re.S,
)
PRIOR_GATE = re.compile(
    r"<doesRequireRecordChangedToMeetCriteria>true</doesRequireRecordChangedToMeetCriteria>"
    r"(\s*<filterFormula>[^<]*(?:ISCHANGED|PRIORVALUE)\()"
)


def loadable_force_app(root: Path, dest: Path) -> Path:
    """A copy of root's force-app/ (+ sfdx-project.json) without the two constructs orgsim now
    refuses at load (issue 12), each rewritten so orgsim runs the flows exactly as before:

    - `maxBatchSize` on an AsyncAfterCommit path (not documented as honoured): removed. The
      behaviour tests save at most a few records at once, which fit one async transaction
      whatever the batch size.
    - `doesRequireRecordChangedToMeetCriteria` true with ISCHANGED/PRIORVALUE in the entry
      formula (undocumented prior-state semantics): set to false. orgsim evaluated the prior
      version with ISCHANGED false, and today's update flow needs ISCHANGED in every branch, so
      the "updated to meet" check never held anything back: with the flag off it fires for the
      same saves.

    Both are no-ops once the flows rewrite lands (then this can go).
    `test_metadata.py::test_generated_force_app_loads_fail_closed` loads force-app as generated.
    """
    shutil.copytree(root / "force-app", dest / "force-app")
    if (root / "sfdx-project.json").is_file():
        shutil.copy(root / "sfdx-project.json", dest / "sfdx-project.json")
    for flow_file in (dest / "force-app").rglob("*.flow-meta.xml"):
        text = flow_file.read_text(encoding="utf-8")
        text = ASYNC_BATCH.sub(r"\1\2", text)
        text = PRIOR_GATE.sub(
            r"<doesRequireRecordChangedToMeetCriteria>false</doesRequireRecordChangedToMeetCriteria>\1", text
        )
        flow_file.write_text(text, encoding="utf-8")
    return dest
