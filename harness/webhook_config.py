"""`sfpay webhook configure`: exactly one Stripe webhook endpoint for the org's listener URL.

The seed's warning is that a webhook configured by hand drifts: a missing event, a second
endpoint added "to be safe" (every event then arrives twice), or an API version that does
not match the connector's, so payloads have a shape the connector does not parse. This
makes the endpoint a declared state:

- no endpoint for the URL -> create it; its signing secret is shown this once (Stripe shows
  it only at creation);
- one endpoint -> bring `enabled_events` and `disabled` in line with the spec;
- several endpoints for the URL -> refuse (or, when asked, keep one and delete the rest);
- an API version mismatch cannot be fixed in place: Stripe fixes an endpoint's
  `api_version` at creation (its update call has no such parameter). It is flagged as an
  error; `recreate=True` deletes the endpoint and creates it again, which issues a NEW
  signing secret that must then be entered in the connector's settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import stripe
    from stripe.params import WebhookEndpointCreateParams, WebhookEndpointUpdateParams

DESCRIPTION = "sfpay: Stripe events for the Salesforce connector"


class WebhookConfigError(Exception):
    """The endpoint cannot be brought to the declared state without a decision from the user."""


@dataclass
class ConfigureOutcome:
    action: str  # created | updated | unchanged | recreated
    endpoint_id: str
    url: str
    api_version: str | None
    enabled_events: list[str]
    changes: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    secret: str | None = None  # only when this run created the endpoint


def versions_match(actual: str | None, wanted: str) -> bool:
    """`2025-04-30` and `2025-04-30.basil` name the same version: Stripe appends the release name."""
    if not actual:
        return False
    return actual == wanted or actual.split(".")[0] == wanted.split(".")[0]


def _matching(client: "stripe.StripeClient", url: str) -> list[Any]:
    wanted = url.rstrip("/")
    endpoints = client.v1.webhook_endpoints.list({"limit": 100}).auto_paging_iter()
    return sorted((ep for ep in endpoints if (ep.url or "").rstrip("/") == wanted), key=lambda ep: (ep.created, ep.id))


def _create(client: "stripe.StripeClient", url: str, events: list[str], api_version: str) -> Any:
    # The SDK types events and versions as Literals; these strings come from a spec whose check
    # (generator/spec/checks.py, _stripe_names) accepted them against those same Literals.
    params = {"url": url, "enabled_events": events, "api_version": api_version, "description": DESCRIPTION}
    return client.v1.webhook_endpoints.create(cast("WebhookEndpointCreateParams", params))


def ensure_endpoint(
    client: "stripe.StripeClient",
    url: str,
    events: list[str],
    api_version: str,
    *,
    recreate_on_version_mismatch: bool = False,
    delete_duplicates: bool = False,
) -> ConfigureOutcome:
    events = sorted(set(events))
    if not events:
        raise WebhookConfigError("the spec enables no Stripe events; nothing would reach Salesforce")
    matching = _matching(client, url)

    deleted: list[str] = []
    if len(matching) > 1:
        ids = ", ".join(ep.id for ep in matching)
        if not delete_duplicates:
            raise WebhookConfigError(
                f"{len(matching)} webhook endpoints point at {url} ({ids}); Stripe delivers every event to each of "
                "them, so Salesforce receives duplicates. Delete all but one in the Stripe dashboard, or rerun with "
                "--delete-duplicates to keep the oldest one with the right API version and delete the others."
            )
        keep = next((ep for ep in matching if versions_match(ep.api_version, api_version)), matching[0])
        for ep in matching:
            if ep.id != keep.id:
                client.v1.webhook_endpoints.delete(ep.id)
                deleted.append(ep.id)
        matching = [keep]

    if not matching:
        created = _create(client, url, events, api_version)
        return ConfigureOutcome(
            "created",
            created.id,
            url,
            created.api_version,
            list(created.enabled_events),
            changes=["created"],
            deleted=deleted,
            secret=created.secret,
        )

    endpoint = matching[0]
    if not versions_match(endpoint.api_version, api_version):
        current = endpoint.api_version or "the account's default (not pinned)"
        if not recreate_on_version_mismatch:
            raise WebhookConfigError(
                f"webhook endpoint {endpoint.id} for {url} sends events rendered for API version {current}, but the "
                f"connector expects {api_version}: its payloads would not parse. Stripe cannot change an endpoint's "
                "API version; rerun with --recreate-on-version-mismatch to replace the endpoint (this issues a new "
                "signing secret that you must enter in the Stripe connector's settings)."
            )
        client.v1.webhook_endpoints.delete(endpoint.id)
        created = _create(client, url, events, api_version)
        return ConfigureOutcome(
            "recreated",
            created.id,
            url,
            created.api_version,
            list(created.enabled_events),
            changes=[f"api_version {current} -> {api_version} (endpoint {endpoint.id} deleted)"],
            deleted=deleted + [endpoint.id],
            secret=created.secret,
        )

    update: dict[str, Any] = {}
    changes: list[str] = []
    current_events = sorted(endpoint.enabled_events or [])
    if current_events != events:
        missing = sorted(set(events) - set(current_events))
        extra = sorted(set(current_events) - set(events))
        if missing:
            changes.append("enable " + ", ".join(missing))
        if extra:
            changes.append("disable " + ", ".join(extra))
        update["enabled_events"] = events
    if getattr(endpoint, "status", "enabled") == "disabled":
        changes.append("re-enable the endpoint (it was disabled)")
        update["disabled"] = False
    if update:
        # enabled_events: spec-checked against the SDK's Literal, as in _create.
        endpoint = client.v1.webhook_endpoints.update(endpoint.id, cast("WebhookEndpointUpdateParams", update))
    return ConfigureOutcome(
        "updated" if update or deleted else "unchanged",
        endpoint.id,
        url,
        endpoint.api_version,
        list(endpoint.enabled_events),
        changes=changes,
        deleted=deleted,
    )


@dataclass
class EndpointCheck:
    """The sandbox target's pre-flight: is the org's webhook set up as the spec says?"""

    ok: bool
    problems: list[str]
    endpoint_id: str | None


def check_endpoint(
    client: "stripe.StripeClient", url: str | None, events: list[str], api_version: str
) -> EndpointCheck:
    """Read-only version of ensure_endpoint, for `sfpay verify --target sandbox`."""
    if url:
        candidates = _matching(client, url)
        where = f"for {url}"
    else:
        # Without the listener URL, accept the one endpoint that enables the spec's events.
        candidates = [
            ep
            for ep in client.v1.webhook_endpoints.list({"limit": 100}).auto_paging_iter()
            if set(events) <= set(ep.enabled_events or [])
        ]
        where = "enabling the spec's events"
    if not candidates:
        return EndpointCheck(
            False, [f"no Stripe webhook endpoint {where}; run `sfpay webhook configure --url <listener URL>`"], None
        )
    if len(candidates) > 1:
        ids = ", ".join(ep.id for ep in candidates)
        return EndpointCheck(
            False,
            [
                f"{len(candidates)} webhook endpoints {where} ({ids}): Salesforce would receive every event more than once"
            ],
            None,
        )
    endpoint = candidates[0]
    problems = []
    missing = sorted(set(events) - set(endpoint.enabled_events or []))
    if missing and "*" not in (endpoint.enabled_events or []):
        problems.append(f"endpoint {endpoint.id} does not send {', '.join(missing)}")
    if not versions_match(endpoint.api_version, api_version):
        problems.append(
            f"endpoint {endpoint.id} uses API version {endpoint.api_version or 'the account default'}, the connector expects {api_version}"
        )
    if getattr(endpoint, "status", "enabled") != "enabled":
        problems.append(f"endpoint {endpoint.id} is {endpoint.status}")
    return EndpointCheck(not problems, problems, endpoint.id)
