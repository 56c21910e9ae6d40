"""``outcomes programs``: add, change, show and list programs (waves, battery, settings)."""

from __future__ import annotations

import math

import click

from toolkit.commands._database import database_option
from toolkit.commands._database import store_session
from toolkit.languages import LANGUAGES

WAVES_HELP = (
    "Waves in order, comma-separated; NAME:+DAYS gives a due date that many days after baseline"
    " and [-BEFORE,+AFTER] a window, e.g. baseline,3month:+90,6month:+182[-30,+60],exit."
)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _minutes(_ctx, _param, value: float | None) -> int | None:
    if value is None:
        return None
    if not math.isfinite(value) or value < 0:
        raise click.BadParameter("give a number of minutes, e.g. 15 or 0.1")
    return round(value * 60)


def _percent(_ctx, _param, value: str | None) -> int | None:
    if value is None:
        return None
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 100:
        raise click.BadParameter(f"'{value}' is not a whole percent; give a number from 1 to 100, e.g. 80")
    return int(text)


def _setting_options(edit: bool):
    """The options shared by ``add`` and ``edit``; ``edit`` has no defaults (not given = unchanged)."""

    def default(value):
        return None if edit else value

    options = [
        click.option(
            "--instrument-choice",
            "choices",
            multiple=True,
            metavar="ID",
            help="Use an alternative instrument, e.g. phq8 in place of phq9.",
        ),
        click.option(
            "--page-mode",
            type=click.Choice(["section", "item"]),
            default=default("section"),
            show_default=not edit,
            help="One instrument per page, or one question per screen.",
        ),
        click.option(
            "--idle-timeout",
            type=click.IntRange(30, 3600),
            default=default(300),
            show_default=not edit,
            help="Seconds without a touch before the tablet locks.",
        ),
        click.option("--crisis-en", default=None, help="Crisis message in English (default names the 988 Lifeline)."),
        click.option("--crisis-es", default=None, help="Crisis message in Spanish (default names the 988 Lifeline)."),
        click.option(
            "--time-zone",
            default=default("UTC"),
            show_default=not edit,
            help="IANA time zone for dates on staff pages and due dates, e.g. America/New_York.",
        ),
        click.option(
            "--alert-email",
            "alert_emails",
            multiple=True,
            metavar="ADDR",
            help="Told at once of a safety alert; repeat for more (replaces the list).",
        ),
        click.option(
            "--escalate-email",
            "escalate_emails",
            multiple=True,
            metavar="ADDR",
            help="Told when an urgent alert is still unacknowledged; repeat for more (replaces the list).",
        ),
        click.option(
            "--escalate-after",
            type=float,
            default=default(15.0),
            show_default=not edit,
            metavar="MINUTES",
            callback=_minutes,
            help="Minutes before an unacknowledged urgent alert is escalated (fractions allowed, at least 0.05).",
        ),
        click.option(
            "--alert-webhook",
            default=None,
            metavar="URL",
            help="https:// URL told of safety alerts (signed with a secret made for it).",
        ),
        click.option(
            "--risk-decline/--no-risk-decline",
            default=default(False),
            help="Risk items (PHQ-9 item 9) may offer 'prefer not to answer'.",
        ),
        click.option(
            "--read-aloud/--no-read-aloud", default=default(True), help="Show the kiosk's read-aloud (speaker) button."
        ),
        click.option(
            "--followup-target",
            default=default("80"),
            show_default=not edit,
            metavar="PCT",
            callback=_percent,
            help="Share of follow-ups to give within their windows, whole percent (SAMHSA's GPRA target is 80).",
        ),
    ]

    def decorate(f):
        for option in reversed(options):
            f = option(f)
        return f

    return decorate


@click.group()
def programs() -> None:
    """Manage programs, waves, batteries and their settings."""


