"""Where the Rasa server keeps conversations and takes its per-conversation locks.

endpoints.yml names the two classes in this package, which read their settings
from the environment with defaults, so that `make run` needs no variables:

TRACKER_STORE_URL  SQLAlchemy URL of the conversations database (Rasa's SQL
                   tracker store, table `events`). Default: DATABASE_URL if
                   set, else the SQLite file var/conversations.db.
LOCK_STORE_URL     redis://[:password@]host[:port][/db]: locks in Redis (Rasa's
                   RedisLockStore, made atomic: see lock_store.py).
                   Default: none, Rasa's in-memory lock store (one server only).

Several servers: point every server at the same PostgreSQL and Redis, e.g.
TRACKER_STORE_URL=postgresql://screening:<password>@db:5432/screening and
LOCK_STORE_URL=redis://:<password>@redis:6379/1.
"""

import os
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TRACKER_STORE_URL = f"sqlite:///{ROOT / 'var' / 'conversations.db'}"
SQLITE_PREFIX = "sqlite:///"


def tracker_store_url() -> str:
    """The conversations database (also for tools such as a retention job)."""
    return (
        os.environ.get("TRACKER_STORE_URL")
        or os.environ.get("DATABASE_URL")
        or DEFAULT_TRACKER_STORE_URL
    )


def lock_store_url() -> Optional[str]:
    return os.environ.get("LOCK_STORE_URL") or None
