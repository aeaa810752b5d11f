"""The assistant's own database: callback requests and SMS opt-outs.

DATABASE_URL selects it (any SQLAlchemy URL, for example
postgresql://user:password@host/dbname). Without it, a SQLite file,
var/assistant.db, that needs no set-up.
"""

import os
from functools import lru_cache
from pathlib import Path
from typing import Optional

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import declarative_base

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = f"sqlite:///{ROOT / 'var' / 'assistant.db'}"
SQLITE_PREFIX = "sqlite:///"

# The tables of every module that stores something (see their models).
Base = declarative_base()


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_URL


@lru_cache(maxsize=None)
def engine(url: Optional[str] = None) -> Engine:
    """The engine for `url` (default: database_url()), with its tables created."""
    url = url or database_url()
    if url.startswith(SQLITE_PREFIX):
        Path(url[len(SQLITE_PREFIX) :]).parent.mkdir(parents=True, exist_ok=True)
    created = create_engine(url, pool_pre_ping=True, future=True)
    Base.metadata.create_all(created)
    return created
