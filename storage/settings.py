"""Where the assistant's data and services are: the environment, with defaults.

DATABASE_URL       SQLAlchemy URL of the assistant's own database (callback
                   requests, SMS opt-outs). Default: the SQLite file
                   var/assistant.db, which needs no set-up.
TRACKER_STORE_URL  SQLAlchemy URL of the conversations database (Rasa's SQL
                   tracker store, table `events`). Default: DATABASE_URL if
                   set, else the SQLite file var/conversations.db.
LOCK_STORE_URL     redis://[:password@]host[:port][/db]: per-conversation locks
                   in Redis (see addons/stores/lock_store.py). Default: none,
                   Rasa's in-memory lock store (one server only).

Several servers: point every server at the same PostgreSQL and Redis, e.g.
TRACKER_STORE_URL=postgresql://screening:<password>@db:5432/screening and
LOCK_STORE_URL=redis://:<password>@redis:6379/1.
"""

import os
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "var"
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'assistant.db'}"
DEFAULT_TRACKER_STORE_URL = f"sqlite:///{DATA_DIR / 'conversations.db'}"
SQLITE_PREFIX = "sqlite:///"


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def tracker_store_url() -> str:
    """The conversations database (also for tools such as a retention job)."""
    return (
        os.environ.get("TRACKER_STORE_URL")
        or os.environ.get("DATABASE_URL")
        or DEFAULT_TRACKER_STORE_URL
    )


def lock_store_url() -> Optional[str]:
    return os.environ.get("LOCK_STORE_URL") or None


def ensure_sqlite_folder(url: str) -> None:
    """Creates the folder of a SQLite file URL, so a fresh checkout just works."""
    if url.startswith(SQLITE_PREFIX):
        Path(url[len(SQLITE_PREFIX) :]).parent.mkdir(parents=True, exist_ok=True)
