"""Rasa's SQL tracker store, configured from TRACKER_STORE_URL (see storage/settings.py),
with each event encrypted.

Encryption: the `data` column (the whole event as JSON: what the person wrote, the
answers, the SMS sender's metadata) is encrypted (storage/crypto.py). The columns
`intent_name` and `action_name` are left empty, as an intent such as
emergency_suicide says too much; `sender_id`, `type_name` and `timestamp` stay
readable, for Rasa's session query, the retention purge and deletion. Events stored
before encryption are read as they are, until `python -m admissions rotate-key`
encrypts them.

"Delete my data": action_delete_my_data ends with a Restarted event. The tracker is
saved after the action has run, so deleting from the action would leave that turn's
events behind; instead, when the events to save contain that action followed by a
Restarted event, this store deletes every stored event of the conversation and saves
none of them. The next message starts a new conversation.

Recent conversations are kept in memory, as read or saved here (`_recent`): a
message reads its conversation with one small query (the newest row's id and
the number of rows) instead of reading and decrypting every event again, which
was about a quarter of each reply's time. Any change made elsewhere (another
server, a deletion, the retention purge) changes that pair, and the events are
read again. A new session or a deletion drops the conversation from memory.

Rasa wraps every tracker store in a FailSafeTrackerStore: when the database
fails, it silently carries on with a fresh in-memory conversation. This store
makes such a failure loud: it logs an error that says the conversation is at
risk (without the conversation's content) and remembers it for the health check
(addons/channels/rest.py: GET /webhooks/rest/health).
"""

import json
import logging
import time
from collections import OrderedDict
from typing import Any, Dict, List, NamedTuple, Optional, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, Restarted, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

from storage import crypto
from storage.names import DELETE_MY_DATA_ACTION
from storage.settings import ensure_sqlite_folder, tracker_store_url

logger = logging.getLogger(__name__)


def erases_conversation(events: List[Event]) -> bool:
    """True when these events hold a finished "delete my data": the action, then Restarted."""
    deleting = False
    for event in events:
        if isinstance(event, ActionExecuted):
            deleting = deleting or event.action_name == DELETE_MY_DATA_ACTION
        elif isinstance(event, Restarted) and deleting:
            return True
    return False


# The newest stored row's id and the number of stored rows of a conversation.
Stamp = Tuple[Optional[int], int]

# Conversations kept in memory; the least recently used one goes first.
RECENT_CONVERSATIONS = 500


class Remembered(NamedTuple):
    """A conversation as stored: its stamp, and its tracker with `length` events."""

    stamp: Stamp
    tracker: DialogueStateTracker
    length: int

    def still(self, stamp: Stamp) -> bool:
        """True if nothing was stored or added to the tracker since."""
        return stamp == self.stamp and len(self.tracker.events) == self.length


class ConfiguredSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore on tracker_store_url(), events encrypted; endpoints.yml `type`."""

    def __init__(self, domain: Optional[Domain] = None, **kwargs: Any) -> None:
        url = tracker_store_url()
        ensure_sqlite_folder(url)
        kwargs.pop("host", None)
        # A host with "://" is used by SQLTrackerStore as the whole SQLAlchemy URL.
        super().__init__(domain=domain, host=url, **kwargs)
        self.last_failure: Optional[float] = None
        self._recent: "OrderedDict[str, Remembered]" = OrderedDict()

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        return await self._loudly("read", self._retrieve_recent(sender_id))

    async def _retrieve_recent(self, sender_id: str) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            stamp = self._stamp(session, sender_id)
        remembered = self._recent.get(sender_id)
        if remembered is not None and remembered.still(stamp):
            self._recent.move_to_end(sender_id)
            return remembered.tracker
        tracker = await self._retrieve(sender_id, fetch_events_from_all_sessions=False)
        self._remember(sender_id, stamp, tracker)
        return tracker

    def _stamp(self, session: Any, sender_id: str) -> Stamp:
        newest, count = (
            session.query(sa.func.max(self.SQLEvent.id), sa.func.count(self.SQLEvent.id))
            .filter(self.SQLEvent.sender_id == sender_id)
            .one()
        )
        return newest, int(count)

    def _remember(
        self, sender_id: str, stamp: Stamp, tracker: Optional[DialogueStateTracker]
    ) -> None:
        self._recent.pop(sender_id, None)
        if tracker is None:
            return
        self._recent[sender_id] = Remembered(stamp, tracker, len(tracker.events))
        if len(self._recent) > RECENT_CONVERSATIONS:
            self._recent.popitem(last=False)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._loudly("save", self._save(tracker))

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions).all()
            events = [json.loads(crypto.decrypt(row.data)) for row in rows]
        if not self.domain or not events:
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    async def _save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        sender_id = tracker.sender_id
        remembered = self._recent.pop(sender_id, None)
        with self.session_scope() as session:
            new_events = self._new_events(session, tracker, remembered)
            if erases_conversation(new_events):
                erased = self._delete_rows(session, sender_id)
                logger.info("A conversation was deleted on request (%d stored events).", erased)
                session.commit()
                return
            rows = [self._row(sender_id, e.as_dict(), e.type_name) for e in new_events]
            session.add_all(rows)
            session.flush()  # gives the rows their ids
            newest = rows[-1].id if rows else None
            session.commit()
        if rows:
            logger.debug("Stored %d new event(s) of a conversation.", len(rows))
        if remembered is not None and self._grown_here(remembered, tracker, new_events):
            newest_stored = newest if newest is not None else remembered.stamp[0]
            self._remember(sender_id, (newest_stored, remembered.stamp[1] + len(rows)), tracker)

    def _new_events(
        self, session: Any, tracker: DialogueStateTracker, remembered: Optional[Remembered]
    ) -> List[Event]:
        """The events not stored yet: past the remembered ones when this is the tracker
        read or saved here (no query), else past the stored count (Rasa's way)."""
        if remembered is not None and remembered.tracker is tracker:
            return list(tracker.events)[remembered.length :]
        return list(self._additional_events(session, tracker))

    @staticmethod
    def _grown_here(
        remembered: Remembered, tracker: DialogueStateTracker, new_events: List[Event]
    ) -> bool:
        """True if `tracker` is the one read here, grown by exactly `new_events`, and the
        next read would not start at a new session."""
        return (
            remembered.tracker is tracker
            and len(tracker.events) - len(new_events) == remembered.length
            and not any(isinstance(e, SessionStarted) for e in new_events)
        )

    def _row(self, sender_id: str, data: Dict[str, Any], type_name: str) -> Any:
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=type_name,
            timestamp=data.get("timestamp"),
            intent_name=None,
            action_name=None,
            data=crypto.encrypt(json.dumps(data)),
        )

    def _delete_rows(self, session: Any, sender_id: str) -> int:
        return int(
            session.query(self.SQLEvent)
            .filter(self.SQLEvent.sender_id == sender_id)
            .delete(synchronize_session=False)
        )

    async def _loudly(self, what: str, operation: Any) -> Any:
        try:
            return await operation
        except Exception as error:
            self.last_failure = time.time()
            logger.error(
                "The conversations database failed (%s: %s): Rasa goes on with a "
                "temporary in-memory conversation, so this person's screening may "
                "start over. GET /webhooks/rest/health reports it.",
                what,
                type(error).__name__,
            )
            raise

    def reachable(self) -> bool:
        """True if the events table can be read now."""
        try:
            with self.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1 FROM events LIMIT 1"))
            return True
        except Exception:
            return False
