"""``outcomes programs add``, ``edit`` and ``show``: program settings from the command line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from toolkit.cli import main
from toolkit.store.engine import make_engine
from toolkit.store.engine import make_sessionmaker
from toolkit.store.models import Administration
from toolkit.store.models import Participant
from toolkit.store.models import Program
from toolkit.store.models import utcnow


@pytest.fixture
def url(db_url, monkeypatch, tmp_path):
    """A migrated database (SQLite, and PostgreSQL when DATABASE_URL_TEST is set) with program east."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("OUTCOMES_INSTANCE", str(tmp_path / "instance"))
    added = run(
        "programs",
        "add",
        "east",
        "--name",
        "Eastside",
        "--waves",
        "baseline,exit",
        "--battery",
        "phq9,gad7",
        "--database",
        db_url,
    )
    assert added.exit_code == 0, added.output
    return db_url


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def stored(url: str) -> Program:
    engine = make_engine(url)
    with make_sessionmaker(engine)() as s:
        program = s.scalar(select(Program).where(Program.slug == "east"))
        program.waves, program.battery  # noqa: B018  (load before the session closes)
    engine.dispose()
    return program


def test_add_takes_every_setting(db_url, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    result = run(
        "programs",
        "add",
        "north",
        "--name",
        "North",
        "--waves",
        "baseline,3month:+90,6month:+182[-30,+60],exit",
        "--battery",
        "phq9,gse",
        "--time-zone",
        "America/Denver",
        "--alert-email",
        "a@example.org",
        "--alert-email",
        "b@example.org",
        "--escalate-email",
        "c@example.org",
        "--escalate-after",
        "0.1",
        "--alert-webhook",
        "https://hooks.example.org/n",
        "--risk-decline",
        "--no-read-aloud",
        "--followup-target",
        "90",
        "--database",
        db_url,
    )
    assert result.exit_code == 0, result.output
    assert result.output == "added north: waves baseline,3month:+90,6month:+182[-30,+60],exit; battery phq9, gse\n"
    shown = run("programs", "show", "north", "--database", db_url).output
    assert "time zone: America/Denver\n" in shown
    assert "alert emails: a@example.org, b@example.org\n" in shown
    assert "escalation emails: c@example.org\n" in shown
    assert "escalate after: 0.1 minutes (6 seconds)\n" in shown
    assert "risk items may be declined: yes\nread aloud: no\nfollow-up target: 90 %\n" in shown


def test_edit_changes_settings_and_says_what_changed(url):
    result = run(
        "programs",
        "edit",
        "east",
        "--name",
        "Eastside Peer Respite",
        "--waves",
        "baseline,3month:+90,exit",
        "--page-mode",
        "item",
        "--idle-timeout",
        "120",
        "--time-zone",
        "America/New_York",
        "--alert-email",
        "lead@example.org",
        "--escalate-after",
        "5",
        "--no-read-aloud",
        "--database",
        url,
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "east: waves: baseline,exit -> baseline,3month:+90,exit",
        "east: name: Eastside -> 'Eastside Peer Respite'",
        "east: page mode: section -> item",
        "east: idle timeout (seconds): 300 -> 120",
        "east: time zone: UTC -> America/New_York",
        "east: alert emails: (none) -> lead@example.org",
        "east: escalate after (seconds): 900 -> 300",
        "east: read aloud: yes -> no",
    ]
    program = stored(url)
    assert program.name == "Eastside Peer Respite" and [w.due_days for w in program.waves] == [0, 90, None]
    assert program.escalate_after_s == 300 and program.read_aloud is False
    again = run("programs", "edit", "east", "--page-mode", "item", "--database", url)
    assert again.exit_code == 0 and again.output == "east: nothing changed (the settings were already so)\n"


def test_edit_battery_and_instrument_choice(url):
    swapped = run("programs", "edit", "east", "--instrument-choice", "phq8", "--database", url)
    assert swapped.exit_code == 0, swapped.output
    assert swapped.output == "east: battery: phq9,gad7 -> phq8,gad7\n"
    reordered = run("programs", "edit", "east", "--battery", "gad7,phq9,gse", "--database", url)
    assert reordered.output == "east: battery: phq8,gad7 -> gad7,phq9,gse\n"
    assert [b.instrument_id for b in stored(url).battery] == ["gad7", "phq9", "gse"]


def test_clearing_lists_webhook_and_crisis_messages(url):
    run(
        "programs",
        "edit",
        "east",
        "--alert-email",
        "a@example.org",
        "--escalate-email",
        "b@example.org",
        "--alert-webhook",
        "https://hooks.example.org/e",
        "--crisis-en",
        "Call 555-0100.",
        "--database",
        url,
    )
    program = stored(url)
    assert program.alert_webhook_secret and program.crisis_message_en == "Call 555-0100."
    result = run(
        "programs",
        "edit",
        "east",
        "--no-alert-emails",
        "--no-escalate-emails",
        "--no-alert-webhook",
        "--reset-crisis",
        "en",
        "--database",
        url,
    )
    assert result.exit_code == 0, result.output
    program = stored(url)
    assert program.alert_emails == [] and program.escalate_emails == []
    assert program.alert_webhook_url is None and program.alert_webhook_secret is None
    assert program.crisis_message_en is None


def test_show_hides_the_webhook_secret_unless_asked(url):
    run("programs", "edit", "east", "--alert-webhook", "https://hooks.example.org/e", "--database", url)
    secret = stored(url).alert_webhook_secret
    hidden = run("programs", "show", "east", "--database", url)
    assert hidden.exit_code == 0 and secret not in hidden.output
    assert "alert webhook secret: (hidden; add --show-secret to see it)" in hidden.output
    lines = [line.split(": ", 1)[0] for line in hidden.output.splitlines()]
    assert lines == [
        "slug",
        "name",
        "waves",
        "battery",
        "page mode",
        "idle timeout",
        "time zone",
        "crisis message (English)",
        "crisis message (Spanish)",
        "alert emails",
        "escalation emails",
        "escalate after",
        "alert webhook URL",
        "alert webhook secret",
        "risk items may be declined",
        "read aloud",
        "follow-up target",
    ]
    shown = run("programs", "show", "east", "--show-secret", "--database", url)
    assert f"alert webhook secret: {secret}\n" in shown.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--waves", "baseline,3month:90"],
            "error: --waves: '3month:90' — write NAME:+DAYS, e.g. 3month:+90 or 6month:+182[-30,+60]",
        ),
        (
            ["--time-zone", "Mars/Olympus"],
            "error: --time-zone: 'Mars/Olympus' is not a time zone; use an IANA name such as America/New_York or "
            "Europe/Madrid",
        ),
        (
            ["--alert-email", "lead"],
            "error: --alert-email: 'lead' does not look like an email address; write it as name@example.org",
        ),
        (
            ["--escalate-after", "0.01"],
            "error: --escalate-after: 1 second is out of range; use between 3 seconds (0.05 minutes) and 24 hours "
            "(1440 minutes)",
        ),
        (
            ["--alert-webhook", "hooks.example.org"],
            "error: --alert-webhook: 'hooks.example.org' must start with https:// or http://; for example https://hooks.example.org/outcomes",
        ),
        (["--battery", "phq99"], "error: --battery: "),
        (
            ["--instrument-choice", "k10"],
            "error: --instrument-choice: 'k10' is not an alternative instrument; choose from phq8",
        ),
    ],
)
def test_bad_edits_exit_2_with_one_line_under_the_option(url, args, message):
    result = run("programs", "edit", "east", *args, "--database", url)
    assert result.exit_code == 2
    assert result.output.startswith(message) and result.output.count("\n") == 1
    assert stored(url).name == "Eastside"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "nothing to change"),
        (["--alert-email", "a@example.org", "--no-alert-emails"], "--no-alert-emails: cannot be used with a new value"),
        (["--crisis-en", "Hi", "--reset-crisis", "en"], "--reset-crisis en: cannot be used with --crisis-en"),
        (["--escalate-after", "nan"], "give a number of minutes"),
        (["--idle-timeout", "5"], "--idle-timeout"),
        (
            ["--followup-target", "0"],
            "error: --followup-target: '0' is not a whole percent; give a number from 1 to 100",
        ),
        (["--followup-target", "101"], "error: --followup-target: '101' is not a whole percent"),
        (["--followup-target", "80.5"], "error: --followup-target: '80.5' is not a whole percent"),
        (["--followup-target", "٨٠"], "error: --followup-target: '٨٠' is not a whole percent"),
    ],
)
def test_usage_errors_exit_2(url, args, message):
    result = run("programs", "edit", "east", *args, "--database", url)
    assert result.exit_code == 2 and message in result.output


