"""The assistant's own database: callback requests and SMS opt-outs.

settings.database_url() selects it (any SQLAlchemy URL, for example
postgresql://user:password@host/dbname; default a SQLite file).
"""

from functools import lru_cache
from typing import Optional

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import declarative_base

from storage.settings import database_url, ensure_sqlite_folder

# The tables of every module that stores something.
Base = declarative_base()


@lru_cache(maxsize=None)
def engine(url: Optional[str] = None) -> Engine:
    """The engine for `url` (default: database_url()), with its tables created."""
    url = url or database_url()
    ensure_sqlite_folder(url)
    created = create_engine(url, pool_pre_ping=True, future=True)
    Base.metadata.create_all(created)
    return created
