"""`python -m validator [PATH] [options]`: the same as `sfpay validate`, without the sfpay
command tree's start-up (useful in pre-commit hooks)."""

import sys

from validator.command import run

sys.exit(run(sys.argv[1:]))
