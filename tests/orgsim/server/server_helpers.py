"""Helpers shared by the server tests (imported by name: keep this module name unique)."""

from __future__ import annotations

import atexit
import functools
import json
import pathlib
import shutil
import tempfile


@functools.lru_cache(maxsize=1)
def fixture_project() -> pathlib.Path:
    """An SFDX project holding what the generator renders from the repository's spec, made
    once per test process (never a hand copy, which drifts from the generator)."""
    from generator.render.engine import render
    from generator.spec.loader import load_spec
    from sfpay.paths import PROJECT_ROOT

    root = pathlib.Path(tempfile.mkdtemp(prefix="sfpay-fixture-project-"))
    atexit.register(shutil.rmtree, root, True)
    spec = load_spec(PROJECT_ROOT / "specs" / "ct-nonprofit.yml")
    for name, data in render(spec).items():
        path = root / "force-app" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (root / "sfdx-project.json").write_text(
        json.dumps(
            {
                "name": "sfpay",
                "namespace": "",
                "packageDirectories": [{"default": True, "path": "force-app"}],
                "sourceApiVersion": spec.api_version,
            }
        ),
        encoding="utf-8",
    )
    return root


def project_zip(root_folder: str = "metadata/", mutate=None) -> bytes:
    """The generated project as a Metadata API zip, the way CumulusCI's REST deploy packs it
    (everything under `metadata/`)."""
    from pipeline.mdapi.convert import zip_package

    files = mdapi_files(fixture_project())
    if mutate:
        mutate(files)
    return zip_package(files, root_folder)


def mdapi_files(project_root: pathlib.Path, api_version: str = "66.0") -> dict[str, bytes]:
    """A project's force-app (or a bare source folder) in Metadata API form, converted by the
    pipeline's converter."""
    from pipeline.mdapi.convert import convert_source_to_files

    source = project_root / "force-app"
    return convert_source_to_files(source if source.is_dir() else project_root, api_version)


def deploy_rest(https, config, token, zip_bytes, check_only=False, version="66.0"):
    """POST deployRequest exactly as CumulusCI's RestDeploy builds it, then poll once."""
    import json as _json
    import uuid

    boundary = str(uuid.uuid4())
    options = {
        "deployOptions": {
            "allowMissingFiles": False,
            "autoUpdatePackage": False,
            "checkOnly": "true" if check_only else "false",
            "ignoreWarnings": False,
            "performRetrieve": False,
            "purgeOnDelete": "false",
            "rollbackOnError": False,
            "runTests": [],
            "singlePackage": False,
            "testLevel": None,
        }
    }
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="json"\r\nContent-Type: application/json\r\n\r\n'
            f"{_json.dumps(options)}\r\n--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="metadata.zip"\r\n'
            "Content-Type: application/zip\r\n\r\n"
        ).encode()
        + zip_bytes
        + f"\r\n--{boundary}--\r\n".encode()
    )
    base = f"{config.instance_url}/services/data/v{version}/metadata/deployRequest"
    auth = {"Authorization": f"Bearer {token}"}
    created = https.post(base, data=body, headers={**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert created.status_code == 201, created.text
    status = https.get(f"{base}/{created.json()['id']}?includeDetails=true", headers=auth)
    assert status.status_code == 200
    return status.json()["deployResult"]


def zip_source(root: pathlib.Path, root_folder: str = "metadata/") -> bytes:
    from pipeline.mdapi.convert import zip_package

    return zip_package(mdapi_files(root), root_folder)
