"""Every command reports errors alike: ``error: WHERE: MESSAGE`` on stderr, exit 2 for bad input, 1 for the environment.

The rule is in :mod:`toolkit.errors`; these cases cover each way an error
reaches the user — click's own usage errors, a response file, a store
refusal under its option, an unknown name, the database and the mail
settings of the environment.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.errors import CommandError
from toolkit.errors import error_line
from toolkit.errors import EXIT_BAD_INPUT
from toolkit.errors import EXIT_ENVIRONMENT
from toolkit.errors import Problem
from toolkit.errors import ProblemsError
from toolkit.errors import SetupError

CONTEXT_LINES = ("Usage: ", "Try '", "Nothing was written.")
"""Lines a command may print around its error line: click's usage help, and the note that nothing was written."""


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A scratch instance folder, no database or mail settings from the machine running the tests."""
    for name in ("DATABASE_URL", "OUTCOMES_SMTP_URL", "OUTCOMES_MAIL_FROM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OUTCOMES_INSTANCE", str(tmp_path / "instance"))
    return tmp_path


def _responses(folder):
    path = folder / "in.csv"
    path.write_text("participant,wave,phq9_1\np1,baseline,1\n")
    return path


def _two_waves(folder):
    path = folder / "in.csv"
    path.write_text("participant,wave,phq9_1\np1,baseline,1\np1,exit,2\n")  # one item: no full scale
    return path


def _unreachable(folder):
    blocker = folder / "file"
    blocker.write_text("")
    return f"sqlite:///{blocker}/x.sqlite"


def _migrated(folder):
    url = f"sqlite:///{folder / 'cli.sqlite'}"
    assert CliRunner().invoke(main, ["db", "upgrade", "--database", url]).exit_code == 0
    return url


def _unmigrated(folder):
    return f"sqlite:///{folder / 'empty.sqlite'}"


# (id, command line built from the test's folder, environment, expected exit code, expected error line)
CASES = [
    (
        "missing-file",
        lambda d: ["score", str(d / "missing.csv"), "--out", str(d / "o.csv")],
        {},
        EXIT_BAD_INPUT,
        "error: {d}/missing.csv: no such file; check the path",
    ),
    (
        "bad-column",
        lambda d: ["score", str(_responses(d).with_name("w.csv")), "--out", str(d / "o.csv")],
        {},
        EXIT_BAD_INPUT,
        "error: {d}/w.csv:1: no 'wave' column; the file has 'wav' — rename it to 'wave'",
    ),
    (
        "no-valid-score",
        lambda d: ["analyze", str(_two_waves(d)), "--pre", "baseline", "--post", "exit", "--json", str(d / "r.json")],
        {},
        EXIT_BAD_INPUT,
        "error: {d}/in.csv: no scale has a valid score at 'baseline' or 'exit'; check the item columns",
    ),
    (
        "output-suffix",
        lambda d: ["score", str(_responses(d)), "--out", str(d / "o.txt")],
        {},
        EXIT_BAD_INPUT,
        "error: --out: {d}/o.txt: write .csv or .xlsx; give a file name ending in one of them",
    ),
    (
        "unknown-instrument",
        lambda d: ["instruments", "show", "phq0"],
        {},
        EXIT_BAD_INPUT,
        "error: instrument 'phq0' is not defined; did you mean 'phq9'?",
    ),
    (
        "option-range",
        lambda d: ["programs", "edit", "east", "--idle-timeout", "5", "--database", _migrated(d)],
        {},
        EXIT_BAD_INPUT,
        "error: --idle-timeout: 5 is not in the range 30<=x<=3600.",
    ),
    (
        "unknown-option",
        lambda d: ["programs", "list", "--colour"],
        {},
        EXIT_BAD_INPUT,
        "error: outcomes programs list: No such option '--colour'.",
    ),
    (
        "usage",
        lambda d: ["programs", "edit", "east", "--database", _migrated(d)],
        {},
        EXIT_BAD_INPUT,
        "error: outcomes programs edit: nothing to change; "
        "give at least one option (see `outcomes programs edit --help`)",
    ),
    (
        "store-refusal",
        lambda d: [
            "programs",
            "add",
            "east",
            "--name",
            "East",
            "--waves",
            "baseline",
            "--battery",
            "phq99",
            "--database",
            _migrated(d),
        ],
        {},
        EXIT_BAD_INPUT,
        "error: --battery: ",
    ),
    (
        "unknown-program",
        lambda d: ["programs", "show", "nowhere", "--database", _migrated(d)],
        {},
        EXIT_BAD_INPUT,
        "error: SLUG: no program 'nowhere'; check the slug against the list of programs",
    ),
    (
        "bad-address",
        lambda d: ["alerts", "test-email", "not-an-address"],
        {"OUTCOMES_SMTP_URL": "smtp://127.0.0.1:25"},
        EXIT_BAD_INPUT,
        "error: ADDRESS: 'not-an-address' is not an e-mail address; give one such as duty@example.org",
    ),
    (
        "unreachable-database",
        lambda d: ["programs", "list", "--database", _unreachable(d)],
        {},
        EXIT_ENVIRONMENT,
        "error: sqlite:///{d}/file/x.sqlite: cannot create the database's folder",
    ),
    (
        "unreachable-database-upgrade",
        lambda d: ["db", "upgrade", "--database", _unreachable(d)],
        {},
        EXIT_ENVIRONMENT,
        "error: sqlite:///{d}/file/x.sqlite: cannot create the database's folder",
    ),
    (
        "unreachable-database-users",
        lambda d: ["users", "list", "--database", _unreachable(d)],
        {},
        EXIT_ENVIRONMENT,
        "error: sqlite:///{d}/file/x.sqlite: cannot create the database's folder",
    ),
    (
        "malformed-database-url",
        lambda d: ["programs", "list", "--database", "not a url"],
        {},
        EXIT_ENVIRONMENT,
        "error: database URL: not a URL this toolkit can open",
    ),
    (
        "unmigrated-database",
        lambda d: ["users", "list", "--database", _unmigrated(d)],
        {},
        EXIT_ENVIRONMENT,
        "error: sqlite:///{d}/empty.sqlite: the database schema is missing or out of date; "
        "run `outcomes db upgrade` first",
    ),
    (
        "mail-not-set",
        lambda d: ["alerts", "test-email", "duty@example.org"],
        {},
        EXIT_ENVIRONMENT,
        "error: OUTCOMES_SMTP_URL: not set; set it to the mail server",
    ),
    (
        "mail-malformed",
        lambda d: ["alerts", "test-email", "duty@example.org"],
        {"OUTCOMES_SMTP_URL": "ftp://mail.example.org"},
        EXIT_ENVIRONMENT,
        "error: OUTCOMES_SMTP_URL",
    ),
]


@pytest.mark.parametrize(("args", "environment", "code", "line"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_errors_have_one_prefix_and_the_rule_s_exit_code(env, args, environment, code, line):
    if "w.csv" in line:
        (env / "w.csv").write_text("participant,wav,phq9_1\np1,baseline,1\n")
    result = CliRunner().invoke(main, args(env), env=environment, prog_name="outcomes")
    assert result.exit_code == code, result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    assert result.stdout == ""
    errors = [row for row in result.stderr.splitlines() if not row.startswith(CONTEXT_LINES) and row.strip()]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(line.format(d=env)), result.stderr
    assert "Error:" not in result.stderr and "Traceback" not in result.stderr


def test_error_line_puts_the_place_first():
    assert error_line("no such file; check the path", "in.csv") == "error: in.csv: no such file; check the path"
    assert error_line("interrupted; run it again") == "error: interrupted; run it again"


def test_error_classes_carry_the_rule_s_exit_codes():
    assert CommandError("--out", "x").exit_code == EXIT_BAD_INPUT
    assert str(CommandError("--out", "write .csv")) == "--out: write .csv"
    assert CommandError(None, "x", exit_code=EXIT_ENVIRONMENT).exit_code == EXIT_ENVIRONMENT
    assert SetupError("x").exit_code == EXIT_ENVIRONMENT
    problems = ProblemsError([Problem("a.csv:2", "bad"), Problem("a.csv:3", "worse")])
    assert problems.exit_code == EXIT_BAD_INPUT
    assert problems.lines() == ["error: a.csv:2: bad", "error: a.csv:3: worse"]


def test_store_and_mail_errors_follow_the_rule():
    from toolkit.notify.config import NotifyConfigError
    from toolkit.store.errors import DatabaseUnavailableError
    from toolkit.store.errors import DuplicateError
    from toolkit.store.errors import NotFoundError
    from toolkit.store.errors import StoreError

    assert DatabaseUnavailableError("x").exit_code == EXIT_ENVIRONMENT
    assert NotifyConfigError([]).exit_code == EXIT_ENVIRONMENT
    for cls in (StoreError, NotFoundError, DuplicateError):
        assert cls("x").exit_code == EXIT_BAD_INPUT


def test_help_and_version_are_not_errors():
    runner = CliRunner()
    assert runner.invoke(main, ["--help"], prog_name="outcomes").exit_code == 0
    assert runner.invoke(main, ["--version"], prog_name="outcomes").exit_code == 0
    bare = runner.invoke(main, [], prog_name="outcomes")
    assert "Usage: outcomes [OPTIONS] COMMAND" in bare.output and "error:" not in bare.output
