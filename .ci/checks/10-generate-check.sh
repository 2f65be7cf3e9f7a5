#!/usr/bin/env bash
# The committed force-app/ and docs/flows/ must be exactly what the default spec renders.
set -euo pipefail
cd "$(dirname "$0")/../.."
"$BIN/sfpay" generate --check
"$BIN/sfpay" diagram --check
