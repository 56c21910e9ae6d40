"""The ``outcomes`` command.

Subcommands live in :mod:`toolkit.commands` and are imported only when run,
so ``outcomes --help`` and the quick commands never pay for pandas,
pingouin, matplotlib or WeasyPrint.
"""

from __future__ import annotations

import importlib
import importlib.util

import click

from toolkit import __version__

# command name -> (module in toolkit.commands, attribute, one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "instruments": ("instruments", "instruments", "List, show and validate instrument definitions."),
    "score": ("score", "score", "Score a wide response file (CSV or XLSX)."),
    "analyze": ("analyze", "analyze", "Analyse pre/post change in a response file; write JSON."),
    "report": ("report", "report", "Write the funder PDF report."),
    "demo": ("demo", "demo", "Build a synthetic program and write its report."),
    "db": ("db", "db", "Create or upgrade the database schema."),
    "users": ("users", "users", "Manage staff accounts."),
    "programs": ("programs", "programs", "Manage programs, waves and batteries."),
    "serve": ("serve", "serve", "Run the web app with a production server."),
    "alerts": ("alerts", "alerts", "Check alert e-mail delivery (send a test message)."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

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
