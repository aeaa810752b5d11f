"""Rasa's stored conversation events (the `events` table of the tracker store), for
the tools: re-encryption after a key change, and counts.

The Rasa server reads and writes the table through addons/stores/tracker_store.py;
this module reads it by reflection, so that the staff tool needs no Rasa.
"""

from typing import Optional

import sqlalchemy as sa

from storage import crypto
from storage.settings import tracker_store_url

EVENTS_TABLE = "events"
BATCH = 500


def _events(engine: sa.engine.Engine) -> Optional[sa.Table]:
    if not sa.inspect(engine).has_table(EVENTS_TABLE):
        return None
    return sa.Table(EVENTS_TABLE, sa.MetaData(), autoload_with=engine)


def reencrypt_events(url: Optional[str] = None) -> Optional[int]:
    """Encrypts every event again with the newest key (plain ones too); returns how
    many, or None when there is no events table."""
    engine = sa.create_engine(url or tracker_store_url(), future=True)
    try:
        table = _events(engine)
        if table is None:
            return None
        changed, last_id = 0, -1
        while True:
            with engine.begin() as connection:
                rows = connection.execute(
                    sa.select(table.c.id, table.c.data)
                    .where(table.c.id > last_id)
                    .order_by(table.c.id)
                    .limit(BATCH)
                ).all()
                for row in rows:
                    connection.execute(
                        table.update()
                        .where(table.c.id == row.id)
                        .values(
                            data=crypto.reencrypt(row.data or ""),
                            intent_name=None,
                            action_name=None,
                        )
                    )
            if not rows:
                return changed
            changed += len(rows)
            last_id = rows[-1].id
    finally:
        engine.dispose()


def count_events(sender_id: str, url: Optional[str] = None) -> int:
    """How many events of this conversation are stored."""
    engine = sa.create_engine(url or tracker_store_url(), future=True)
    try:
        table = _events(engine)
        if table is None:
            return 0
        with engine.connect() as connection:
            query = sa.select(sa.func.count()).where(table.c.sender_id == sender_id)
            return int(connection.execute(query).scalar_one())
    finally:
        engine.dispose()
