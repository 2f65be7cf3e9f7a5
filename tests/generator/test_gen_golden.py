"""The committed force-app/ is the default spec's rendering, and rendering is deterministic."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

from gen_support import DEFAULT_SPEC, EU_SPEC, FORCE_APP

from generator.output import compare
from generator.render import render
from generator.spec import load_spec
from sfpay.paths import PROJECT_ROOT


def test_force_app_is_the_default_rendering(default_files):
    drift = compare(default_files, FORCE_APP)
    assert drift.clean, "\n".join(drift.lines(FORCE_APP)) + "\nrun: sfpay generate"


def test_default_spec_file_matches_model_defaults(default_files):
    # The shipped spec spells out the defaults; an empty spec must render the same metadata,
    # except that the default reminders are signed by the org's own name, not the seed
    # client's (issue 13: no default client in a generated tree).
    from generator.spec.model import Spec

    signed = {
        path: data.replace(b"CT Nonprofit Alliance", b"{!Organization.Name}") if path.endswith(".email") else data
        for path, data in default_files.items()
    }
    assert render(Spec()) == signed


def test_two_renders_are_byte_identical():
    for spec_path in (DEFAULT_SPEC, EU_SPEC):
        assert render(load_spec(spec_path)) == render(load_spec(spec_path))


def _digest_in_subprocess(seed: str) -> str:
    code = (
        "import hashlib, sys\n"
        "from pathlib import Path\n"
        "from generator.render import render\n"
        "from generator.spec import load_spec\n"
        "h = hashlib.sha256()\n"
        "for spec in sys.argv[1:]:\n"
        "    for path, data in render(load_spec(Path(spec))).items():\n"
        "        h.update(path.encode() + b'\\0' + data)\n"
        "print(h.hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = subprocess.run(
        [sys.executable, "-c", code, str(DEFAULT_SPEC), str(EU_SPEC)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_rendering_does_not_depend_on_hash_seed(default_files, eu_files):
    h = hashlib.sha256()
    for files in (default_files, eu_files):
        for path, data in files.items():
            h.update(path.encode() + b"\0" + data)
    assert _digest_in_subprocess("1") == _digest_in_subprocess("4242") == h.hexdigest()


def test_expected_file_set(default_files):
    assert sorted(default_files) == [
        "main/default/email/Stripe_Payment_Reminders.emailFolder-meta.xml",
        "main/default/email/Stripe_Payment_Reminders/Stripe_Payment_Reminder_Nonprofit.email",
        "main/default/email/Stripe_Payment_Reminders/Stripe_Payment_Reminder_Nonprofit.email-meta.xml",
        "main/default/email/Stripe_Payment_Reminders/Stripe_Payment_Reminder_Other.email",
        "main/default/email/Stripe_Payment_Reminders/Stripe_Payment_Reminder_Other.email-meta.xml",
        "main/default/email/Stripe_Payment_Reminders/Stripe_Payment_Reminder_Profit.email",
        "main/default/email/Stripe_Payment_Reminders/Stripe_Payment_Reminder_Profit.email-meta.xml",
        "main/default/flows/Stripe_Event_Update_Opportunity_Status.flow-meta.xml",
        "main/default/flows/Stripe_Invoice_On_Opportunity_Create.flow-meta.xml",
        "main/default/flows/Stripe_Invoice_On_Opportunity_Update.flow-meta.xml",
        "main/default/flows/Stripe_Payment_Reminder.flow-meta.xml",
        "main/default/objects/Opportunity/businessProcesses/Stripe_Invoicing.businessProcess-meta.xml",
        "main/default/objects/Opportunity/fields/Stripe_Invoice_Date__c.field-meta.xml",
        "main/default/objects/Opportunity/fields/Stripe_Invoice_ID__c.field-meta.xml",
        "main/default/objects/Opportunity/fields/Stripe_Invoice_Revision__c.field-meta.xml",
        "main/default/objects/Opportunity/fields/Stripe_Invoice_URL__c.field-meta.xml",
        "main/default/objects/Opportunity/fields/Stripe_Invoiced_Amount_Text__c.field-meta.xml",
        "main/default/objects/Opportunity/fields/Stripe_Invoiced_Amount__c.field-meta.xml",
        "main/default/objects/Opportunity/fields/Stripe_Invoicing_Attempt__c.field-meta.xml",
        "main/default/objects/Opportunity/fields/Stripe_Invoicing_Error__c.field-meta.xml",
        "main/default/objects/Opportunity/fields/Stripe_Last_Event_At__c.field-meta.xml",
        "main/default/objects/Opportunity/fields/Stripe_Last_Event_Record_ID__c.field-meta.xml",
        "main/default/objects/Opportunity/fields/Stripe_Last_Event__c.field-meta.xml",
        "main/default/objects/Opportunity/fields/Stripe_Payer_Email__c.field-meta.xml",
        "main/default/objects/Opportunity/fields/Stripe_Payment_Status__c.field-meta.xml",
        "main/default/objects/Opportunity/fields/Stripe_Previous_Invoice_ID__c.field-meta.xml",
        "main/default/objects/Opportunity/fields/Stripe_Retry_Invoicing__c.field-meta.xml",
        "main/default/objects/Opportunity/recordTypes/Nonprofit.recordType-meta.xml",
        "main/default/objects/Opportunity/recordTypes/Profit.recordType-meta.xml",
        "main/default/permissionsets/Stripe_Invoicing_Fields.permissionset-meta.xml",
        "main/default/workflows/Opportunity.workflow-meta.xml",
    ]


def test_every_rendered_path_is_one_the_generator_owns(default_files, eu_files):
    from generator.output import is_owned

    for files in (default_files, eu_files):
        assert [p for p in files if not is_owned(p)] == []
