"""Webhook endpoints: create (secret returned only here), retrieve, update, list, delete."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from stripesim import ids
from stripesim.context import Operation
from stripesim.errors import ParamError
from stripesim.json_shapes import Params, StripeObject
from stripesim.params import LIST_PARAMS, boolean, clean_metadata, merge_metadata, metadata, string, string_list
from stripesim.resources.event_types import SUBSCRIBABLE
from stripesim.resources.registry import endpoint
from stripesim.resources.rendering import list_object, public

_API_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$")


def _check_url(name: str, value: str) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ParamError(
            f"Invalid URL: {value}. A webhook endpoint URL must be an absolute http(s) URL.",
            code="url_invalid",
            param=name,
        )


def _check_events(name: str, values: list[str]) -> None:
    if not values:
        raise ParamError(
            f"Invalid {name}: give at least one event type, or '*'.", code="parameter_invalid_empty", param=name
        )
    for index, value in enumerate(values):
        if value != "*" and value not in SUBSCRIBABLE:
            raise ParamError(
                f"Invalid {name}[{index}]: '{value}' is not a Stripe event type (the stripe SDK's "
                f"WebhookEndpointCreateParams.enabled_events lists every one, and '*').",
                code="parameter_invalid_string",
                param=f"{name}[{index}]",
            )


def _check_version(name: str, value: str) -> None:
    if not _API_VERSION.match(value):
        raise ParamError(
            f"Invalid API version: {value} (expected e.g. 2025-04-30.basil).",
            code="parameter_invalid_string",
            param=name,
        )


COMMON = {
    "url": string(check=_check_url),
    "enabled_events": string_list(check=_check_events),
    "description": string(emptyable=True),
    "metadata": metadata(),
}


@endpoint(
    "POST",
    "/v1/webhook_endpoints",
    {
        **COMMON,
        "url": string(required=True, check=_check_url),
        "enabled_events": string_list(required=True, check=_check_events),
        "api_version": string(check=_check_version),
    },
)
def create(op: Operation, params: Params) -> StripeObject:
    secret = ids.new_id("webhook_secret", 32)
    endpoint_obj = {
        "id": ids.new_id("webhook_endpoint"),
        "object": "webhook_endpoint",
        "api_version": params.get("api_version"),
        "application": None,
        "created": op.now(),
        "description": params.get("description"),
        "enabled_events": params["enabled_events"],
        "livemode": False,
        "metadata": clean_metadata(params.get("metadata", {})),
        "status": "enabled",
        "url": params["url"],
        "_secret": secret,
    }
    op.put("webhook_endpoint", endpoint_obj)
    # Like Stripe, the signing secret is shown once, in the creation response only.
    return {**public(endpoint_obj), "secret": secret}


@endpoint("GET", "/v1/webhook_endpoints/{id}")
def retrieve(op: Operation, params: Params, id: str) -> StripeObject:
    return public(op.require("webhook_endpoint", id, "webhook endpoint"))


@endpoint("POST", "/v1/webhook_endpoints/{id}", {**COMMON, "disabled": boolean()})
def update(op: Operation, params: Params, id: str) -> StripeObject:
    endpoint_obj = op.require("webhook_endpoint", id, "webhook endpoint")
    for field in ("url", "enabled_events", "description"):
        if field in params:
            endpoint_obj[field] = params[field]
    if "metadata" in params:
        endpoint_obj["metadata"] = merge_metadata(endpoint_obj["metadata"], params["metadata"])
    if "disabled" in params:
        endpoint_obj["status"] = "disabled" if params["disabled"] else "enabled"
    op.put("webhook_endpoint", endpoint_obj)
    return public(endpoint_obj)


@endpoint("DELETE", "/v1/webhook_endpoints/{id}")
def delete(op: Operation, params: Params, id: str) -> StripeObject:
    endpoint_obj = op.require("webhook_endpoint", id, "webhook endpoint")
    op.tx.delete("webhook_endpoint", endpoint_obj["id"])
    return {"id": id, "object": "webhook_endpoint", "deleted": True}


@endpoint("GET", "/v1/webhook_endpoints", LIST_PARAMS)
def list_endpoints(op: Operation, params: Params) -> StripeObject:
    return list_object(op, "webhook_endpoint", "/v1/webhook_endpoints", params)
