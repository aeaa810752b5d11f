"""Privacy of what is stored: keyed SMS ids, encryption at rest (SQLite and PostgreSQL),
key rotation, deletion by conversation, retention, opt-outs and the log filter.

Each test has its own data folder (ASSISTANT_DATA_DIR), so the generated keys are its
own. PostgreSQL: TEST_POSTGRES_URL (scripts/services.sh starts one), skipped without it
unless CI=true.
"""

import asyncio
import json
import logging
import os
import stat
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Restarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.privacy import ActionDeleteMyData
from addons.channels.sms import conversation_id
from addons.stores.tracker_store import ConfiguredSQLTrackerStore
from admissions import keys, retention
from admissions.__main__ import main
from storage import callbacks as store
from storage import conversations, crypto, log_privacy, opt_outs, outbox
from storage.callbacks import CallbackRequest, utc_now
from storage.settings import DEFAULT_RETENTION_DAYS, EMAIL, WEBHOOK
from tests.support.content import slot_defaults
from tests.unit.test_admissions_store import POSTGRES_URL, reachable

NAME = "Marguerite"
PHONE = "+16175550123"
ANSWER = "oxycontin and klonopin"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def own_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(folder))
    for name in ("DATA_ENCRYPTION_KEY", "SENDER_ID_SECRET", "DATA_ENCRYPTION"):
        monkeypatch.delenv(name, raising=False)
    return folder


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'assistant.db'}"
        return
    problem = reachable(POSTGRES_URL)
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at TEST_POSTGRES_URL is unreachable ({problem})")
        pytest.skip(f"PostgreSQL at TEST_POSTGRES_URL is unreachable ({problem})")
    yield POSTGRES_URL


def new_request(conversation: str = "", **changes: Any) -> store.NewRequest:
    fields: Dict[str, Any] = {
        "first_name": NAME,
        "phone": PHONE,
        "best_time": "after 5pm",
        "channel": "sms",
        "conversation_id": conversation or f"test-{uuid.uuid4().hex}",
        "emergency_answer_shown": True,
        "summary": {"opioids": {"names": [ANSWER]}},
    }
    fields.update(changes)
    return store.NewRequest(**fields)


def stored_text(url: str, table: str, where: str = "", **params: Any) -> str:
    """Every value of the table's rows as the database holds them (no decryption)."""
    engine = sa.create_engine(url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text(f"SELECT * FROM {table} {where}"), params).all()
    finally:
        engine.dispose()
    return json.dumps([[str(value) for value in row] for row in rows])


# --- Keyed SMS conversation ids --------------------------------------------------------


def test_the_same_number_with_another_secret_gets_another_id() -> None:
    first = conversation_id(PHONE, b"one secret")
    assert first == conversation_id(PHONE, b"one secret")
    assert first != conversation_id(PHONE, b"another secret")
    assert first != conversation_id("+16175550124", b"one secret")
    assert first.startswith("sms-") and len(first) == 4 + 32


def test_sender_id_secret_keys_the_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SENDER_ID_SECRET", "secret A")
    with_a = conversation_id(PHONE)
    monkeypatch.setenv("SENDER_ID_SECRET", "secret B")
    assert conversation_id(PHONE) != with_a
    assert conversation_id(PHONE) == conversation_id(PHONE, b"secret B")


def test_an_unset_secret_is_generated_once_owner_only_with_a_warning(
    own_keys: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="storage.crypto"):
        first = conversation_id(PHONE)
    secret_file = own_keys / crypto.SENDER_SECRET_FILE
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert "Several servers must share one" in caplog.text
    assert conversation_id(PHONE) == first
    # Another process (the action server, a staff tool) reads the same secret.
    script = "from addons.channels.sms import conversation_id; print(conversation_id('%s'))"
    other = subprocess.run(
        [sys.executable, "-c", script % PHONE], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ}, check=True,
    )  # fmt: skip
    assert other.stdout.strip() == first


