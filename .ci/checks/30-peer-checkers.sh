#!/usr/bin/env bash
# Independent checkers on force-app/, from the lockfile in tools/checkers:
#  - Lightning Flow Scanner (config: tools/checkers/flow-scanner.config.json): no error-level violation
#  - Salesforce source-deploy-retrieve: resolves and converts the tree to Metadata API format
# Both always run, so one report shows every problem; the check fails if either does.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -d force-app ]; then
    echo "30-peer-checkers: force-app/ is missing (run \`sfpay generate\` and commit the result)" >&2
    exit 1
fi
# `npm ci` deletes and reinstalls node_modules (about 10 s of CPU): only when the installed tree
# is not the lockfile's. The copy of the lockfile it was installed from says which one it is
# (.ci/run writes it after its own `npm ci`, so `make test` there installs nothing twice).
stamp=node_modules/.installed-from-package-lock.json
if ! (cd tools/checkers && cmp -s package-lock.json "$stamp"); then
    (cd tools/checkers && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json "$stamp")
fi
status=0
node tools/checkers/run-flow-scanner.js force-app || status=1
node tools/checkers/convert-source.js force-app || status=1
exit "$status"
