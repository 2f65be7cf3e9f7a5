"""Hostile form bodies and query strings over real HTTP (issue 14, item 13 and the fuzz suite).

Stripe's v1 API takes form encoding with bracket notation (https://docs.stripe.com/api,
"Request body: application/x-www-form-urlencoded"). Whatever the client sends, the emulator
answers like Stripe: a 2xx with an API object, or a 4xx whose JSON body is Stripe's error
shape (`{"error": {"type", "message", ...}}`, https://docs.stripe.com/api/errors), never a
5xx (our 500 is reserved for emulator bugs, so one here is a bug) and never a hang.

The corpus `FORM_CORPUS` keeps the reproducers of the issue and the shapes hypothesis found
worth keeping; the strategies build keys from bracket segments (empty, digits in other
scripts, unbalanced), values from text with any code point, and raw bytes.
"""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Stripe's error types (https://docs.stripe.com/api/errors: "type").
ERROR_TYPES = {"api_error", "card_error", "idempotency_error", "invalid_request_error", "rate_limit_error"}

# Endpoints that decode a form body (POST) or a query string (GET); `{customer}` is filled in.
POST_PATHS = (
    "/v1/customers",
    "/v1/customers/{customer}",
    "/v1/invoiceitems",
    "/v1/invoices",
    "/v1/webhook_endpoints",
    "/v1/test_helpers/test_clocks",
)
GET_PATHS = ("/v1/customers", "/v1/invoices", "/v1/events", "/v1/customers/search", "/v1/customers/{customer}")

FORM_CORPUS = [
    "metadata[%C2%B2]=x",  # a superscript digit as a list index (was a 500)
    "amount=%D9%A1%D9%A2&currency=usd&customer={customer}",  # Arabic-Indic digits (were accepted as 12)
    "amount=100&currency=zzz&customer={customer}",  # not a Stripe currency (was accepted)
    "metadata[a][b][c]=1",
    "metadata[]=1",
    "metadata=1&metadata[a]=2",
    "expand[]=customer&expand[0]=x",
    "enabled_events[99999999999999999999]=invoice.paid&url=https%3A%2F%2Fx.test",
    "amount=1e308&currency=usd&customer={customer}",
    "amount=-0&currency=usd&customer={customer}",
    "amount=99999999999999999999999999&currency=usd&customer={customer}",
    "limit=%EF%BC%91%EF%BC%90",  # fullwidth digits as a limit
    "limit=0",
    "limit=-1",
    "query=email%3A%27a%27",
    "email=%00",
    "a[b=1",
    "[x]=1",
    "%5B%5D=1",
    "=",
    "&&&",
    "0",  # a body that is one digit: the top level became a list (was a 500)
    "0=a&1=b",
    "email=" + "x" * 5000,
    "metadata[" + "k" * 500 + "]=v",
    "frozen_time=" + "9" * 400,
]


@pytest.fixture(scope="module")
def target(shared_sim):
    """The shared emulator with one customer to address; emptied before and after."""
    shared_sim.admin.reset()
    shared_sim.admin.set_rate_limit(None)
    client = shared_sim.stripe_client()
    customer = client.v1.customers.create(params={"email": "fuzz@example.org"})
    http = httpx.Client(base_url=shared_sim.base_url, headers={"Authorization": f"Bearer {shared_sim.api_key}"})
    try:
        yield http, customer.id
    finally:
        http.close()
        shared_sim.admin.reset()


def _check(answer: httpx.Response, what: str) -> None:
    assert answer.status_code < 500, f"{what}: {answer.status_code} {answer.text[:300]}"
    assert answer.headers.get("Request-Id", "").startswith("req_"), what
    body = answer.json()
    if answer.status_code >= 400:
        error = body.get("error")
        assert isinstance(error, dict) and error.get("type") in ERROR_TYPES, f"{what}: {answer.text[:300]}"
        assert isinstance(error.get("message"), str) and error["message"], what
    else:
        assert isinstance(body, dict) and "object" in body, f"{what}: {answer.text[:300]}"


def _post(target, path: str, body: bytes) -> httpx.Response:
    http, customer = target
    return http.post(
        path.format(customer=customer),
        content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )


