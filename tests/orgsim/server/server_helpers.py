"""Helpers shared by the server tests (imported by name: keep this module name unique)."""

from __future__ import annotations

import pathlib

FIXTURE_PROJECT = pathlib.Path(__file__).parent / "fixtures" / "sfpay_project"


def project_zip(root_folder: str = "metadata/", mutate=None) -> bytes:
    """The fixture project (a snapshot of the generator's output) as a Metadata API zip, the
    way CumulusCI's REST deploy packs it (everything under `metadata/`)."""
    from orgsim.server.deploy.source_zip import convert, to_zip

    files = convert(FIXTURE_PROJECT)
    if mutate:
        mutate(files)
    return to_zip(files, root_folder)


def deploy_rest(https, config, token, zip_bytes, check_only=False, version="66.0"):
    """POST deployRequest exactly as CumulusCI's RestDeploy builds it, then poll once."""
    import json as _json
    import uuid

    boundary = str(uuid.uuid4())
    options = {"deployOptions": {"allowMissingFiles": False, "autoUpdatePackage": False,
                                 "checkOnly": "true" if check_only else "false", "ignoreWarnings": False,
                                 "performRetrieve": False, "purgeOnDelete": "false", "rollbackOnError": False,
                                 "runTests": [], "singlePackage": False, "testLevel": None}}
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"json\"\r\nContent-Type: application/json\r\n\r\n"
            f"{_json.dumps(options)}\r\n--{boundary}\r\n"
            "Content-Disposition: form-data; name=\"file\"; filename=\"metadata.zip\"\r\n"
            "Content-Type: application/zip\r\n\r\n").encode() + zip_bytes + f"\r\n--{boundary}--\r\n".encode()
    base = f"{config.instance_url}/services/data/v{version}/metadata/deployRequest"
    auth = {"Authorization": f"Bearer {token}"}
    created = https.post(base, data=body, headers={**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert created.status_code == 201, created.text
    status = https.get(f"{base}/{created.json()['id']}?includeDetails=true", headers=auth)
    assert status.status_code == 200
    return status.json()["deployResult"]




def zip_source(root: pathlib.Path, root_folder: str = "metadata/") -> bytes:
    from orgsim.server.deploy.source_zip import convert, to_zip

    return to_zip(convert(root), root_folder)
