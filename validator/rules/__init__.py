"""The rule registry: every check `sfpay validate` runs, in the order it runs them."""

from __future__ import annotations

from validator.rules.action_input_missing import ActionInputMissing
from validator.rules.action_input_unknown import ActionInputUnknown
from validator.rules.action_unknown import ActionUnknown
from validator.rules.api_name_invalid import ApiNameInvalid
from validator.rules.api_version_unsupported import ApiVersionUnsupported
from validator.rules.base import Rule
from validator.rules.callout_after_dml import CalloutAfterDml
from validator.rules.callout_not_async import CalloutNotAsync
from validator.rules.connector_target_missing import ConnectorTargetMissing
from validator.rules.element_name_duplicate import ElementNameDuplicate
from validator.rules.element_unreachable import ElementUnreachable
from validator.rules.email_alert_unknown import EmailAlertUnknown
from validator.rules.email_recipient_invalid import EmailRecipientInvalid
from validator.rules.email_template_missing import EmailTemplateMissing
from validator.rules.fault_path_missing import FaultPathMissing
from validator.rules.field_unknown import FieldUnknown
from validator.rules.file_pair_missing import FilePairMissing
from validator.rules.hardcoded_id import HardcodedId
from validator.rules.hardcoded_url import HardcodedUrl
from validator.rules.merge_syntax_in_value import MergeSyntaxInValue
from validator.rules.name_case_duplicate import NameCaseDuplicate
from validator.rules.permset_field_missing import PermsetFieldMissing
from validator.rules.picklist_value_blank import PicklistValueBlank
from validator.rules.picklist_value_unknown import PicklistValueUnknown
from validator.rules.reference_unresolved import ReferenceUnresolved
from validator.rules.scheduled_path_change_criteria import ScheduledPathChangeCriteria
from validator.rules.schema_invalid import SchemaInvalid
from validator.rules.stripe_value_unknown import StripeValueUnknown
from validator.rules.unknown_file_type import UnknownFileType
from validator.rules.xml_malformed import XmlMalformed

RULES: tuple[Rule, ...] = (
    # files
    UnknownFileType(),
    FilePairMissing(),
    XmlMalformed(),
    SchemaInvalid(),
    # names and values Salesforce or Stripe refuse (the spec checks' rules, for hand-edited trees)
    ApiNameInvalid(),
    ApiVersionUnsupported(),
    PicklistValueBlank(),
    EmailRecipientInvalid(),
    # flow structure
    ElementNameDuplicate(),
    ConnectorTargetMissing(),
    ElementUnreachable(),
    ReferenceUnresolved(),
    # connector actions and transactions
    ActionUnknown(),
    ActionInputUnknown(),
    ActionInputMissing(),
    CalloutNotAsync(),
    CalloutAfterDml(),
    FaultPathMissing(),
    ScheduledPathChangeCriteria(),
    HardcodedId(),
    HardcodedUrl(),
    MergeSyntaxInValue(),
    EmailAlertUnknown(),
    PicklistValueUnknown(),
    StripeValueUnknown(),
    # cross-file
    FieldUnknown(),
    EmailTemplateMissing(),
    PermsetFieldMissing(),
    NameCaseDuplicate(),
)

BY_ID = {rule.id: rule for rule in RULES}
assert len(BY_ID) == len(RULES), "duplicate rule id"
_UNDECLARED = [rule.id for rule in RULES if not isinstance(rule.enforced_at_deploy, bool)]
if _UNDECLARED:
    raise TypeError(f"rules must declare enforced_at_deploy (True/False): {', '.join(_UNDECLARED)}")
