"""Deleting what is older than the centre's retention period.

Callback requests live in the assistant's database (DATABASE_URL). Conversation
events live where Rasa's SQLTrackerStore keeps them: the `events` table, with a
float `timestamp` (seconds since the epoch), in the database the Rasa server
uses (addons.stores.tracker_store_url(): TRACKER_STORE_URL, else
DATABASE_URL, else var/conversations.db).
"""

import time
from dataclasses import dataclass
from typing import Optional

import sqlalchemy as sa

from storage import callbacks as store
from storage.settings import DEFAULT_RETENTION_DAYS, tracker_store_url

DEFAULT_DAYS = DEFAULT_RETENTION_DAYS
EVENTS_TABLE = "events"


@dataclass(frozen=True)
class Purged:
    callback_requests: int
    events: Optional[int]  # None: no events table yet


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
    events = delete_old_events(days, tracker_url or tracker_store_url())
    return Purged(callback_requests=requests, events=events)
