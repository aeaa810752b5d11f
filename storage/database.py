"""The assistant's own database: callback requests, their notifications, SMS opt-outs.

settings.database_url() selects it (any SQLAlchemy URL, for example
postgresql://user:password@host/dbname; default a SQLite file).
"""

import threading
import time
from datetime import datetime, timezone
from functools import lru_cache
from typing import Optional

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import declarative_base

from storage.settings import database_url, ensure_sqlite_folder

# The tables of every module that stores something.
Base = declarative_base()
# The first requests can arrive together on several threads: one creates the
# tables while the others wait (two CREATE TABLEs at once fail on SQLite).
_creating = threading.Lock()


def utc_now() -> datetime:
    """Now in UTC, without tzinfo: SQLite keeps no time zones, so every time is UTC."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def engine(url: Optional[str] = None) -> Engine:
    """The engine for `url` (default: database_url()), with its tables created."""
    url = url or database_url()
    with _creating:
        return _engine(url)


def _create_tables(engine: Engine, tries: int = 3) -> None:
    """Creates the missing tables. Another process (the notification sender, a second
    server) may create them at the same moment; then ours fails, and the next try
    finds them."""
    for attempt in range(1, tries + 1):
        try:
            Base.metadata.create_all(engine)
            return
        except DatabaseError:
            if attempt == tries:
                raise
            time.sleep(0.2 * attempt)


@lru_cache(maxsize=None)
def _engine(url: str) -> Engine:
    ensure_sqlite_folder(url)
    created = create_engine(url, pool_pre_ping=True, future=True)
    _create_tables(created)
    return created