@pytest.mark.parametrize("form", FORM_CORPUS)
@pytest.mark.parametrize("path", POST_PATHS)
def test_corpus_posts_are_answered_in_stripes_shape(target, path: str, form: str) -> None:
    body = form.replace("{customer}", target[1]).encode("utf-8")
    _check(_post(target, path, body), f"POST {path} {form[:60]}")


@pytest.mark.parametrize("form", FORM_CORPUS)
@pytest.mark.parametrize("path", GET_PATHS)
def test_corpus_queries_are_answered_in_stripes_shape(target, path: str, form: str) -> None:
    http, customer = target
    answer = http.get(f"{path.format(customer=customer)}?{form.replace('{customer}', customer)}", timeout=10)
    _check(answer, f"GET {path} {form[:60]}")


# Bracket segments as a client could write them: names, digits of any script, empty, stray brackets.
_segment = st.one_of(
    st.from_regex(r"[a-z_]{1,8}", fullmatch=True),
    st.integers(min_value=0, max_value=10**25).map(str),
    st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=3),
    st.sampled_from(["", "[", "]", "][", "%", "%5B", " ", "\u0000"]),
)
_names = st.sampled_from(
    [
        "email",
        "name",
        "metadata",
        "amount",
        "currency",
        "customer",
        "description",
        "expand",
        "enabled_events",
        "url",
        "limit",
        "starting_after",
        "collection_method",
        "days_until_due",
        "auto_advance",
        "frozen_time",
        "query",
        "x",
    ]
)
_key = st.builds(
    lambda name, segments, tail: name + "".join(f"[{s}]" for s in segments) + tail,
    _names,
    st.lists(_segment, max_size=4),
    st.sampled_from(["", "", "", "[", "]", "[]"]),
)
_value = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["true", "false", "usd", "zzz", "send_invoice", "{customer}", "invoice.paid", "*", ""]),
)
_pairs = st.lists(st.tuples(_key, _value), max_size=8)


def _encode(pairs: list[tuple[str, str]], customer: str) -> bytes:
    # Brackets left readable, as the stripe SDK sends them; everything else percent-encoded.
    return "&".join(
        f"{quote(k, safe='[]')}={quote(v.replace('{customer}', customer), safe='')}" for k, v in pairs
    ).encode("utf-8")


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(path=st.sampled_from(POST_PATHS), pairs=_pairs)
def test_structured_forms_never_500(target, path: str, pairs: list[tuple[str, str]]) -> None:
    body = _encode(pairs, target[1])
    _check(_post(target, path, body), f"POST {path} {body[:120]!r}")


@FUZZ
@given(path=st.sampled_from(GET_PATHS), pairs=_pairs)
def test_structured_queries_never_500(target, path: str, pairs: list[tuple[str, str]]) -> None:
    http, customer = target
    query = _encode(pairs, customer).decode("ascii")
    answer = http.get(f"{path.format(customer=customer)}?{query}", timeout=10)
    _check(answer, f"GET {path}?{query[:120]}")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(POST_PATHS), body=st.binary(max_size=300))
def test_raw_bytes_never_500(target, path: str, body: bytes) -> None:
    _check(_post(target, path, body), f"POST {path} {body[:120]!r}")


def test_body_over_the_cap_is_a_413_in_stripes_shape_without_being_read_whole(target) -> None:
    from stripesim.http.body import MAX_BODY_BYTES

    big = b"email=" + b"x" * MAX_BODY_BYTES
    answer = _post(target, "/v1/customers", big)
    assert answer.status_code == 413
    assert answer.json()["error"]["type"] == "invalid_request_error"
    assert answer.json()["error"]["code"] == "request_too_large"

    def chunks():  # no Content-Length: the cap holds while streaming
        for _ in range(40):
            yield b"x" * 65536

    http, _ = target
    streamed = http.post(
        "/v1/customers", content=chunks(), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert streamed.status_code == 413 and streamed.json()["error"]["code"] == "request_too_large"
    assert _post(target, "/v1/customers", b"email=" + b"x" * 1000).status_code < 500
