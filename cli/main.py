"""The ``aiecosim`` command line.

Each command group lives in its own module of this package with a ``register(app)`` function.
The command line is the top face: it may import every layer below it (dashboard, experiments,
benchmarks, model), and none of them imports it. Commands import their layer when they run, so
``aiecosim scenario validate`` never loads mesa or Dash.
"""

from __future__ import annotations

import errno
import sys

import typer

from aiecosim.model.errors import ScenarioError, one_line

app = typer.Typer(
    name="aiecosim",
    help="Simulate open-weight versus API-only AI ecosystems.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# OS errors no change to the command cures (the machine is out of memory or file handles, or a
# device fails): the environment failed, not the input, so they exit 1. A full disk is the
# place the user chose for the output: exit 2, as for a read-only folder.
ENVIRONMENT_ERRNOS = frozenset({errno.EIO, errno.ENOMEM, errno.EMFILE, errno.ENFILE})

COMMANDS = ("run", "sweep", "optimize", "calibrate", "hindcast", "scenario", "findings",
            "dashboard", "bench")


@app.callback()
def _root() -> None:
    """Simulate open-weight versus API-only AI ecosystems."""


def _register_all() -> None:
    import importlib

    if app.registered_commands:  # main() may run many times in one process (tests, notebooks)
        return
    for name in COMMANDS:
        importlib.import_module(f"aiecosim.cli.{name}").register(app)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; a user's mistake prints one line and exits with status 2."""
    _register_all()
    try:
        result = app(args=argv, standalone_mode=False, prog_name="aiecosim")
    except ScenarioError as exc:
        print(f"aiecosim: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # an output folder read-only or a file, a full disk
        if exc.errno is None:  # raised by code, not by a system call: a bug keeps its traceback
            raise
        print(f"aiecosim: {os_error_line(exc)}", file=sys.stderr)
        return 1 if exc.errno in ENVIRONMENT_ERRNOS else 2
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


def os_error_line(exc: OSError) -> str:
    """The path or paths an OS error concerns and the system's reason, as one line."""
    paths = [str(p) for p in (exc.filename, exc.filename2) if p is not None]
    reason = exc.strerror or str(exc)
    return one_line(f"{' -> '.join(paths)}: {reason}" if paths else reason)


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
