"""Child-process entry point that checks CumulusCI logs in to an org by JWT, with
CumulusCI's own classes (`python -m pipeline.cci_org register ...`).

Run by `pipeline.local_org.register_local_org` with SFDX_CLIENT_ID / SFDX_HUB_KEY in the
environment; prints one JSON line (no token) on success. The org is not saved (the
environment keychain saves nothing): it is defined in each `cci` environment, see
LocalOrgLink.environment.
"""

from __future__ import annotations

import argparse
import json
import sys


def register(name: str, instance_url: str, username: str, emulated: bool) -> dict:
    from cumulusci.cli.runtime import CliRuntime
    from cumulusci.core.config import OrgConfig

    runtime = CliRuntime(load_keychain=True)
    keychain = runtime.keychain
    config: dict[str, object] = {"instance_url": instance_url, "username": username}
    if emulated:
        # Read by the flows' `when:` to skip installing the (emulated) Stripe connector.
        config["sfpay_emulated"] = True
    org_config = OrgConfig(config, name, keychain=keychain, global_org=False)
    org_config.refresh_oauth_token(keychain)  # the JWT bearer grant, then userinfo + Organization
    return {
        "org_name": name,
        "org_id": org_config.org_id,
        "username": org_config.username,
        "instance_url": org_config.instance_url,
        "org_type": org_config.org_type,
    }


def remove(name: str) -> dict:
    from cumulusci.cli.runtime import CliRuntime
    from cumulusci.core.exceptions import OrgNotFound

    runtime = CliRuntime(load_keychain=True)
    try:
        runtime.keychain.remove_org(name)
    except OrgNotFound:
        return {"org_name": name, "removed": False}
    return {"org_name": name, "removed": True}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.cci_org")
    sub = parser.add_subparsers(dest="command", required=True)
    reg = sub.add_parser("register")
    reg.add_argument("--name", required=True)
    reg.add_argument("--instance-url", required=True)
    reg.add_argument("--username", required=True)
    reg.add_argument("--real-org", action="store_true", help="not an emulated org: keep the connector step")
    rem = sub.add_parser("remove")
    rem.add_argument("--name", required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "remove":
            info = remove(args.name)
        else:
            info = register(args.name, args.instance_url, args.username, emulated=not args.real_org)
    except Exception as exc:  # reported to the parent as one line; never the token
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(info, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
