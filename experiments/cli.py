"""The ``aiecosim`` command line.

Each command group lives in its own module with a ``register(app)`` function. Layers above this
one (the dashboard, the benchmarks) add their commands through the ``aiecosim.commands`` entry
point group, so that imports keep running one way: dashboard → experiments → model.
"""

from __future__ import annotations

import sys
from importlib import metadata

import typer

from model.errors import ScenarioError

app = typer.Typer(
    name="aiecosim",
    help="Simulate open-weight versus API-only AI ecosystems.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

BUILT_IN = ("experiments.cli_run", "experiments.cli_sweep", "experiments.cli_scenario",
            "experiments.cli_findings")


@app.callback()
def _root() -> None:
    """Simulate open-weight versus API-only AI ecosystems."""


def _register_all() -> None:
    import importlib

    if app.registered_commands:  # main() may run many times in one process (tests, notebooks)
        return
    for name in BUILT_IN:
        importlib.import_module(name).register(app)
    for entry in metadata.entry_points(group="aiecosim.commands"):
        entry.load()(app)


def fail(message: str) -> "typer.Exit":
    """Print one line to stderr and return the exit to raise (status 2: the user's input)."""
    print(f"aiecosim: {message}", file=sys.stderr)
    return typer.Exit(2)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; a user's mistake prints one line and exits with status 2."""
    _register_all()
    try:
        result = app(args=argv, standalone_mode=False, prog_name="aiecosim")
    except ScenarioError as exc:
        print(f"aiecosim: {exc}", file=sys.stderr)
        return 2
    except typer.TyperException as exc:  # usage errors: unknown option, missing argument
        if type(exc).__name__ == "NoArgsIsHelpError":
            print(exc.format_message())
            return 0
        print(f"aiecosim: {exc.format_message()}", file=sys.stderr)
        return 2
    except typer.Abort:
        return 130
    except typer.Exit as exc:
        return exc.exit_code
    return result if isinstance(result, int) else 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
