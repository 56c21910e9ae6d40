"""The ``outcomes`` command.

Subcommands live in :mod:`toolkit.commands` and are imported only when run,
so ``outcomes --help`` and the quick commands never pay for pandas,
pingouin, matplotlib or WeasyPrint.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any

import click

from toolkit import __version__
from toolkit.errors import error_line
from toolkit.errors import EXIT_BAD_INPUT
from toolkit.errors import EXIT_ENVIRONMENT
from toolkit.errors import print_error
from toolkit.errors import ToolkitError

NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())
"""The error click raises to show a group's help when no subcommand is given (click 8.2 and later)."""

# command name -> (module in toolkit.commands, attribute, one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "instruments": ("instruments", "instruments", "List, show, validate and export instrument definitions."),
    "score": ("score", "score", "Score a wide response file (CSV or XLSX)."),
    "analyze": ("analyze", "analyze", "Analyse pre/post change in a response file; write JSON."),
    "report": ("report", "report", "Write the funder PDF report."),
    "export": ("export", "export", "Export a program's data as CSV, Excel, SPSS, Stata or Parquet."),
    "demo": ("demo", "demo", "Build a synthetic program and write its report."),
    "import": ("import_file", "import_file", "Import a response file into a program (CSV, XLSX, SPSS, Stata)."),
    "db": ("db", "db", "Create or upgrade the database schema."),
    "users": ("users", "users", "Manage staff accounts."),
    "programs": ("programs", "programs", "Manage programs, waves and batteries."),
    "serve": ("serve", "serve", "Run the web app with a production server."),
    "alerts": ("alerts", "alerts", "Check alert e-mail delivery (send a test message)."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use, and that reports every error alike.

    Whatever a command raises — a :class:`~toolkit.errors.ToolkitError`
    or one of click's own usage errors — is printed in the one format of
    :mod:`toolkit.errors` (``error: WHERE: MESSAGE``) and ends the process
    with that module's exit code: 2 for bad input, 1 for the environment.
    """

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; in standalone mode errors are printed and the process exits."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except ToolkitError as exc:
            sys.exit(print_error(exc))
        except click.ClickException as exc:
            sys.exit(_print_click_error(exc))
        except click.Abort:
            click.echo(error_line("interrupted; run the command again to finish it"), err=True)
            sys.exit(EXIT_ENVIRONMENT)
        sys.exit(code if isinstance(code, int) else 0)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name, (mod, _, _) in COMMANDS.items() if _exists(mod))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS or not _exists(COMMANDS[name][0]):
            return None
        module, attr, _ = COMMANDS[name]
        return getattr(importlib.import_module(f"toolkit.commands.{module}"), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _exists(module: str) -> bool:
    return importlib.util.find_spec(f"toolkit.commands.{module}") is not None


@click.group(cls=LazyGroup)
@click.version_option(__version__, prog_name="outcomes")
def main() -> None:
    """Outcome measurement for peer-support programs."""


def _print_click_error(exc: click.ClickException) -> int:
    """Print one of click's errors in the toolkit's format (after the usage line, for a usage error).

    ``outcomes`` alone (or a group without its subcommand) shows the help, as click does.
    """
    if isinstance(exc, NO_ARGS_IS_HELP):
        exc.show()
        return exc.exit_code
    where, message = click_error_parts(exc)
    if isinstance(exc, click.UsageError) and exc.ctx is not None:
        click.echo(exc.ctx.get_usage(), err=True)
        click.echo(f"Try '{exc.ctx.command_path} {exc.ctx.help_option_names[0]}' for help.", err=True)
    click.echo(error_line(message, where), err=True)
    return EXIT_BAD_INPUT if isinstance(exc, click.UsageError) else exc.exit_code


def click_error_parts(exc: click.ClickException) -> tuple[str | None, str]:
    """``(where, message)`` of a click error: the option or argument at fault, else the command."""
    if isinstance(exc, click.BadParameter) and not isinstance(exc, click.MissingParameter):
        hint = exc.param_hint
        if isinstance(hint, (list, tuple)):
            hint = " / ".join(hint)
        if hint is None and exc.param is not None:
            hint = " / ".join(exc.param.opts) if isinstance(exc.param, click.Option) else exc.param.human_readable_name
        if hint:
            return hint, exc.message
    ctx = getattr(exc, "ctx", None)
    return (ctx.command_path if ctx is not None else None), exc.format_message()
