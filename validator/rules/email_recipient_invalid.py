"""Email alert recipients and senders Salesforce refuses at deploy: a recipient `field` that is
not a field API name, a `user` recipient that is not a username (usernames are written as email
addresses), and a `senderAddress` that is not an email address."""

import re

from generator.facts.salesforce_limits import EMAIL
from sfmeta.xml import child, children, line_of
from validator.rules.base import Rule

_FIELD = re.compile(r"(?:[A-Za-z][A-Za-z0-9]*__)?[A-Za-z](?:[A-Za-z0-9]|_(?!_))*(?<!_)(?:__c)?\Z")


class EmailRecipientInvalid(Rule):
    id = "email-recipient-invalid"
    # Enforced by a Salesforce deploy: a deploy refuses an email alert whose recipient field or user does not resolve.
    enforced_at_deploy = True
    scope = "file"
    message = (
        "Email alert recipient fields are field names, user recipients are usernames, sender addresses are emails."
    )
    hint = (
        "Name an Opportunity field (e.g. Payer_Email__c), a username like billing@example.org, or a verified address."
    )

    def check(self, file, context):
        if file.root is None or file.kind.type_name != "Workflow":
            return
        for alert in children(file.root, "alerts"):
            for rcpt in children(alert, "recipients"):
                kind = child(rcpt, "type")
                field = child(rcpt, "field")
                if field is not None and not _FIELD.match(field.text or ""):
                    yield self.finding(
                        file.display, line_of(field), f"recipient field {field.text!r} is not a field API name"
                    )
                recipient = child(rcpt, "recipient")
                if (
                    kind is not None
                    and kind.text == "user"
                    and recipient is not None
                    and not EMAIL.match(recipient.text or "")
                ):
                    yield self.finding(
                        file.display, line_of(recipient), f"user recipient {recipient.text!r} is not a username"
                    )
            sender = child(alert, "senderAddress")
            if sender is not None and not EMAIL.match((sender.text or "").strip()):
                yield self.finding(
                    file.display, line_of(sender), f"sender address {sender.text!r} is not an email address"
                )
