"""The tracker store keeps recent conversations in memory: what it returns must always
be what the database holds, whoever changed it.

Each case reads a conversation through one store (so that it is in memory), changes
it in another way, and reads it again.
"""

import asyncio
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from addons.stores.tracker_store import ConfiguredSQLTrackerStore

PERSON = "web-7"


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATA_ENCRYPTION_KEY", raising=False)
    address = f"sqlite:///{tmp_path / 'conversations.db'}"
    monkeypatch.setenv("TRACKER_STORE_URL", address)
    return address


def new_store() -> ConfiguredSQLTrackerStore:
    return ConfiguredSQLTrackerStore(domain=Domain.empty())


def said(tracker: DialogueStateTracker, text: str) -> DialogueStateTracker:
    tracker.update(UserUttered(text, {"name": "inform", "confidence": 1.0}))
    tracker.update(BotUttered(f"You said {text}."))
    tracker.update(ActionExecuted("action_listen"))
    return tracker


def read(store: ConfiguredSQLTrackerStore) -> Optional[DialogueStateTracker]:
    return asyncio.run(store.retrieve(PERSON))


def events_of(tracker: Optional[DialogueStateTracker]) -> List[Dict[str, Any]]:
    return [e.as_dict() for e in tracker.events] if tracker else []


def texts_of(tracker: Optional[DialogueStateTracker]) -> List[str]:
    return [str(e.text) for e in tracker.events if isinstance(e, UserUttered)] if tracker else []


def started(store: ConfiguredSQLTrackerStore) -> DialogueStateTracker:
    """A conversation of one turn, saved, then read (so the store holds it in memory)."""
    tracker = DialogueStateTracker(PERSON, [])
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(store.save(said(tracker, "hello")))
    held = read(store)
    assert held is not None
    return held


def test_turns_saved_here_read_back_as_the_database_holds_them(url: str) -> None:
    store = new_store()
    tracker = started(store)
    for text in ("my legs", "a week", "yes"):
        asyncio.run(store.save(said(tracker, text)))
        tracker = read(store)  # type: ignore[assignment]
    assert texts_of(tracker) == ["hello", "my legs", "a week", "yes"]
    assert events_of(tracker) == events_of(read(new_store()))


def test_a_turn_saved_twice_stores_each_event_once(url: str) -> None:
    # Rasa saves after reading the message and again after the bot's actions.
    store = new_store()
    tracker = started(store)
    tracker.update(UserUttered("my legs", {"name": "inform", "confidence": 1.0}))
    asyncio.run(store.save(tracker))
    tracker.update(BotUttered("When do they happen?"))
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(store.save(tracker))
    stored = read(new_store())
    assert texts_of(stored) == ["hello", "my legs"]
    assert events_of(stored) == events_of(tracker)


def test_turns_saved_by_another_server_are_read(url: str) -> None:
    here, there = new_store(), new_store()
    started(here)
    elsewhere = read(there)
    assert elsewhere is not None
    asyncio.run(there.save(said(elsewhere, "my arms")))
    assert texts_of(read(here)) == ["hello", "my arms"]


def test_a_turn_that_was_never_saved_is_not_read(url: str) -> None:
    store = new_store()
    tracker = started(store)
    said(tracker, "this turn failed before it was saved")
    assert texts_of(read(store)) == ["hello"]


def test_a_conversation_deleted_elsewhere_is_gone(url: str) -> None:
    store = new_store()
    started(store)
    with sa.create_engine(url).begin() as connection:
        connection.execute(sa.text("DELETE FROM events"))
    assert read(store) is None


def test_a_new_session_reads_from_its_start(url: str) -> None:
    store = new_store()
    tracker = started(store)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    asyncio.run(store.save(said(tracker, "back again")))
    assert texts_of(read(store)) == ["back again"]
    assert events_of(read(store)) == events_of(read(new_store()))
