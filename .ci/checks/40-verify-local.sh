#!/usr/bin/env bash
# End to end: all scenarios against a fresh local stack (orgsim + stripesim), deployed through
# the CumulusCI pipeline. Leaves reports/ci-verify-local/{junit.xml,signoff.html,...}.
set -euo pipefail
cd "$(dirname "$0")/../.."
SFPAY_STATE_DIR="$(mktemp -d)"
export SFPAY_STATE_DIR
cleanup() {
    "$BIN/python" -m sfpay local down >/dev/null 2>&1 || true
    rm -rf "$SFPAY_STATE_DIR"
}
trap cleanup EXIT
"$BIN/python" -m sfpay verify --target local --report-dir reports/ci-verify-local
