"""Hostile deploy zips (issue 14 #1, #2, #12): over REST and SOAP, check-only or not, an
entry that climbs out with `..`, an absolute entry, or an .object whose component fullName
climbs out writes nothing outside the deploy's temporary folder and fails with a component
error; a zip bomb, too many entries and a DOCTYPE fail cleanly."""

from __future__ import annotations

import base64
import io
import struct
import tempfile
import time
import zipfile
import zlib
from xml.sax.saxutils import escape

import pytest
from hostile_server import start_hostile_server
from lxml import etree
from server_helpers import deploy_rest, project_zip

MD = "http://soap.sforce.com/2006/04/metadata"
PACKAGE = f'<?xml version="1.0" encoding="UTF-8"?><Package xmlns="{MD}"><version>66.0</version></Package>'.encode()
FLOW = f'<?xml version="1.0" encoding="UTF-8"?><Flow xmlns="{MD}"><label>x</label></Flow>'.encode()


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _object(full_name: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><CustomObject xmlns="{MD}"><fields>'
        f"<fullName>{escape(full_name)}</fullName><label>x</label><type>Text</type><length>10</length>"
        "</fields></CustomObject>"
    ).encode()


@pytest.fixture
def target(tls_files, tmp_path, monkeypatch, https):
    """A server whose temporary folders (where the deploy check lays a zip out) live in
    tmp_path/tmp, so anything escaping them would land elsewhere in tmp_path."""
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    hostile, stop = start_hostile_server(tls_files)
    yield hostile
    stop()


def deploy_soap(hostile, zip_bytes: bytes, check_only: bool) -> dict:
    """SOAP deploy + checkDeployStatus as CumulusCI's ApiDeploy sends them; the result's
    status, errorStatusCode and component failures."""
    url = f"{hostile.base}/services/Soap/m/66.0"
    header = f"<soapenv:Header><SessionHeader><sessionId>{hostile.token}</sessionId></SessionHeader></soapenv:Header>"

    def call(body: str):
        envelope = (
            '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
            f'xmlns="{MD}">{header}<soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>'
        )
        with hostile.session() as session:
            response = session.post(
                url,
                data=envelope.encode(),
                headers={"Content-Type": "text/xml", "SOAPAction": '""'},
                verify=hostile.ca_certs,
            )
        assert response.status_code == 200, response.text[:300]
        return etree.fromstring(response.content)

    options = f"<DeployOptions><checkOnly>{'true' if check_only else 'false'}</checkOnly></DeployOptions>"
    started = call(f"<deploy><ZipFile>{base64.b64encode(zip_bytes).decode()}</ZipFile>{options}</deploy>")
    job_id = started.findtext(f".//{{{MD}}}id")
    result = call(
        f"<checkDeployStatus><asyncProcessId>{job_id}</asyncProcessId><includeDetails>true</includeDetails></checkDeployStatus>"
    )
    failures = [
        {"fileName": f.findtext(f"{{{MD}}}fileName"), "problem": f.findtext(f"{{{MD}}}problem")}
        for f in result.iter(f"{{{MD}}}componentFailures")
    ]
    return {
        "status": result.findtext(f".//{{{MD}}}status"),
        "errorStatusCode": result.findtext(f".//{{{MD}}}errorStatusCode"),
        "failures": failures,
    }


def deploy_any(hostile, transport: str, zip_bytes: bytes, check_only: bool) -> dict:
    if transport == "soap":
        return deploy_soap(hostile, zip_bytes, check_only)
    result = deploy_rest(hostile.session(), hostile.config, hostile.token, zip_bytes, check_only=check_only)
    return {
        "status": result["status"],
        "errorStatusCode": result["errorStatusCode"],
        "failures": result["details"]["componentFailures"],
    }


def _escape_entries(tmp_path) -> dict[str, dict[str, bytes]]:
    climb = "../" * 40 + str(tmp_path).lstrip("/")
    return {
        "dotdot": {"package.xml": PACKAGE, f"flows/{climb}/escaped_dotdot.flow": FLOW},
        "absolute": {"package.xml": PACKAGE, f"{tmp_path}/escaped_absolute.flow": FLOW},
        "object_full_name": {"package.xml": PACKAGE, "objects/Account.object": _object(f"{climb}/escaped_field")},
        "object_file": {"package.xml": PACKAGE, f"objects/{climb}/escaped_object.object": _object("Ok__c")},
    }


@pytest.mark.parametrize("transport", ["rest", "soap"])
@pytest.mark.parametrize("check_only", [True, False], ids=["checkOnly", "deploy"])
@pytest.mark.parametrize("case", ["dotdot", "absolute", "object_full_name", "object_file"])
def test_zip_slip_writes_nothing_outside_and_fails_with_a_component_error(
    target, tmp_path, transport, check_only, case
):
    entries = _escape_entries(tmp_path)[case]
    result = deploy_any(target, transport, _zip(entries), check_only)
    assert sorted(p.name for p in tmp_path.rglob("escaped*")) == []
    assert result["status"] == "Failed" and result["errorStatusCode"] in (None, "")
    [failure] = result["failures"]
    assert "escaped" in failure["fileName"] or failure["fileName"].endswith("Account.object")
    assert "'..'" in failure["problem"] or "absolute" in failure["problem"] or "fullName" in failure["problem"]
    assert target.org.describe("Account")["name"] == "Account"  # the org still answers