def test_processes_starting_together_generate_one_key(own_keys: Path) -> None:
    script = "from storage import crypto; print(crypto.encryption_keys()[0])"
    started = [
        subprocess.Popen(
            [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    found = {process.communicate()[0].strip() for process in started}
    assert len(found) == 1
    assert stat.S_IMODE((own_keys / crypto.ENCRYPTION_KEY_FILE).stat().st_mode) == 0o600


# --- Callback requests encrypted at rest ----------------------------------------------


def test_callback_fields_are_encrypted_in_the_database_and_read_back(url: str) -> None:
    request_id = store.save(new_request(), url, channels=[EMAIL])
    raw = stored_text(url, "callback_requests", "WHERE id = :id", id=request_id)
    for secret in (NAME, PHONE, "6175550123", ANSWER, "after 5pm"):
        assert secret not in raw
    got = store.get(request_id, url)
    assert got is not None
    assert (got["first_name"], got["phone"], got["best_time"]) == (NAME, PHONE, "after 5pm")
    assert got["summary"] == {"opioids": {"names": [ANSWER]}}
    assert got["emergency_answer_shown"] is True


def test_the_sqlite_file_holds_no_personal_bytes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'assistant.db'}"
    store.save(new_request(), url, channels=[EMAIL, WEBHOOK])
    opt_outs_url = url  # opt-outs live in the same database
    os.environ["DATABASE_URL"] = opt_outs_url
    try:
        opt_outs.opt_out(PHONE)
    finally:
        del os.environ["DATABASE_URL"]
    store._engine(url).dispose()
    data = (tmp_path / "assistant.db").read_bytes()
    for secret in (NAME, PHONE, "6175550123", ANSWER):
        assert secret.encode() not in data


def test_the_staff_tool_lists_and_shows_decrypted(url: str, capsys: Any) -> None:
    request_id = store.save(new_request(), url, channels=[])
    assert main(["--database-url", url, "list"]) == 0
    assert NAME in capsys.readouterr().out
    assert main(["--database-url", url, "show", str(request_id)]) == 0
    shown = capsys.readouterr().out
    assert PHONE in shown and ANSWER in shown


def test_rows_stored_before_encryption_are_read_then_encrypted_by_rotation(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'assistant.db'}"
    store._engine(url)
    with sa.create_engine(url).begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO callback_requests (created_at, status, first_name, phone, best_time,"
                " channel, conversation_id, emergency_answer_shown, summary) VALUES (:at, 'new',"
                " :name, :phone, 'evening', 'rest', 'old-one', 0, :summary)"
            ),
            {"at": utc_now(), "name": NAME, "phone": PHONE, "summary": json.dumps({"a": ANSWER})},
        )
    [old] = store.find(url)
    assert (old["first_name"], old["summary"]) == (NAME, {"a": ANSWER})
    keys.rotate(url, f"sqlite:///{tmp_path / 'none.db'}")
    assert NAME not in stored_text(url, "callback_requests")
    assert store.get(old["id"], url) == old


# --- Key rotation ------------------------------------------------------------------------


def tracker_with(sender: str, text: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, [])
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered(text, {"name": "inform", "confidence": 1.0}))
    tracker.update(BotUttered("Thanks."))
    return tracker


def events_store(url: str, monkeypatch: pytest.MonkeyPatch) -> ConfiguredSQLTrackerStore:
    monkeypatch.setenv("TRACKER_STORE_URL", url)
    return ConfiguredSQLTrackerStore(domain=Domain.empty())


