"""``outcomes demo``: build a synthetic program in SQLite and write its report."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.commands.common import fail_on_problems


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-output"),
    show_default=True,
    help="Folder for the demo database and report.pdf.",
)
@click.option(
    "--seed", type=int, default=2026, show_default=True, help="Random seed; the same seed gives the same program."
)
@click.option(
    "--participants", "n", type=click.IntRange(min=30), default=400, show_default=True, help="People enrolled."
)
def demo(out_dir: Path, seed: int, n: int) -> None:
    """Build a realistic synthetic peer-support program and write its PDF report.

    Three sites, four dated waves (baseline, 3 and 6 months, exit) with
    realistic attrition, recovery and clinical instruments, stored in
    OUT/demo.sqlite (replaced if present) and reported from the database to
    OUT/report.pdf. Prints the path of the PDF, the program's follow-up
    rates, and how to open its follow-up worklist with a demo account.
    """
    from toolkit.demo import run_demo

    with fail_on_problems():
        pdf = run_demo(out_dir, seed=seed, n=n)
    click.echo(str(pdf.resolve()))
    for line in _worklist_lines(out_dir / "demo.sqlite"):
        click.echo(line)


def _worklist_lines(db: Path) -> list[str]:
    """The demo program's follow-up rates and states, and a demo admin account to see its worklist."""
    import secrets
    from collections import Counter

    from toolkit.demo_data import PROGRAM_SLUG
    from toolkit.store import make_engine
    from toolkit.store import make_sessionmaker
    from toolkit.store.followups import followup_rates
    from toolkit.store.followups import program_followups
    from toolkit.store.programs import get_program
    from toolkit.store.users import create_user

    url = f"sqlite:///{db.resolve()}"
    password = secrets.token_urlsafe(15)
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            program = get_program(session, PROGRAM_SLUG)
            followups = program_followups(session, program)
            rates = followup_rates(program, followups)
            create_user(session, "demo@example.org", password, "admin")
            session.commit()
    finally:
        engine.dispose()
    states = Counter(row.state for row in followups.rows)
    lines = [f"Follow-ups on {followups.today:%Y-%m-%d}:"]
    lines += [
        f"  {r.wave}: {r.done_in_window} of {r.counted} in window ({r.percent_text} %)"
        f" - target {r.target_pct} %{' - below target' if r.below_target else ''}"
        for r in rates
    ]
    lines.append("  " + ", ".join(f"{state} {n}" for state, n in sorted(states.items())))
    lines += [
        "See the follow-up worklist on this machine:",
        f"  OUTCOMES_SECURE_COOKIES=0 outcomes serve --database {url}",
        f"  then open http://127.0.0.1:5000/staff/p/{PROGRAM_SLUG}/followups",
        f"  and sign in as demo@example.org with the password {password} (a demo account of this database only)",
    ]
    return lines
