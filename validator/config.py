"""Per-project configuration of `sfpay validate`: `.sfpay-validate.yml`.

Looked up in the validated directory and its parents (the first one found wins), or given
with `--config`. Example:

    rules:
      hardcoded-url: off            # disable a rule
      element-unreachable: warning  # change its severity (error | warning | note)
    known_fields:                   # fields that exist in the target org but not in the tree
      Case: [Stripe_Charge_Id__c]
"""

from __future__ import annotations

from pathlib import Path

from sfmeta.record import Record
from validator.findings import Severity

CONFIG_NAME = ".sfpay-validate.yml"
_OFF = {"off", "false", "disabled", "disable", "none"}


class ConfigError(Exception):
    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


class Config(Record):
    __slots__ = _fields = ("path", "disabled", "severities", "known_fields", "connector_namespace")

    def __init__(
        self,
        path: Path | None = None,
        disabled: set[str] | None = None,
        severities: dict[str, Severity] | None = None,
        known_fields: dict[str, list[str]] | None = None,
        # The namespace the Stripe connector is installed under (the spec's stripe.namespace);
        # None: the catalog's own.
        connector_namespace: str | None = None,
    ) -> None:
        self.path = path
        self.disabled = set() if disabled is None else disabled
        self.severities = {} if severities is None else severities
        self.known_fields = {} if known_fields is None else known_fields
        self.connector_namespace = connector_namespace


def find_config(start: Path) -> Path | None:
    current = start.resolve()
    if current.is_file():
        current = current.parent
    for directory in (current, *current.parents):
        candidate = directory / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path | None, known_rule_ids: set[str]) -> Config:
    if path is None:
        return Config()
    # sfpay.yaml_input refuses non-UTF-8, alias bombs, deep nesting and FIFOs with a line.
    from sfpay.yaml_input import YamlInputError, read

    try:
        data = read(path)
    except FileNotFoundError as exc:
        raise ConfigError(path, 0, f"cannot read: {exc.strerror}") from None
    except YamlInputError as exc:
        raise ConfigError(
            path, exc.line, f"not valid YAML: {exc.message.removeprefix('YAML syntax error: ')}"
        ) from None
    config = Config(path=path)
    if data is None:
        return config
    if not isinstance(data, dict):
        raise ConfigError(path, 1, "expected a mapping with `rules` and/or `known_fields`")
    for key in data:
        if key not in ("rules", "known_fields"):
            raise ConfigError(path, _line(data, key), f"unknown key `{key}` (expected `rules` or `known_fields`)")
    rules = data.get("rules") or {}
    if not isinstance(rules, dict):
        raise ConfigError(path, _line(data, "rules"), "`rules` must map rule ids to off|error|warning|note")
    for rule_id, setting in rules.items():
        line = _line(rules, rule_id)
        if rule_id not in known_rule_ids:
            raise ConfigError(path, line, f"unknown rule id `{rule_id}` (see `sfpay validate --list-rules`)")
        value = str(setting).strip().lower() if setting is not None else "off"
        if value in _OFF:
            config.disabled.add(rule_id)
        elif value in {s.value for s in Severity}:
            config.severities[rule_id] = Severity(value)
        else:
            raise ConfigError(path, line, f"rule `{rule_id}`: expected off, error, warning or note, got `{setting}`")
    known = data.get("known_fields") or {}
    if not isinstance(known, dict):
        raise ConfigError(
            path, _line(data, "known_fields"), "`known_fields` must map object names to lists of field names"
        )
    for object_name, names in known.items():
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ConfigError(
                path, _line(known, object_name), f"known_fields `{object_name}`: expected a list of field names"
            )
        config.known_fields[str(object_name)] = [str(n) for n in names]
    return config


def _line(mapping, key) -> int:
    try:
        return mapping.lc.key(key)[0] + 1
    except (AttributeError, KeyError, TypeError):
        return 0
