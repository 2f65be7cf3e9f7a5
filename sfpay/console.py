"""How every command reports a user error: `error: <message>` in red on stderr, exit 1,
no traceback (docs/architecture.md, "User errors"). Cheap to import: rich loads on use."""

from __future__ import annotations

from typing import NoReturn


def print_error(message: str) -> None:
    """Print `error: message` to stderr (for a command that returns its own exit code)."""
    from rich.console import Console
    from rich.markup import escape

    # highlight=False: paths and numbers keep the terminal's colour; the message is escaped
    # so a `[rule-id]` or a path with brackets is printed, not taken for markup; soft_wrap:
    # the terminal wraps long lines, rich inserts no newline, so a long path stays one piece
    # a user can copy (and a test can find).
    Console(stderr=True).print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)


def fail(message: str) -> NoReturn:
    """Print `error: message` to stderr and end the command with exit code 1."""
    import typer

    print_error(message)
    raise typer.Exit(1)


def warn(message: str) -> None:
    """Print `warning: message` to stderr; the command goes on."""
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True).print(f"[yellow]warning:[/yellow] {escape(message)}", highlight=False, soft_wrap=True)
