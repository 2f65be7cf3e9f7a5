"""Workflow email alerts (`workflows/<Object>.workflow-meta.xml` <alerts>): recipients resolved
per the alert, rendered from the template, stored in the org's outbox when the transaction
commits (Salesforce sends email only on commit), and sent to SMTP if one is configured.

Recipient types: Metadata API WorkflowAlert / WorkflowEmailRecipient
(https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_workflow.htm;
enum ActionEmailRecipientTypes in vendor/salesforce-metadata-api-v66.wsdl). orgsim resolves the
ones below; the others (group, role, team, portal types ...) need org data it does not model
and are refused at deploy."""

from __future__ import annotations

import json
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from orgsim.email.templates import check_merge_fields, render
from orgsim.errors import MetadataError
from sfmeta.xml import children, text

RECIPIENT_TYPES = {"owner", "creator", "user", "email", "contactLookup", "userLookup", "accountOwner"}


@dataclass
class Alert:
    object: str
    name: str
    template: str
    recipients: list  # (type, field or recipient)
    cc: list
    sender_type: str
    sender_address: str | None
    where: str


def parse_alert(org, comp) -> Alert:
    el = comp.element
    template = text(el, "template")
    if not template:
        raise MetadataError(f"email alert {comp.name} has no template", where=comp.where)
    if template not in org.email_templates:
        raise MetadataError(
            f"email alert {comp.name} uses template {template!r}, which is not deployed "
            f"(deployed: {', '.join(sorted(org.email_templates)) or 'none'})",
            where=comp.where,
        )
    sobject = org.schema.get(comp.object)
    recipients = []
    for r in children(el, "recipients"):
        rtype = text(r, "type")
        if rtype not in RECIPIENT_TYPES:
            raise MetadataError(
                f"email alert {comp.name}: recipient type {rtype!r} is not supported "
                f"(supported: {', '.join(sorted(RECIPIENT_TYPES))})",
                where=comp.where,
            )
        detail = text(r, "field") or text(r, "recipient")
        if rtype in ("email", "contactLookup", "userLookup"):
            if not detail or not sobject.has_field(detail):
                raise MetadataError(
                    f"email alert {comp.name}: recipient field {detail!r} is not a field of {sobject.name}",
                    where=comp.where,
                )
            detail = sobject.field(detail).name
        if rtype == "accountOwner" and not sobject.has_field("AccountId"):
            raise MetadataError(
                f"email alert {comp.name}: accountOwner needs an AccountId on {sobject.name}", where=comp.where
            )
        recipients.append((rtype, detail))
    cc = [c.text.strip() for c in children(el, "ccEmails") if c.text]
    if not recipients and not cc:
        raise MetadataError(f"email alert {comp.name} has no recipients", where=comp.where)
    check_merge_fields(org, org.email_templates[template], sobject.name, comp.where)
    return Alert(
        sobject.name,
        comp.name,
        template,
        recipients,
        cc,
        text(el, "senderType") or "CurrentUser",  # lxml gives None, never "", for an empty element
        text(el, "senderAddress"),
        comp.where,
    )


def _user_email(org, user_id):
    if not user_id:
        return None
    row = org.store.get_row(org.schema.get("User"), user_id)
    return row.get("Email") if row else None


def resolve_recipients(org, alert: Alert, record: dict) -> list[str]:
    out = []
    for rtype, detail in alert.recipients:
        address = None
        if rtype == "owner":
            address = _user_email(org, record.get("OwnerId"))
        elif rtype == "creator":
            address = _user_email(org, record.get("CreatedById"))
        elif rtype == "user":
            rows = org.store.select(
                org.schema,
                org.schema.get("User"),
                ["Email"],
                __import__("orgsim.storage.predicate", fromlist=["eq"]).eq("Username", detail),
            )
            address = rows[0]["Email"] if rows else None
        elif rtype == "email":
            address = record.get(detail)
        elif rtype == "contactLookup":
            contact_id = record.get(detail)
            row = org.store.get_row(org.schema.get("Contact"), contact_id) if contact_id else None
            address = row.get("Email") if row else None
        elif rtype == "userLookup":
            address = _user_email(org, record.get(detail))
        elif rtype == "accountOwner":
            account_id = record.get("AccountId")
            account = org.store.get_row(org.schema.get("Account"), account_id) if account_id else None
            address = _user_email(org, account.get("OwnerId")) if account else None
        if address and address not in out:
            out.append(address)
    return out


def queue_alert(org, tx, alert: Alert, record_id: str) -> int:
    """Render and store in the outbox inside the transaction (rolled back with it)."""
    sobject = org.schema.get(alert.object)
    record = org.store.get_row(sobject, record_id)
    if record is None:
        raise ValueError(f"email alert {alert.name}: record {record_id} not found")
    template = org.email_templates[alert.template]
    subject, body = render(org, template, alert.object, record)
    recipients = resolve_recipients(org, alert, record)
    if not recipients and not alert.cc:
        raise ValueError(f"email alert {alert.name}: no recipient address could be resolved for record {record_id}")
    sender = alert.sender_address if alert.sender_type == "OrgWideEmailAddress" else _user_email(org, org.user_id)
    cur = org.store.conn.execute(
        "INSERT INTO _outbox(created_at, alert, template, record_id, sender, recipients, cc, subject, body, smtp_status) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            org.clock.now().isoformat(),
            f"{alert.object}.{alert.name}",
            alert.template,
            record_id,
            sender,
            json.dumps(recipients),
            json.dumps(alert.cc),
            subject,
            body,
            "pending" if org.smtp else "not-configured",
        ),
    )
    tx.usage.emails += 1
    return cur.lastrowid


def send_pending_smtp(org) -> None:
    """After commit: hand pending outbox messages to the configured SMTP server."""
    if not org.smtp:
        return
    host, port = org.smtp
    rows = org.store.conn.execute(
        "SELECT seq, sender, recipients, cc, subject, body FROM _outbox WHERE smtp_status = 'pending'"
    ).fetchall()
    for seq, sender, recipients, cc, subject, body in rows:
        message = EmailMessage()
        message["From"] = sender or "noreply@orgsim.local"
        message["To"] = ", ".join(json.loads(recipients))
        if json.loads(cc):
            message["Cc"] = ", ".join(json.loads(cc))
        message["Subject"] = subject
        message.set_content(body)
        try:
            with smtplib.SMTP(host, port, timeout=10) as smtp:
                smtp.send_message(message)
            status = "sent"
        except OSError as exc:
            status = f"failed: {exc}"
        org.store.conn.execute("UPDATE _outbox SET smtp_status = ? WHERE seq = ?", (status, seq))