def test_unknown_program_exits_2(url):
    result = run("programs", "edit", "nowhere", "--name", "X", "--database", url)
    assert result.exit_code == 2
    assert result.output == "error: SLUG: no program 'nowhere'; check the slug against the list of programs\n"


def test_removing_a_wave_with_answers_is_refused(url):
    engine = make_engine(url)
    with make_sessionmaker(engine)() as s:
        program = s.scalar(select(Program).where(Program.slug == "east"))
        participant = Participant(program=program, code="E001")
        s.add(
            Administration(
                participant=participant,
                wave=program.wave("exit"),
                instrument_id="phq9",
                instrument_version=1,
                status="complete",
                submission_key="k1",
                completed_at=utcnow(),
            )
        )
        s.commit()
    engine.dispose()
    result = run("programs", "edit", "east", "--waves", "baseline,3month:+90", "--database", url)
    assert result.exit_code == 2
    assert result.output == (
        "error: --waves: 'exit' cannot be removed — 1 administration uses it; keep exit in the list"
        " (a wave may stay unused; one with data cannot be renamed)\n"
    )
    kept = run("programs", "edit", "east", "--waves", "baseline,3month:+90,exit", "--database", url)
    assert kept.exit_code == 0 and [w.name for w in stored(url).waves] == ["baseline", "3month", "exit"]