def _deflated_zip(entries: dict[str, tuple[bytes, int, int]]) -> bytes:
    """A zip of already deflated entries (name: raw deflate stream, CRC-32, inflated size),
    laid out as PKWARE's APPNOTE.TXT 4.3.7, 4.3.12 and 4.3.16 describe: zipfile cannot write
    data it did not compress itself."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, (deflated, crc, size) in entries.items():
        raw = name.encode()
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(deflated), size, len(raw), 0))
        out.write(raw + deflated)
        central.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(deflated),
                size,
                len(raw),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + raw
        )
    start, directory = out.tell(), central.getvalue()
    out.write(
        directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), start, 0)
    )
    return out.getvalue()


def _deflate(data: bytes) -> tuple[bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate, as a zip entry holds it
    return compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data)


def _zeros(size: int, chunk: int = 1024 * 1024) -> tuple[bytes, int, int]:
    """`size` zero bytes deflated without deflating them all: one chunk is deflated and ended
    with a full flush (a byte-aligned block boundary after which nothing refers back, RFC 1951
    and zlib's Z_FULL_FLUSH), so the same bytes repeated are valid deflate for the chunk
    repeated; an empty final fixed-Huffman block (0x03 0x00) ends the stream."""
    block = b"\0" * chunk
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(size // chunk):
        crc = zlib.crc32(block, crc)
    return segment * (size // chunk) + b"\x03\x00", crc, size


def test_zip_bomb_is_refused_before_it_is_inflated(target):
    """1 GiB of zeros in a ~1 MB zip (the issue's bomb) fails the deploy at once, naming the entry."""
    bomb = _deflated_zip({"package.xml": _deflate(PACKAGE), "flows/Bomb.flow": _zeros(1024 * 1024 * 1024)})
    assert len(bomb) < 2 * 1024 * 1024
    assert zipfile.ZipFile(io.BytesIO(bomb)).getinfo("flows/Bomb.flow").file_size == 1024 * 1024 * 1024
    started = time.monotonic()
    result = deploy_any(target, "rest", bomb, check_only=True)
    assert time.monotonic() - started < 10
    [failure] = result["failures"]
    assert failure["fileName"] == "flows/Bomb.flow" and "zip bomb" in failure["problem"]


def test_the_bomb_is_a_valid_zip_of_zeros():
    """The bomb above is real: the same construction, smaller, inflates (CRC checked by zipfile)."""
    small = _deflated_zip({"package.xml": _deflate(PACKAGE), "flows/Bomb.flow": _zeros(8 * 1024 * 1024)})
    archive = zipfile.ZipFile(io.BytesIO(small))
    assert archive.read("package.xml") == PACKAGE
    assert archive.read("flows/Bomb.flow") == b"\0" * (8 * 1024 * 1024)


def test_more_entries_than_salesforce_takes_fail_the_request(target):
    entries = {"package.xml": PACKAGE, **{f"flows/F{i}.flow": b"" for i in range(10_001)}}
    result = deploy_any(target, "rest", _zip(entries), check_only=True)
    assert result["status"] == "Failed" and result["errorStatusCode"] == "INVALID_ZIP"


@pytest.mark.parametrize("transport", ["rest", "soap"])
def test_doctype_in_any_file_is_a_component_error(target, transport):
    doctype = PACKAGE.replace(b"<Package", b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Package', 1)
    result = deploy_any(target, transport, _zip({"package.xml": doctype}), check_only=True)
    [failure] = result["failures"]
    assert failure["fileName"] == "package.xml" and "DOCTYPE" in failure["problem"]


def test_a_package_with_nothing_but_package_xml_deploys(target):
    """Was a 500: the deploy check had no source folder to validate."""
    result = deploy_any(target, "rest", _zip({"package.xml": PACKAGE}), check_only=False)
    assert result["status"] == "Succeeded" and result["failures"] == []


def test_generated_package_compresses_far_below_the_ratio_ceiling():
    """The ceiling must never refuse real metadata: the generated package's largest ratio is
    measured here and kept under half of MAX_RATIO."""
    from orgsim.metadata.zipread import MAX_RATIO

    archive = zipfile.ZipFile(io.BytesIO(project_zip()))
    ratios = [i.file_size / max(i.compress_size, 1) for i in archive.infolist() if i.file_size]
    assert max(ratios) < MAX_RATIO / 2, max(ratios)


@pytest.mark.parametrize("case", ["dotdot", "object_full_name"])
def test_the_deploy_check_itself_refuses_to_write_outside(tmp_path, monkeypatch, case):
    """The second lock: called directly (without the server's name checks in front of it),
    the validator's deploy check still writes nothing outside its temporary folder."""
    from sfpay.local.deploy_checks import validator_check

    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    with pytest.raises(ValueError, match="outside the deploy's temporary folder"):
        validator_check(_escape_entries(tmp_path)[case], "", {})
    assert sorted(p.name for p in tmp_path.rglob("escaped*")) == []


@pytest.mark.parametrize("options", [b"[" * 100_000, b'{"deployOptions": [1]}', b"\xff"])
def test_a_hostile_json_part_is_a_json_parser_error(target, options):
    """The deployRequest's `json` part goes through the same bounded JSON reader (a 100k-deep
    part was a RecursionError, a list of options an AttributeError: both 500s)."""
    url = f"{target.base}/services/data/v66.0/metadata/deployRequest"
    with target.session() as session:
        response = session.post(
            url,
            files={"json": ("j", options, "application/json"), "file": ("m.zip", _zip({"package.xml": PACKAGE}))},
            headers={"Authorization": f"Bearer {target.token}"},
        )
    assert response.status_code == 400, response.text[:300]
    assert response.json()[0]["errorCode"] == "JSON_PARSER_ERROR"