def test_key_rotation_round_trips_requests_and_events(
    tmp_path: Path, own_keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    url = f"sqlite:///{tmp_path / 'assistant.db'}"
    tracker_url = f"sqlite:///{tmp_path / 'conversations.db'}"
    request_id = store.save(new_request(), url, channels=[])
    events = events_store(tracker_url, monkeypatch)
    asyncio.run(events.save(tracker_with("web-1", f"call me at {PHONE}")))
    old_key = crypto.encryption_keys()
    before = stored_text(url, "callback_requests"), stored_text(tracker_url, "events")

    assert main(["--database-url", url, "rotate-key", "--tracker-url", tracker_url]) == 0
    assert "Re-encrypted 1 callback request(s)" in capsys.readouterr().out

    new_key = crypto.encryption_keys()
    assert len(new_key) == 1 and new_key != old_key
    after = stored_text(url, "callback_requests"), stored_text(tracker_url, "events")
    assert after[0] != before[0] and after[1] != before[1]
    assert store.get(request_id, url)["phone"] == PHONE  # type: ignore[index]
    tracker = asyncio.run(events.retrieve("web-1"))
    assert tracker is not None and tracker.latest_message.text == f"call me at {PHONE}"
    # The old key alone opens nothing any more.
    monkeypatch.setenv("DATA_ENCRYPTION_KEY", old_key[0])
    assert store.get(request_id, url)["phone"] == store.UNREADABLE  # type: ignore[index]


def test_rotation_with_environment_keys_encrypts_with_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'assistant.db'}"
    old, new = crypto.new_key(), crypto.new_key()
    monkeypatch.setenv("DATA_ENCRYPTION_KEY", old)
    request_id = store.save(new_request(), url, channels=[])
    monkeypatch.setenv("DATA_ENCRYPTION_KEY", f"{new},{old}")
    rotated = keys.rotate(url, f"sqlite:///{tmp_path / 'none.db'}")
    assert rotated.callback_requests == 1 and not rotated.key_file_updated
    monkeypatch.setenv("DATA_ENCRYPTION_KEY", new)
    assert store.get(request_id, url)["first_name"] == NAME  # type: ignore[index]


def test_a_wrong_key_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATA_ENCRYPTION_KEY", "not-a-key")
    with pytest.raises(crypto.KeySettingError):
        crypto.encrypt("x")


# --- Deleting one conversation, retention ------------------------------------------------


def notifications_of(url: str, request_id: int) -> List[str]:
    return [d.status for d in outbox.deliveries(url).get(request_id, [])]


def test_deleting_a_conversation_removes_its_requests_and_notices_only(url: str) -> None:
    mine, bystander = f"sms-{uuid.uuid4().hex}", f"sms-{uuid.uuid4().hex}"
    first = store.save(new_request(mine), url, channels=[EMAIL, WEBHOOK])
    second = store.save(new_request(mine), url, channels=[EMAIL])
    kept = store.save(new_request(bystander), url, channels=[EMAIL, WEBHOOK])
    claim = outbox.claim_next(EMAIL, "test", 60, url)
    while claim is not None and claim.callback_request_id != first:
        claim = outbox.claim_next(EMAIL, "test", 60, url)
    assert claim is not None
    outbox.mark_sent(claim, url)

    erased = store.delete_for_conversation(mine, url)

    assert erased == store.Erased(requests=2, notices_sent=1, notices_pending=2)
    assert store.get(first, url) is None and store.get(second, url) is None
    assert notifications_of(url, first) == [] and notifications_of(url, second) == []
    assert store.get(kept, url) is not None
    assert len(notifications_of(url, kept)) == 2


def test_retention_still_purges_encrypted_requests(url: str) -> None:
    old = store.save(new_request(), url, channels=[EMAIL])
    new = store.save(new_request(), url, channels=[EMAIL])
    with sa.create_engine(url).begin() as connection:
        connection.execute(
            CallbackRequest.__table__.update()
            .where(CallbackRequest.id == old)
            .values(created_at=utc_now() - timedelta(days=31))
        )
    assert store.delete_older_than(30, url) >= 1
    assert store.get(old, url) is None and store.get(new, url) is not None


# --- Conversation events: encrypted, deleted on request ----------------------------------


def test_events_are_encrypted_and_intent_names_are_not_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tracker_url = f"sqlite:///{tmp_path / 'conversations.db'}"
    events = events_store(tracker_url, monkeypatch)
    asyncio.run(events.save(tracker_with("web-1", f"I'm {NAME}, {PHONE}, {ANSWER}")))
    events.engine.dispose()
    data = (tmp_path / "conversations.db").read_bytes()
    for secret in (NAME, PHONE, ANSWER, "inform"):
        assert secret.encode() not in data
    tracker = asyncio.run(events.retrieve("web-1"))
    assert tracker is not None and NAME in str(tracker.latest_message.text)


