"""Alembic environment: runs migrations on the engine given by toolkit.store.migrate.

SQLite changes most columns by copying the table ("batch" mode): the old
table is dropped and the copy renamed. With foreign keys enforced, dropping a
parent table would cascade and delete its children's rows, so foreign keys
are off while migrating and checked once at the end.
"""

from alembic import context

from toolkit.store.models import Base

config = context.config
engine = config.attributes["engine"]


def _sqlite_foreign_keys(connection, on: bool) -> None:
    # PRAGMA foreign_keys is ignored inside a transaction: use the driver's
    # connection, which runs in autocommit mode (see toolkit.store.engine).
    raw = connection.connection.driver_connection
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        _sqlite_foreign_keys(connection, on=False)
    try:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=sqlite,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(
                        f"migration left {len(broken)} rows whose foreign keys point nowhere"
                        f" (first: {broken[0]}); the database was not changed"
                    )
        connection.commit()
    finally:
        if sqlite:
            connection.rollback()
            _sqlite_foreign_keys(connection, on=True)
