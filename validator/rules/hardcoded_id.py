"""No 15/18-character Salesforce record ids in a flow: they differ between sandbox and production."""

import re

from validator.rules.base import Rule

# A record id: 3-character key prefix, then (in practice) a pod/reserved segment whose 6th
# character is 0, 15 characters in all, plus an optional 3-character case-safe checksum.
_CANDIDATE = re.compile(r"(?<![A-Za-z0-9_])([A-Za-z0-9]{5}0[A-Za-z0-9]{9})([A-Za-z0-9]{3})?(?![A-Za-z0-9_])")
_CHECKSUM_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def checksum(id15: str) -> str:
    """The 3-character suffix that makes a 15-character id case-insensitive (Salesforce's algorithm)."""
    suffix = ""
    for block in range(3):
        bits = 0
        for position, char in enumerate(id15[block * 5 : block * 5 + 5]):
            if "A" <= char <= "Z":
                bits |= 1 << position
        suffix += _CHECKSUM_ALPHABET[bits]
    return suffix


def looks_like_id(candidate: str, suffix: str | None) -> bool:
    if not any(c.isdigit() for c in candidate[:5]):
        return False  # words like `Uncollectible0...` do not start like key prefixes
    if suffix:
        return checksum(candidate) == suffix
    return any(c.isdigit() for c in candidate[6:])


class HardcodedId(Rule):
    id = "hardcoded-id"
    # Not enforced by a Salesforce deploy: hard-coded record ids are legal flow values; `sfpay validate` reports it.
    enforced_at_deploy = False
    message = "No hard-coded record ids: they are org-specific and break between sandbox and production."
    hint = "Look the record up (Get Records by Name or DeveloperName) or put the value in the spec."

    def check(self, flow, context):
        for owner, value, line in context.literals(flow):
            for match in _CANDIDATE.finditer(value):
                if looks_like_id(match.group(1), match.group(2)):
                    where = f" in `{owner}`" if owner else ""
                    yield self.finding(
                        flow.file.display,
                        line + value.count("\n", 0, match.start()),
                        f"hard-coded record id `{match.group(0)}`{where}",
                    )
