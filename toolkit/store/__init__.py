"""The response store: SQLAlchemy models, engine set-up, migrations and queries.

``toolkit.store.queries.wide_responses`` gives item responses in the wide
form that :func:`toolkit.scoring.score` takes.
"""

from toolkit.store.engine import database_url
from toolkit.store.engine import make_engine
from toolkit.store.engine import make_sessionmaker

__all__ = ["database_url", "make_engine", "make_sessionmaker"]
