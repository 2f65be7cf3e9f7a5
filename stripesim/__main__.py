"""`python -m stripesim --port N [--db FILE] [--api-key KEY ...]`: the emulator on its own.

The same command as `sfpay stripe-sim`, for running the emulator as a separate process
(benchmarks, tests of the command line) without the rest of the sfpay command.
"""

import typer

from stripesim.cli import register

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
register(app)

if __name__ == "__main__":
    app()