@programs.command("add")
@click.argument("slug")
@click.option("--name", required=True, help="The program's name as shown to staff and in the report.")
@click.option("--waves", required=True, help=WAVES_HELP)
@click.option("--battery", required=True, help="Instrument ids in order, comma-separated, e.g. phq9,gad7,gse.")
@_setting_options(edit=False)
@database_option
def add(slug, name, waves, battery, choices, database, **settings) -> None:
    """Add a program with its waves, battery of instruments and settings."""
    from toolkit.instruments import default_registry
    from toolkit.store.programs import battery_with_choices
    from toolkit.store.programs import create_program
    from toolkit.store.schedule import format_waves

    with store_session(database) as session:
        instruments = battery_with_choices(_split(battery), list(choices))
        program = create_program(session, default_registry(), slug, name, waves, instruments, **_store_names(settings))
        text = f"added {program.slug}: waves {format_waves(program.waves)}; battery {', '.join(instruments)}"
    click.echo(text)


def _store_names(options: dict) -> dict:
    """Command options -> keyword arguments of the store functions (None: not given)."""
    out = {
        "page_mode": options.get("page_mode"),
        "idle_timeout_s": options.get("idle_timeout"),
        "crisis_en": options.get("crisis_en"),
        "crisis_es": options.get("crisis_es"),
        "time_zone": options.get("time_zone"),
        "alert_emails": list(options["alert_emails"]) if options.get("alert_emails") else None,
        "escalate_emails": list(options["escalate_emails"]) if options.get("escalate_emails") else None,
        "escalate_after_s": options.get("escalate_after"),
        "alert_webhook_url": options.get("alert_webhook"),
        "risk_decline": options.get("risk_decline"),
        "read_aloud": options.get("read_aloud"),
        "followup_target_pct": options.get("followup_target"),
    }
    return {key: value for key, value in out.items() if value is not None}


def _clearing(settings: dict, clear: dict[str, bool]) -> dict:
    """Apply the --no-... and --reset-crisis options: an empty value clears a setting."""
    for option, (flag, key, empty) in {
        "--no-alert-emails": ("no_alert_emails", "alert_emails", []),
        "--no-escalate-emails": ("no_escalate_emails", "escalate_emails", []),
        "--no-alert-webhook": ("no_alert_webhook", "alert_webhook_url", ""),
    }.items():
        if clear[flag]:
            if key in settings:
                raise click.UsageError(
                    f"{option}: cannot be used with a new value for the same setting; give one of them"
                )
            settings[key] = empty
    for language in clear["reset_crisis"]:
        if f"crisis_{language}" in settings:
            raise click.UsageError(
                f"--reset-crisis {language}: cannot be used with --crisis-{language}; give one of them"
            )
        settings[f"crisis_{language}"] = ""
    return settings


