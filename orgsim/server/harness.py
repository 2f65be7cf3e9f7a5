"""Test-harness helpers behind the same bearer auth, under /_orgsim/ (not part of Salesforce):
the org clock (optionally moving a Stripe test clock with it), the email outbox, governor
usage, failed flow interviews, queued work, whether the org is quiescent, and the webhook
listener's signing secret."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from orgsim.server.context import ServerContext, json_body
from orgsim.server.errors import ApiError, bad_request
from orgsim.storage.ids import normalize_id

UNITS = ("days", "hours", "minutes", "seconds")


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        from orgsim.storage.values import to_json

        return to_json(value)
    return value


def _advance_stripe_test_clock(org, clock_id: str, when: dt.datetime) -> dict:
    """Move a Stripe test clock to the org's new time through the Stripe API the org's
    connector uses (stripesim or Stripe test mode), and wait until Stripe reports it ready."""
    import time

    import httpx

    config = getattr(org, "stripe_config", None)
    if config is None:
        raise bad_request(
            "INVALID_INPUT", "the org has no Stripe connection configured; cannot move a Stripe test clock"
        )
    url = f"{(config.api_base or 'https://api.stripe.com').rstrip('/')}/v1/test_helpers/test_clocks/{clock_id}"
    headers = {"Authorization": f"Bearer {config.api_key}"}
    with httpx.Client(timeout=30) as client:
        response = client.post(url + "/advance", data={"frozen_time": int(when.timestamp())}, headers=headers)
        body = response.json()
        if response.status_code >= 400:
            message = (body.get("error") or {}).get("message", response.text)
            raise ApiError(
                response.status_code if response.status_code < 500 else 502,
                "STRIPE_ERROR",
                f"Stripe test clock {clock_id}: {message}",
            )
        deadline = time.monotonic() + 30
        while body.get("status") == "advancing" and time.monotonic() < deadline:
            time.sleep(0.05)
            body = client.get(url, headers=headers).json()
    return {"id": body.get("id"), "status": body.get("status"), "frozen_time": body.get("frozen_time")}


def _save_webhook_secret(path: str, secret: str) -> None:
    from pathlib import Path

    from orgsim.server.settings import ServerSettings

    settings = ServerSettings.load_or_create(Path(path))
    settings.webhook_secret = secret
    settings.save(Path(path))


def _advance_amounts(body: dict, now: dt.datetime) -> dict:
    """The clock advance asked for: finite, non-negative numbers (the JSON reader already
    refuses NaN/Infinity) that keep the org clock within the last date Salesforce stores,
    4000-12-31 (sfmeta/api_limits.py), instead of overflowing Python's datetime."""
    from sfmeta.api_limits import LATEST_DATE

    amounts = {}
    for unit in UNITS:
        value = body.get(unit, 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
            raise bad_request("INVALID_FIELD", f"{unit} must be a non-negative number", [unit])
        amounts[unit] = value
    latest = dt.datetime(LATEST_DATE.year, LATEST_DATE.month, LATEST_DATE.day, tzinfo=dt.timezone.utc)
    try:
        target = now + dt.timedelta(**amounts)
    except OverflowError:
        target = None
    if target is None or target > latest:
        raise bad_request(
            "INVALID_FIELD", f"the advance would move the org clock past {LATEST_DATE}, the last date Salesforce stores"
        )
    return amounts


def _quiescence(org) -> dict:
    """On the org thread, so no transaction is half done while it looks: the org clock and when
    the earliest queued async/scheduled path falls due (due now: the due-work runner or the
    next save runs it without new input)."""
    with org.store.lock:
        now = org.clock.now()
        next_due = org.scheduler.next_due()
    return {
        "now": now,
        "next_due_at": next_due,
        "next_due_in_seconds": None if next_due is None else round((next_due - now).total_seconds(), 3),
        "due_now": next_due is not None and next_due <= now,
    }


def routes(ctx: ServerContext, gate) -> list[Route]:
    async def clock(request: Request) -> JSONResponse:
        if request.method == "GET":
            now = await ctx.gateway.call(lambda: ctx.org.clock.now())
            return JSONResponse({"now": _jsonable(now)})
        body = await json_body(request)
        if not isinstance(body, dict):
            raise bad_request("JSON_PARSER_ERROR", 'expected an object like {"days": 30}')
        unknown = set(body) - set(UNITS) - {"stripe_test_clock"}
        if unknown:
            raise bad_request(
                "INVALID_FIELD", f"unknown keys {sorted(unknown)}; use {', '.join(UNITS)} and stripe_test_clock"
            )
        amounts = _advance_amounts(body, await ctx.gateway.call(lambda: ctx.org.clock.now()))

        def advance():
            org = ctx.org
            ran = org.clock.advance(**amounts)
            now = org.clock.now()
            # Kept in the org's database so a restarted server resumes at the advanced time.
            with org.store.lock:
                org.store.meta_set("clock_now", now.isoformat())
            return ran, now

        ran, now = await ctx.gateway.call(advance)
        result = {"now": _jsonable(now), "interviews_run": ran}
        if body.get("stripe_test_clock"):
            result["stripe_test_clock"] = await ctx.gateway.call(
                _advance_stripe_test_clock, ctx.org, str(body["stripe_test_clock"]), now
            )
        return JSONResponse(result)

    def reader(method: str):
        async def endpoint(request: Request) -> JSONResponse:
            return JSONResponse(_jsonable(await ctx.gateway.call(getattr(ctx.org, method))))

        return endpoint

    def log_reader(method: str):
        """A log read by its key: `?since=SEQ` (after that entry) and/or `?last=N` (the newest N)."""

        async def endpoint(request: Request) -> JSONResponse:
            numbers: dict[str, int | None] = {}
            for name in ("last", "since"):
                value = request.query_params.get(name)
                # ASCII digits only ('²'.isdigit() is True), and a count that fits SQLite's integers.
                if value is not None and not (value.isascii() and value.isdigit() and len(value) <= 9):
                    raise bad_request("INVALID_FIELD", f"{name} must be a whole number below 1,000,000,000", [name])
                numbers[name] = int(value) if value else None
            read = getattr(ctx.org, method)
            return JSONResponse(_jsonable(await ctx.gateway.call(read, numbers["last"], numbers["since"])))

        return endpoint

    async def outbox(request: Request) -> JSONResponse:
        """The outbox, or with `record_id` (15 or 18 characters) that record's mails only."""
        unknown = sorted(set(request.query_params) - {"record_id"})
        if unknown:
            raise bad_request("INVALID_FIELD", "/_orgsim/outbox takes only record_id", unknown)
        raw = request.query_params.get("record_id")
        if raw is None:
            return JSONResponse(_jsonable(await ctx.gateway.call(ctx.org.outbox)))
        record_id = normalize_id(raw) if raw.isascii() else None
        if record_id is None:
            raise bad_request("MALFORMED_ID", f"record_id: malformed id {raw[:40]!r}", ["record_id"])
        return JSONResponse(_jsonable(await ctx.gateway.call(ctx.org.outbox, record_id)))

    async def run_pending(request: Request) -> JSONResponse:
        return JSONResponse({"interviews_run": await ctx.gateway.call(ctx.org.run_pending)})

    async def quiescence(request: Request) -> JSONResponse:
        """Read-only: can anything happen in the org without new input? Nothing can when no
        other request is in flight and no queued work is due at or before the org clock. Work
        due later is reported (`next_due_at`) for the caller to weigh: a clock that follows
        wall time, or a caller that moves it, makes it due. `requests_started` lets a caller
        check that no request arrived between two looks."""
        if request.query_params:
            raise bad_request("INVALID_FIELD", "/_orgsim/quiescence takes no parameters", sorted(request.query_params))
        state = await ctx.gateway.call(_quiescence, ctx.org)
        activity = ctx.activity  # read after the org call: a request that came in meanwhile counts
        in_flight, started = activity.in_flight, activity.started
        return JSONResponse(
            _jsonable(
                {
                    "quiescent": in_flight == 0 and not state["due_now"],
                    "requests_in_flight": in_flight,
                    "requests_started": started,
                    **state,
                }
            )
        )

    async def webhook_secret(request: Request) -> JSONResponse:
        body = await json_body(request)
        secret = body.get("secret") if isinstance(body, dict) else None
        if not isinstance(secret, str) or not secret.startswith("whsec_"):
            raise bad_request(
                "INVALID_FIELD", "secret must be a Stripe endpoint signing secret (whsec_...)", ["secret"]
            )
        ctx.config.webhook_secret = secret
        if ctx.config.settings_file:
            await ctx.gateway.call(_save_webhook_secret, ctx.config.settings_file, secret)
        return JSONResponse({"webhook_path": ctx.config.webhook_path, "configured": True})

    return [
        Route("/_orgsim/clock", gate(clock), methods=["GET", "POST"]),
        Route("/_orgsim/outbox", gate(outbox), methods=["GET"]),
        Route("/_orgsim/limits", gate(log_reader("limits_usage")), methods=["GET"]),
        Route("/_orgsim/failed-interviews", gate(log_reader("failed_interviews")), methods=["GET"]),
        Route("/_orgsim/pending-work", gate(reader("pending_work")), methods=["GET"]),
        Route("/_orgsim/flows", gate(reader("flows")), methods=["GET"]),
        Route("/_orgsim/run-pending", gate(run_pending), methods=["POST"]),
        Route("/_orgsim/quiescence", gate(quiescence), methods=["GET"]),
        Route("/_orgsim/webhook-secret", gate(webhook_secret), methods=["POST"]),
    ]
