"""Issue 14's reproducers against the org server and the webhook listener, as data.

Each case is one HTTP request and the answer Salesforce (or, for the listener, the Stripe
connector's contract) gives: status and `errorCode`. Every case but the five marked `pin`
was a 500 (or a wrong 2xx) on main before the hardening; `test_hostile_requests.py` replays them
over HTTPS, and `test_api_fuzz.py` starts its hypothesis search from them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

V = "66.0"
OPPORTUNITY = {"Name": "Corpus", "StageName": "Prospecting", "CloseDate": "2026-01-01"}
NAMED_OPPORTUNITY = "Corpus Opportunity"  # created by the fixture: a lookup by Name must not find it


@dataclass(frozen=True)
class Case:
    name: str  # issue 14 item, then what is sent
    method: str
    path: str  # under the instance URL; {token_prefix} is the org id prefix of a real token
    status: int
    code: str | None = None  # REST errorCode of the first error; None: the listener's or a 2xx body
    body: bytes | None = None
    params: dict = field(default_factory=dict)
    authorization: bytes | None = None  # None: a valid bearer token
    signed: bool = False  # webhook: sign the body with the listener's secret
    pin: bool = False  # already right on main; kept so it stays right
    content_type: str = "application/json"
    oauth_error: str | None = None  # the token endpoint's {"error": ...}


def _q(soql: str, status: int = 400, code: str | None = "MALFORMED_QUERY", name: str = "", pin: bool = False) -> Case:
    return Case(name, "GET", f"/services/data/v{V}/query", status, code, params={"q": soql}, pin=pin)


def _json(path: str, payload: bytes, status: int, code: str | None, name: str, method: str = "POST") -> Case:
    return Case(name, method, path, status, code, body=payload)


def _opportunity(amount: bytes) -> bytes:
    return json.dumps(OPPORTUNITY).encode()[:-1] + b', "Amount": ' + amount + b"}"


def _composite(attributes: str) -> bytes:
    return f'{{"records": [{{"attributes": {attributes}, "Name": "a"}}]}}'.encode()


SOBJECTS = f"/services/data/v{V}/sobjects"
COMPOSITE = f"/services/data/v{V}/composite/sobjects"
WEBHOOK = "/services/apexrest/stripeGC/webhook"
DEEP = b"[" * 100_000 + b"]" * 100_000

CASES: list[Case] = [
    # item 12: SOQL
    _q("SELECT Id FROM Opportunity LIMIT 99999999999999999999999", name="12 LIMIT 10^23"),
    _q("SELECT Id FROM Opportunity WHERE CloseDate = LAST_N_DAYS:99999999999", name="12 LAST_N_DAYS:99999999999"),
    _q("SELECT Id FROM Opportunity WHERE CloseDate = NEXT_N_DAYS:840422", 200, None, "12 NEXT_N_DAYS cap", pin=True),
    _q("SELECT Id FROM Opportunity WHERE Amount = " + "9" * 5000, name="12 5000-digit number"),
    _q("SELECT Id FROM Opportunity WHERE Amount > 1e400", name="12 number beyond a double"),
    _q(
        "SELECT Id FROM Opportunity WHERE " + " OR ".join(f"Name = 'n{i}'" for i in range(1100)),
        200,
        None,
        "12 1100 OR terms",
    ),
    _q("SELECT Id FROM Opportunity WHERE " + "NOT " * 1500 + "Name = 'a'", name="12 1500 NOTs"),
    _q("SELECT Id FROM Opportunity OFFSET 99999999999999999999", name="12 OFFSET 10^20", pin=True),
    Case(
        "12 query locator with '²'",
        "GET",
        f"/services/data/v{V}/query/01g8d0000000001ABCD-²",
        400,
        "INVALID_QUERY_LOCATOR",
    ),
    Case(
        "12 query locator 10^30",
        "GET",
        f"/services/data/v{V}/query/01g-" + "9" * 30,
        400,
        "INVALID_QUERY_LOCATOR",
        pin=True,
    ),
    # item 15: SOQL escapes outside SOQL's list
    _q("SELECT Id FROM Opportunity WHERE Name = 'a\\qb'", name="15 \\q escape"),
    _q("SELECT Id FROM Opportunity WHERE Name = 'a\\%b'", name="15 \\% outside LIKE"),
    _q("SELECT Id FROM Opportunity WHERE Name IN ('a', 'b\\_c')", name="15 \\_ outside LIKE"),
    # item 12: REST JSON
    _json(f"{SOBJECTS}/Account", b'{"Name": "\xff\xfe"}', 400, "JSON_PARSER_ERROR", "12 invalid UTF-8 JSON"),
    _json(f"{SOBJECTS}/Account", DEEP, 400, "JSON_PARSER_ERROR", "12 100k-deep JSON"),
    _json(f"{SOBJECTS}/Opportunity", _opportunity(b"1e308"), 400, "NUMBER_OUTSIDE_VALID_RANGE", "12 Amount 1e308"),
    _json(
        f"{SOBJECTS}/Opportunity",
        _opportunity(b"1" + b"0" * 400),
        400,
        "NUMBER_OUTSIDE_VALID_RANGE",
        "12 Amount 10**400",
    ),
    _json(f"{SOBJECTS}/Opportunity", _opportunity(b"1" + b"0" * 5000), 400, "JSON_PARSER_ERROR", "12 Amount 10**5000"),
    _json(f"{SOBJECTS}/Opportunity", _opportunity(b"NaN"), 400, "JSON_PARSER_ERROR", "12 Amount NaN"),
    _json(COMPOSITE, _composite('"Account"'), 400, "JSON_PARSER_ERROR", "12 composite attributes as a string"),
    _json(COMPOSITE, _composite('["Account"]'), 400, "JSON_PARSER_ERROR", "12 composite attributes as a list"),
    _json(COMPOSITE, _composite('{"type": 5}'), 400, "JSON_PARSER_ERROR", "12 composite type as an integer"),
    # item 12: harness endpoints
    _json("/_orgsim/clock", b'{"days": NaN}', 400, "JSON_PARSER_ERROR", "12 clock NaN"),
    _json("/_orgsim/clock", b'{"days": Infinity}', 400, "JSON_PARSER_ERROR", "12 clock Infinity"),
    _json("/_orgsim/clock", b'{"days": 1e300}', 400, "INVALID_FIELD", "12 clock 1e300 days"),
    _json("/_orgsim/clock", b'{"hours": 1e20}', 400, "INVALID_FIELD", "12 clock 1e20 hours"),
    Case("12 limits?last=²", "GET", "/_orgsim/limits", 400, "INVALID_FIELD", params={"last": "²"}),
    Case("12 limits?last=10^5000", "GET", "/_orgsim/limits", 400, "INVALID_FIELD", params={"last": "9" * 5000}),
    # item 4: malformed credentials
    Case(
        "4 bearer with a non-ASCII signature",
        "GET",
        SOBJECTS,
        401,
        "INVALID_SESSION_ID",
        authorization=b"Bearer {token_prefix}!eA.\xe9",
    ),
    Case(
        "4 bearer all non-ASCII",
        "GET",
        SOBJECTS,
        401,
        "INVALID_SESSION_ID",
        authorization=b"Bearer \xe9\xe9!\xe9.\xe9",
        pin=True,
    ),
    Case(
        "4 OAuth scheme, Latin-1 token",
        "GET",
        SOBJECTS,
        401,
        "INVALID_SESSION_ID",
        authorization=b"OAuth \xff",
        pin=True,
    ),
    Case(
        "4 OAuth password grant with a non-ASCII client_secret",
        "POST",
        "/services/oauth2/token",
        400,
        body=b"grant_type=password&client_id=orgsim-local-connected-app&client_secret=%C3%A9&username=u&password=p",
        content_type="application/x-www-form-urlencoded",
        oauth_error="invalid_client",
    ),
    # item 15: a lookup by a field that is not an External ID
    Case("15 GET by Name", "GET", f"{SOBJECTS}/Opportunity/Name/{NAMED_OPPORTUNITY}", 404, "NOT_FOUND"),
    Case("15 DELETE by Name", "DELETE", f"{SOBJECTS}/Opportunity/Name/{NAMED_OPPORTUNITY}", 404, "NOT_FOUND"),
    # item 12: the webhook listener
    Case(
        "12 webhook: 100k-deep signed JSON",
        "POST",
        WEBHOOK,
        400,
        body=b'{"id": "evt_deep", "type": "invoice.paid", "data": {"object": {"a": ' + DEEP + b"}}}",
        signed=True,
    ),
    Case(
        "12 webhook: signed JSON with NaN",
        "POST",
        WEBHOOK,
        400,
        body=b'{"id": "evt_nan", "type": "invoice.paid", "data": {"object": {"a": NaN}}}',
        signed=True,
    ),
]