@pytest.mark.parametrize("command", ["add", "edit"])
def test_a_wave_name_longer_than_its_column_is_a_clear_error(url, command):
    slug = "south" if command == "add" else "east"
    extra = ("--name", "South", "--battery", "phq9") if command == "add" else ()
    result = run("programs", command, slug, *extra, "--waves", "baseline," + "w" * 41, "--database", url)
    assert result.exit_code == 2, result.output  # a one-line error, no traceback
    assert (
        result.output.startswith("error: --waves: ")
        and "a wave name has at most 40 characters; shorten it" in result.output
    )
    assert [w.name for w in stored(url).waves] == ["baseline", "exit"]


def test_followup_target_defaults_to_80_and_is_edited_and_audited(url):
    from toolkit.store.models import AuditEvent

    assert stored(url).followup_target_pct == 80
    assert "follow-up target: 80 %\n" in run("programs", "show", "east", "--database", url).output
    result = run("programs", "edit", "east", "--followup-target", "70", "--database", url)
    assert result.exit_code == 0, result.output
    assert result.output == "east: follow-up target (%): 80 -> 70\n"
    assert stored(url).followup_target_pct == 70
    engine = make_engine(url)
    with make_sessionmaker(engine)() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.kind == "program_changed"))
        assert event.detail["changes"] == {"followup_target_pct": {"old": 80, "new": 70}}
    engine.dispose()


def test_windows_are_set_shown_and_listed(url):
    result = run("programs", "edit", "east", "--waves", "baseline,6month:+182[-30,+60],exit", "--database", url)
    assert result.output == "east: waves: baseline,exit -> baseline,6month:+182[-30,+60],exit\n"
    assert [(w.due_days, w.window_before_days, w.window_after_days) for w in stored(url).waves] == [
        (0, None, None),
        (182, 30, 60),
        (None, None, None),
    ]
    assert "waves: baseline,6month:+182[-30,+60],exit\n" in run("programs", "show", "east", "--database", url).output
    listed = run("programs", "list", "--database", url).output
    assert "east\tEastside\twaves=baseline,6month:+182[-30,+60],exit\tbattery=phq9,gad7" in listed
