"""``outcomes serve``: run the web app with gunicorn (migrations run first, once).

Each worker also runs the alert sender (:mod:`toolkit.notify`): gunicorn's
``post_worker_init`` hook starts it once the app is loaded, ``worker_exit``
stops it and releases its lease. The workers' senders compete for one lease
per database, so only one of them sends at a time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from toolkit.commands._database import database_option

if TYPE_CHECKING:
    from toolkit.notify.config import NotifyConfig


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


def _sender_hooks(url: str, notify_config: NotifyConfig) -> dict:
    """gunicorn hooks that run the alert sender in each worker process."""

    def post_worker_init(worker: object) -> None:
        import logging

        from toolkit.notify import service

        log = logging.getLogger("toolkit.notify")
        if not log.handlers:  # deliveries and failures go to the server's log (stderr)
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("[%(asctime)s] [%(process)d] [%(levelname)s] %(message)s"))
            log.addHandler(handler)
            log.setLevel(logging.INFO)
            log.propagate = False
        service.start(url, notify_config)

    def worker_exit(server: object, worker: object) -> None:
        from toolkit.notify import service

        service.stop()  # nothing to do in the master, where no sender runs

    return {"post_worker_init": post_worker_init, "worker_exit": worker_exit}


def _alert_settings(url: str) -> NotifyConfig:
    """The sender's settings from the environment; prints one warning line per gap."""
    from toolkit.notify.config import load_config
    from toolkit.notify.service import startup_warnings

    notify_config = load_config()  # NotifyConfigError: the environment's settings (exit 1)
    for line in startup_warnings(url, notify_config):
        click.echo(f"warning: {line}", err=True)
    return notify_config


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
    OUTCOMES_SECURE_COOKIES=1 when serving beyond this machine. Safety
    alerts are e-mailed through OUTCOMES_SMTP_URL (see docs/alerts.md).
    """
    from toolkit.commands._database import open_database
    from toolkit.store.engine import database_url
    from toolkit.store.engine import default_instance_path
    from toolkit.store.engine import describe_url
    from toolkit.store.migrate import upgrade_if_behind
    from toolkit.web.security import load_secret_key

    url = database_url(override=database)
    engine = open_database(url)
    upgrade_if_behind(engine)  # Alembic is imported only when the schema is not at the newest revision
    engine.dispose()
    instance = default_instance_path()
    secret = load_secret_key(str(instance))  # created once, before workers fork
    notify_config = _alert_settings(url)
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
        **_sender_hooks(url, notify_config),
    }
    _gunicorn_app(options, {"DATABASE_URL": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": secret}).run()