@programs.command("edit")
@click.argument("slug")
@click.option("--name", default=None, help="A new name for the program.")
@click.option(
    "--waves", default=None, help=WAVES_HELP + " Kept waves are matched by name; a wave with data cannot be removed."
)
@click.option(
    "--battery", default=None, help="Instrument ids in order, comma-separated (replaces the battery for new sessions)."
)
@_setting_options(edit=True)
@click.option(
    "--reset-crisis",
    type=click.Choice(LANGUAGES),
    multiple=True,
    help="Go back to the default crisis message (988 Lifeline) in this language; repeatable.",
)
@click.option("--no-alert-emails", is_flag=True, help="Remove every alert email address.")
@click.option("--no-escalate-emails", is_flag=True, help="Remove every escalation email address.")
@click.option("--no-alert-webhook", is_flag=True, help="Remove the alert webhook and its secret.")
@database_option
def edit(slug, name, waves, battery, choices, database, **options) -> None:
    """Change a program's waves, battery or settings; options not given stay as they are."""
    from toolkit.instruments import default_registry
    from toolkit.store.engine import begin_write
    from toolkit.store.program_settings import LABELS
    from toolkit.store.programs import battery_with_choices
    from toolkit.store.programs import get_program
    from toolkit.store.programs import update_program

    clear = {k: options.pop(k) for k in ("reset_crisis", "no_alert_emails", "no_escalate_emails", "no_alert_webhook")}
    settings = _clearing(_store_names(options), clear)
    if name is not None:
        settings["name"] = name
    if waves is not None:
        settings["waves"] = waves
    if not settings and battery is None and not choices:
        raise click.UsageError("nothing to change; give at least one option (see `outcomes programs edit --help`)")
    with store_session(database) as session:
        begin_write(session)
        program = get_program(session, slug)
        if battery is not None or choices:
            current = _split(battery) if battery is not None else [b.instrument_id for b in program.battery]
            settings["battery"] = battery_with_choices(current, list(choices))
        changes = update_program(session, default_registry(), program, **settings)
    if not changes:
        click.echo(f"{slug}: nothing changed (the settings were already so)")
    for field, change in changes.items():
        label = LABELS.get(field, field) + _UNITS.get(field[field.rfind("_") :], "")
        click.echo(f"{slug}: {label}: {_value(change['old'])} -> {_value(change['new'])}")


_UNITS = {"_s": " (seconds)", "_pct": " (%)"}


def _value(value) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return ",".join(map(str, value)) or "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return repr(value) if isinstance(value, str) and " " in value else str(value)


@programs.command("show")
@click.argument("slug")
@click.option("--show-secret", is_flag=True, help="Also print the alert webhook's signing secret.")
@database_option
def show(slug: str, show_secret: bool, database: str | None) -> None:
    """Print every setting of a program."""
    from toolkit.store.programs import get_program
    from toolkit.store.schedule import format_waves

    with store_session(database, write=False) as session:
        p = get_program(session, slug)
        secret = p.alert_webhook_secret
        if secret and not show_secret:
            secret = "(hidden; add --show-secret to see it)"
        rows = [
            ("slug", p.slug),
            ("name", p.name),
            ("waves", format_waves(p.waves)),
            ("battery", ",".join(f"{b.instrument_id}@{b.instrument_version}" for b in p.battery)),
            ("page mode", p.page_mode),
            ("idle timeout", f"{p.idle_timeout_s} seconds"),
            ("time zone", p.time_zone),
            ("crisis message (English)", p.crisis_message_en or "(default: 988 Lifeline)"),
            ("crisis message (Spanish)", p.crisis_message_es or "(default: 988 Lifeline)"),
            ("alert emails", ", ".join(p.alert_emails or []) or "(none)"),
            ("escalation emails", ", ".join(p.escalate_emails or []) or "(none)"),
            ("escalate after", f"{p.escalate_after_s / 60:g} minutes ({p.escalate_after_s} seconds)"),
            ("alert webhook URL", p.alert_webhook_url or "(none)"),
            ("alert webhook secret", secret or "(none)"),
            ("risk items may be declined", "yes" if p.risk_decline else "no"),
            ("read aloud", "yes" if p.read_aloud else "no"),
            ("follow-up target", f"{p.followup_target_pct} %"),
        ]
    for key, value in rows:
        click.echo(f"{key}: {value}")


@programs.command("list")
@database_option
def list_programs(database: str | None) -> None:
    """List programs with their waves (due days and windows) and battery."""
    from sqlalchemy import select

    from toolkit.store.models import Program
    from toolkit.store.schedule import format_waves

    with store_session(database, write=False) as session:
        rows = session.scalars(select(Program).order_by(Program.slug)).all()
        if not rows:
            click.echo("no programs yet; add one with `outcomes programs add`")
        for p in rows:
            waves = format_waves(p.waves)
            battery = ",".join(b.instrument_id for b in p.battery)
            click.echo(f"{p.slug}\t{p.name}\twaves={waves}\tbattery={battery}\tpages={p.page_mode}")
