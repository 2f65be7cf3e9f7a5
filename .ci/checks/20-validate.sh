#!/usr/bin/env bash
# `sfpay validate` on the committed generated tree: Metadata API schema, flow rules, cross-file
# checks. Fails on any error finding. $BIN is the virtualenv's bin directory (set by `make test`).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="${BIN:-.venv/bin}"
if [ ! -d force-app ]; then
    echo "20-validate: force-app/ is missing (run \`sfpay generate\` and commit the result)" >&2
    exit 1
fi
"$BIN/sfpay" validate force-app
