"""The connector namespace of a spec (`stripe.namespace`) without building the spec model.

`sfpay validate` needs only this one value of the project's spec (validator/project_spec.py),
and the model (pydantic) costs more than validating a tree (issue 17). A spec that libyaml
reads (`sfpay.yaml_input.load_plain`) and whose namespace is written as the model requires, or
left out (the default), answers here; anything else goes through `load_spec`, which returns
the same namespace or names the problem with its line. Other keys of the spec are the
generator's business: a problem there is reported by `sfpay generate`, not here.
"""

from __future__ import annotations

import re
from pathlib import Path

# The namespace the Stripe Universal Connector is published under (the vendored catalog's).
DEFAULT_CONNECTOR_NAMESPACE = "stripeGC"
# A namespace prefix: a letter, then up to 14 letters or digits (the model's pattern).
NAMESPACE = r"^[A-Za-z][A-Za-z0-9]{0,14}$"


def read_namespace(path: Path) -> str:
    """The spec's `stripe.namespace`; raises SpecError when the spec says something else."""
    from sfpay.yaml_input import UNSUPPORTED, YamlInputError, load_plain, read_text

    try:
        plain = load_plain(read_text(path))
    except (OSError, YamlInputError):
        plain = UNSUPPORTED
    if plain is None:
        plain = {}
    if isinstance(plain, dict):
        stripe = plain.get("stripe", {})
        if isinstance(stripe, dict):
            namespace = stripe.get("namespace", DEFAULT_CONNECTOR_NAMESPACE)
            if isinstance(namespace, str) and re.fullmatch(NAMESPACE[1:-1], namespace):
                return namespace
    from generator.spec.loader import load_spec

    return load_spec(path).stripe.namespace
