"""Deleting what is older than the centre's retention period.

Callback requests live in the assistant's database (DATABASE_URL). Conversation
events live where Rasa's SQLTrackerStore keeps them: the `events` table, with a
float `timestamp` (seconds since the epoch). That database is found the way the
Rasa server finds it: TRACKER_DATABASE_URL if set, else the `tracker_store` of
endpoints.yml when its type is `sql` (same parameters, same URL building as
rasa/core/tracker_store.py).
"""

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import sqlalchemy as sa

from admissions import store
from database import ROOT

DEFAULT_DAYS = 30
ENDPOINTS = ROOT / "endpoints.yml"
SQL_PARAMETERS = ("dialect", "host", "port", "db", "username", "password", "query")
EVENTS_TABLE = "events"


@dataclass(frozen=True)
class Purged:
    callback_requests: int
    events: Optional[int]  # None: no SQL tracker store, or no events table yet


def tracker_database_url(endpoints: Path = ENDPOINTS) -> Optional[str]:
    """The SQL tracker store's URL, or None when conversations are not kept in SQL."""
    explicit = os.environ.get("TRACKER_DATABASE_URL")
    if explicit:
        return explicit
    if not endpoints.exists():
        return None
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    config = read_endpoint_config(str(endpoints), "tracker_store")
    if config is None or (config.type or "").lower() != "sql":
        return None
    parameters = {k: v for k, v in config.kwargs.items() if k in SQL_PARAMETERS}
    parameters["host"] = parameters.get("host") or config.url
    url = SQLTrackerStore.get_db_url(**parameters)
    if isinstance(url, str):
        return url
    if url.drivername.startswith("sqlite") and url.database:
        # The Rasa server runs from the project root: a relative SQLite file is there.
        url = url.set(database=str(ROOT / url.database))
    return str(url.render_as_string(hide_password=False))


def delete_old_events(days: int, url: str) -> Optional[int]:
    """Deletes events older than `days` days; None if there is no events table."""
    cutoff = time.time() - days * 86400
    engine = sa.create_engine(url, future=True)
    try:
        if not sa.inspect(engine).has_table(EVENTS_TABLE):
            return None
        events = sa.Table(EVENTS_TABLE, sa.MetaData(), autoload_with=engine)
        with engine.begin() as connection:
            result = connection.execute(events.delete().where(events.c.timestamp < cutoff))
            return int(result.rowcount)
    finally:
        engine.dispose()


def purge(
    days: int = DEFAULT_DAYS,
    database_url: Optional[str] = None,
    tracker_url: Optional[str] = None,
) -> Purged:
    """Deletes callback requests and conversation events older than `days` days."""
    if days < 1:
        raise ValueError("days must be at least 1")
    requests = store.delete_older_than(days, database_url)
    tracker_url = tracker_url or tracker_database_url()
    events = delete_old_events(days, tracker_url) if tracker_url else None
    return Purged(callback_requests=requests, events=events)
