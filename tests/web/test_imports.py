"""The web app starts and serves survey pages without the heavy statistics, chart and PDF libraries."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import json, re, sys
    from toolkit.store.engine import make_engine, make_sessionmaker
    from toolkit.store.migrate import upgrade
    from toolkit.store.programs import create_program, add_participant
    from toolkit.store.users import create_user
    from toolkit.instruments import default_registry
    from toolkit.web import create_app

    url = sys.argv[1]
    engine = make_engine(url)
    upgrade(engine)
    with make_sessionmaker(engine)() as s:
        p = create_program(s, default_registry(), "east", "East", ["baseline"], ["phq9"])
        add_participant(s, p, "E001")
        create_user(s, "s@example.org", "correct horse battery", "staff", ["east"])
        s.commit()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "INSTANCE_PATH": sys.argv[2]})
    c = app.test_client()
    token = lambda r: re.search(r'name="csrf_token"[^>]*value="([^"]+)"', r.get_data(as_text=True)).group(1)
    r = c.get("/auth/login")
    c.post("/auth/login", data={"email": "s@example.org", "password": "correct horse battery", "csrf_token": token(r)})
    r = c.get("/staff/p/east/")
    start = {"start-participant": "E001", "start-wave": "baseline", "start-language": "en", "csrf_token": token(r)}
    c.post("/staff/p/east/sessions", data=start)
    page = c.get("/kiosk/", follow_redirects=True)
    heavy = sorted(m for m in ("pingouin", "matplotlib", "weasyprint", "pandas", "scipy") if m in sys.modules)
    print(json.dumps({"status": page.status_code, "phq9": "phq9_9" in page.get_data(as_text=True), "heavy": heavy}))
    """
)


def test_kiosk_page_served_without_heavy_imports(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, url, str(tmp_path / "instance")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == 200 and result["phq9"]
    assert result["heavy"] == []