def test_a_finished_delete_request_deletes_that_conversation_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tracker_url = f"sqlite:///{tmp_path / 'conversations.db'}"
    events = events_store(tracker_url, monkeypatch)
    asyncio.run(events.save(tracker_with("bystander", "my legs twitch")))
    tracker = tracker_with("me", f"my number is {PHONE}")
    asyncio.run(events.save(tracker))
    tracker.update(UserUttered("yes", {"name": "affirm", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_delete_my_data"))
    tracker.update(BotUttered("Done. I deleted this conversation."))
    tracker.update(Restarted())
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(events.save(tracker))

    assert conversations.count_events("me", tracker_url) == 0
    assert asyncio.run(events.retrieve("me")) is None
    assert conversations.count_events("bystander", tracker_url) == 3


def test_a_restart_without_the_delete_action_deletes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tracker_url = f"sqlite:///{tmp_path / 'conversations.db'}"
    events = events_store(tracker_url, monkeypatch)
    tracker = tracker_with("me", "start over")
    tracker.update(ActionExecuted("action_restart"))
    tracker.update(Restarted())
    asyncio.run(events.save(tracker))
    assert conversations.count_events("me", tracker_url) == 5


def test_retention_purges_encrypted_events(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tracker_url = f"sqlite:///{tmp_path / 'conversations.db'}"
    events = events_store(tracker_url, monkeypatch)
    asyncio.run(events.save(tracker_with("old", "hello")))
    with events.engine.begin() as connection:
        connection.execute(sa.text("UPDATE events SET timestamp = timestamp - 40 * 86400"))
    asyncio.run(events.save(tracker_with("new", "hello")))
    assert retention.delete_old_events(30, tracker_url) == 3
    assert conversations.count_events("new", tracker_url) == 3
    assert events.reachable()  # the health check


# --- SMS opt-outs --------------------------------------------------------------------------


def test_opt_outs_keep_a_keyed_id_not_the_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'assistant.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert opt_outs.opt_out(PHONE) and opt_outs.is_opted_out(PHONE)
    assert not opt_outs.opt_out(PHONE)
    assert PHONE not in stored_text(url, "sms_opt_outs")
    assert opt_outs.opt_in(PHONE) and not opt_outs.is_opted_out(PHONE)


def test_an_opt_out_stored_before_keyed_ids_is_honoured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'assistant.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    opt_outs.is_opted_out(PHONE)  # creates the table
    with sa.create_engine(url).begin() as connection:
        connection.execute(
            sa.text("INSERT INTO sms_opt_outs VALUES (:number, :at)"),
            {"number": PHONE, "at": utc_now()},
        )
    assert opt_outs.is_opted_out(PHONE)
    assert opt_outs.opt_in(PHONE) and not opt_outs.is_opted_out(PHONE)


# --- Logs ------------------------------------------------------------------------------------


def record(name: str, level: int, message: str, *args: Any) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, message, args, None)


def test_other_libraries_debug_lines_are_dropped_and_numbers_masked() -> None:
    assert not log_privacy.private(record("rasa.core.processor", logging.DEBUG, "said %s", NAME))
    assert not log_privacy.private(record("rasa_sdk.forms", logging.DEBUG, ANSWER))
    kept = record("sanic.error", logging.WARNING, "bad request from %s", "617-555-0123")
    assert log_privacy.private(kept)
    assert "555" not in kept.getMessage() and log_privacy.MASK in kept.getMessage()
    assert log_privacy.private(record("storage.outbox", logging.DEBUG, "request #12"))


def test_the_filter_applies_to_every_handler(capsys: Any) -> None:
    original = logging.Handler.handle
    handler = logging.StreamHandler(sys.stdout)
    library = logging.getLogger("some_library.module")
    library.addHandler(handler)
    library.setLevel(logging.DEBUG)
    try:
        log_privacy.install()
        library.debug("the person said %s", NAME)
        library.info("call %s", PHONE)
    finally:
        logging.Handler.handle = original  # type: ignore[method-assign]
        library.removeHandler(handler)
    out = capsys.readouterr().out
    assert NAME not in out and PHONE not in out and log_privacy.MASK in out


# --- Wording -------------------------------------------------------------------------------


def test_the_retention_slot_says_the_default_retention_setting() -> None:
    assert slot_defaults()["retention_days"] == str(DEFAULT_RETENTION_DAYS)


def test_a_postgresql_table_from_before_encryption_is_widened_and_keeps_its_rows() -> None:
    problem = reachable(POSTGRES_URL)
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at TEST_POSTGRES_URL is unreachable ({problem})")
        pytest.skip(f"PostgreSQL at TEST_POSTGRES_URL is unreachable ({problem})")
    schema = f"before_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(POSTGRES_URL, future=True)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
        connection.execute(
            sa.text(
                f"CREATE TABLE {schema}.callback_requests (id SERIAL PRIMARY KEY,"
                " created_at TIMESTAMP NOT NULL, status VARCHAR(16) NOT NULL,"
                " contacted_at TIMESTAMP, first_name VARCHAR(80) NOT NULL,"
                " phone VARCHAR(20) NOT NULL, best_time VARCHAR(120) NOT NULL,"
                " channel VARCHAR(32) NOT NULL, conversation_id VARCHAR(255) NOT NULL,"
                " emergency_answer_shown BOOLEAN NOT NULL, summary JSON NOT NULL)"
            )
        )
        connection.execute(
            sa.text(
                f"INSERT INTO {schema}.callback_requests (created_at, status, first_name, phone,"
                " best_time, channel, conversation_id, emergency_answer_shown, summary)"
                " VALUES (now(), 'new', :name, :phone, 'noon', 'rest', 'old', false, :summary)"
            ),
            {"name": NAME, "phone": PHONE, "summary": json.dumps({"a": ANSWER})},
        )
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    try:
        new_id = store.save(new_request(), url, channels=[])
        found = {r["id"]: r for r in store.find(url)}
        assert found[new_id]["phone"] == PHONE
        assert [r["summary"] for r in found.values() if r["conversation_id"] == "old"] == [
            {"a": ANSWER}
        ]
        assert NAME not in stored_text(url, "callback_requests", "WHERE id = :id", id=new_id)
    finally:
        store._engine(url).dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


# --- The delete action ---------------------------------------------------------------------


def sms_tracker(sender: str, request: str, number: str) -> Tracker:
    metadata = {"sms_sender_number": crypto.encrypt(number)}
    asked = {"intent": {"name": "delete_my_data"}, "metadata": metadata}
    yes = {"intent": {"name": "affirm"}, "metadata": metadata, "text": "yes"}
    events = [
        {"event": "user", "text": request, "parse_data": asked, "input_channel": "sms"},
        {"event": "bot", "metadata": {"utter_action": "utter_ask_delete_data"}},
        {"event": "user", "text": "yes", "parse_data": yes, "input_channel": "sms"},
    ]
    return Tracker(sender, {}, {**yes, "metadata": metadata}, events, False, None, {}, None)


def deleted(tracker: Tracker) -> Tuple[List[str], List[Dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionDeleteMyData().run(dispatcher, tracker, {}))
    return [m["response"] for m in dispatcher.messages], events


@pytest.mark.parametrize(
    "request_text, forgets",
    [("delete my data and forget i opted out", True), ("delete my data", False)],
)
def test_on_sms_the_opt_out_is_forgotten_only_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request_text: str, forgets: bool
) -> None:
    url = f"sqlite:///{tmp_path / 'assistant.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    sender = conversation_id(PHONE)
    store.save(new_request(sender), url, channels=[EMAIL])
    opt_outs.opt_out(PHONE)  # an opt-out from before (the number texted START since)

    said, events = deleted(sms_tracker(sender, request_text, PHONE))

    assert said[:2] == ["utter_data_deleted", "utter_data_deleted_callback"]
    assert ("utter_data_deleted_opt_out" in said) is forgets
    assert opt_outs.is_opted_out(PHONE) is not forgets
    assert store.find(url) == []
    assert [e["event"] for e in events] == ["restart", "followup"]


def test_a_database_failure_deletes_nothing_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "delete_for_conversation", broken_database)
    said, events = deleted(sms_tracker("sms-x", "forget me", PHONE))
    assert said == ["utter_data_delete_failed"] and events == []


def broken_database(*_: Any) -> store.Erased:
    raise sa.exc.OperationalError("DELETE", {}, Exception("database is locked"))
