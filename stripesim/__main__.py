"""`python -m stripesim --port N [--db FILE] [--api-key KEY ...]`: the emulator on its own.

The same command as `sfpay stripe-sim`, for running the emulator as a separate process
(benchmarks, tests of the command line) without the rest of the sfpay command.
"""

import sys

from stripesim.command import run

if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:]))
