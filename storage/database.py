"""The assistant's own database: callback requests and SMS opt-outs.

settings.database_url() selects it (any SQLAlchemy URL, for example
postgresql://user:password@host/dbname; default a SQLite file).
"""

import threading
from functools import lru_cache
from typing import Optional

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import declarative_base

from storage.settings import database_url, ensure_sqlite_folder

# The tables of every module that stores something.
Base = declarative_base()
# The first requests can arrive together on several threads: one creates the
# tables while the others wait (two CREATE TABLEs at once fail on SQLite).
_creating = threading.Lock()


def engine(url: Optional[str] = None) -> Engine:
    """The engine for `url` (default: database_url()), with its tables created."""
    url = url or database_url()
    with _creating:
        return _engine(url)


@lru_cache(maxsize=None)
def _engine(url: str) -> Engine:
    ensure_sqlite_folder(url)
    created = create_engine(url, pool_pre_ping=True, future=True)
    Base.metadata.create_all(created)
    return created
