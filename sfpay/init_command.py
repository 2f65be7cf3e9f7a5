"""`sfpay init DIR`: a new client project, ready for `sfpay generate`.

Writes a commented spec (sfpay.yml, the name project discovery looks for),
sfdx-project.json, cumulusci.yml (the client's project name and the spec's API
version), .gitignore, a GitHub Actions workflow and a README. Everything is rendered and the
spec checked before anything is written; the files then land in one move.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Optional

import typer

WORKFLOW = ".github/workflows/sfpay.yml"
RECONCILE_WORKFLOW = ".github/workflows/sfpay-reconcile.yml"


class InitError(Exception):
    """A user mistake (bad name, bad currency, non-empty folder); nothing was written."""


def slug(text: str) -> str:
    """A project name CumulusCI and GitHub accept: lower case, digits and dashes."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "sfpay-project"


def cci_project_name(client: str, directory: Path) -> str:
    """cumulusci.yml's project name: the client's slug plus a short hash of the project folder.

    CumulusCI keeps a project's orgs and services under ~/.cumulusci/<project name>/, so two
    projects for clients of the same name (or two trial projects of one client) would share
    every org connected with `cci org connect`. The hash is taken once, at `sfpay init`, and
    written into cumulusci.yml: clones of the project keep the name (and share its keychain,
    as CumulusCI means them to), another `sfpay init` gets its own."""
    digest = hashlib.sha256(str(directory.expanduser().resolve()).encode("utf-8")).hexdigest()[:6]
    return f"{slug(client)}-{digest}"


def _title(directory: Path) -> str:
    words = re.split(r"[-_ .]+", directory.resolve().name)
    return " ".join(w[:1].upper() + w[1:] for w in words if w) or "Client"


def render_project(client: str, currency: str, directory: Path) -> dict[str, str]:
    """Relative path -> text of every file of a new project in `directory`."""
    from jinja2 import Environment, StrictUndefined

    from sfpay.paths import resource

    if not client.strip() or any(ch in client for ch in "\n\r\t"):
        raise InitError(f"--client must be a name on one line, got {client!r}")
    scaffold = resource("sfpay.scaffold")
    env = Environment(undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False)

    def template(name: str, **values: str) -> str:
        return env.from_string((scaffold / name).read_text(encoding="utf-8")).render(**values)

    # json.dumps quotes a string the way YAML reads it (JSON is YAML), whatever it contains.
    spec_text = template("sfpay.yml.j2", client=client, client_yaml=json.dumps(client), currency=currency.lower())
    api_version = _check_spec(spec_text)
    name = slug(client)
    return {
        "sfpay.yml": spec_text,
        "sfdx-project.json": json.dumps(
            {
                "name": name,
                "namespace": "",
                "packageDirectories": [{"default": True, "path": "force-app"}],
                "sfdcLoginUrl": "https://login.salesforce.com",
                "sourceApiVersion": api_version,
                "plugins": {"sfpay": {"spec": "sfpay.yml"}},
            },
            indent=2,
        )
        + "\n",
        "cumulusci.yml": template(
            "cumulusci.yml.j2",
            client=client,
            project_name=cci_project_name(client, directory),
            api_version=api_version,
            package_name_yaml=json.dumps(f"{client} Stripe invoicing"),
        ),
        ".gitignore": (scaffold / "gitignore").read_text(encoding="utf-8"),
        WORKFLOW: (scaffold / "workflows" / "sfpay.yml").read_text(encoding="utf-8"),
        RECONCILE_WORKFLOW: (scaffold / "workflows" / "reconcile.yml").read_text(encoding="utf-8"),
        "README.md": template("README.md.j2", client=client),
    }


def _check_spec(text: str) -> str:
    """Load the rendered spec as `sfpay generate` will; return its Metadata API version."""
    import tempfile

    from generator.errors import SpecError
    from generator.spec import load_spec

    with tempfile.TemporaryDirectory(prefix="sfpay-init-") as tmp:
        path = Path(tmp) / "sfpay.yml"
        path.write_text(text, encoding="utf-8")
        try:
            spec = load_spec(path)
        except SpecError as exc:
            problems = "; ".join(p.message if hasattr(p, "message") else str(p) for p in exc.problems)
            raise InitError(f"the options give an invalid spec: {problems}") from None
    return str(spec.api_version)


def write_project(directory: Path, files: dict[str, str], force: bool) -> list[Path]:
    directory = directory.expanduser().resolve()
    if directory.exists() and not directory.is_dir():
        raise InitError(f"{directory} is a file, not a folder")
    if directory.is_dir() and any(directory.iterdir()) and not force:
        raise InitError(
            f"{directory} is not empty: choose a new folder, or add --force to write the "
            f"sfpay files into it (existing files of the same name are replaced)"
        )
    written = []
    for relative, text in files.items():
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".sfpay-init.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
        written.append(target)
    return written


def init(
    directory: Path = typer.Argument(..., help="Folder of the new project (created if needed)."),
    client: Optional[str] = typer.Option(None, "--client", help="Client name. Default: from DIR."),
    currency: str = typer.Option("usd", "--currency", help="Invoice currency (ISO code)."),
    force: bool = typer.Option(False, "--force", help="Write into a non-empty folder."),
) -> None:
    """Create a client project: spec, sfdx-project.json, cumulusci.yml, CI workflow, README."""
    from sfpay.console import fail

    name = client if client is not None else _title(directory)
    try:
        written = write_project(directory, render_project(name, currency, directory), force)
    except InitError as exc:
        fail(str(exc))
    root = directory.expanduser().resolve()
    for path in written:
        typer.echo(f"wrote {path.relative_to(root)}")
    typer.echo(
        f"\nProject for {name} in {root}. Next:\n  cd {directory}\n  sfpay generate && sfpay validate\n"
        "  sfpay local up && sfpay deploy --org local && sfpay verify --target local"
    )


def register(app: typer.Typer) -> None:
    app.command("init")(init)
