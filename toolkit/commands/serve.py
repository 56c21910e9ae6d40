"""``outcomes serve``: run the web app with gunicorn (migrations run first, once)."""

from __future__ import annotations

import click

from toolkit.commands._database import database_option


def _gunicorn_app(options: dict, config: dict):
    from gunicorn.app.base import BaseApplication

    class OutcomesServer(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            from toolkit.web import create_app

            return create_app(config)

    return OutcomesServer()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64), help="Threads per worker.")
@database_option
def serve(host: str, port: int, workers: int, threads: int, database: str | None) -> None:
    """Serve the staff pages and the tablet kiosk with gunicorn.

    The schema is migrated before any worker starts, so workers never race
    to create tables. Put a TLS proxy in front and set
    OUTCOMES_SECURE_COOKIES=1 when serving beyond this machine.
    """
    from toolkit.commands._database import open_database
    from toolkit.store.engine import database_url
    from toolkit.store.engine import default_instance_path
    from toolkit.store.engine import describe_url
    from toolkit.store.migrate import upgrade
    from toolkit.web.security import load_secret_key

    url = database_url(override=database)
    engine = open_database(url)
    upgrade(engine)
    engine.dispose()
    instance = default_instance_path()
    secret = load_secret_key(str(instance))  # created once, before workers fork
    click.echo(f"database {describe_url(url)}; serving on http://{host}:{port}/ with {workers} worker(s)")
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "timeout": 60,
        "control_socket_disable": True,
    }
    _gunicorn_app(options, {"DATABASE_URL": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": secret}).run()
