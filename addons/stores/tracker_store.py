"""Rasa's SQL tracker store, configured from TRACKER_STORE_URL (see storage/settings.py).

Rasa wraps every tracker store in a FailSafeTrackerStore: when the database
fails, it silently carries on with a fresh in-memory conversation. This store
makes such a failure loud: it logs an error that says the conversation is at
risk (without the conversation's content) and remembers it for the health check
(addons/channels/rest.py: GET /webhooks/rest/health).
"""

import logging
import time
from typing import Any, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from storage.settings import ensure_sqlite_folder, tracker_store_url

logger = logging.getLogger(__name__)


class ConfiguredSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore on tracker_store_url(); endpoints.yml `type` for the tracker store."""

    def __init__(self, domain: Optional[Domain] = None, **kwargs: Any) -> None:
        url = tracker_store_url()
        ensure_sqlite_folder(url)
        kwargs.pop("host", None)
        # A host with "://" is used by SQLTrackerStore as the whole SQLAlchemy URL.
        super().__init__(domain=domain, host=url, **kwargs)
        self.last_failure: Optional[float] = None

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        return await self._loudly("read", super().retrieve(sender_id))

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._loudly("save", super().save(tracker))

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
