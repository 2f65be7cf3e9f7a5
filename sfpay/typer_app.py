"""The root `sfpay` typer app and click's plain help layout, shared by the command line
(sfpay/cli.py) and by callers that run sfpay's commands inside their own process
(harness/in_process.py), so both parse, answer `-h` and print errors alike."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer


def root_app(**settings: Any) -> typer.Typer:
    """An empty root app as `sfpay` builds it; `settings` add to typer's (help, no_args_is_help)."""
    import typer

    return typer.Typer(
        name="sfpay",
        add_completion=False,
        pretty_exceptions_enable=False,
        # -h everywhere (click passes help_option_names down to every sub-command's context).
        context_settings={"help_option_names": ["-h", "--help"]},
        **settings,
    )


def plain_help(command: Any) -> None:
    """Click's own help layout for `command` and all below it: two columns that wrap at the
    terminal width. Typer's rich panels give the option column a fixed share and cut long
    option names and help with an ellipsis at 80 columns."""
    command.rich_markup_mode = None
    for sub in getattr(command, "commands", {}).values():
        if not sub.short_help and sub.help:
            # The whole first sentence, wrapped, rather than click's cut at ~45 characters.
            first = " ".join(sub.help.strip().split("\n\n")[0].split())
            sub.short_help = re.split(r"(?<=\.)\s", first, maxsplit=1)[0]
        plain_help(sub)
