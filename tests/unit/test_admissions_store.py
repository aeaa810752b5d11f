"""Callback requests in a real database (SQLite and PostgreSQL), through the staff's tool.

PostgreSQL: TEST_POSTGRES_URL (scripts/services.sh starts one). With CI=true an
unreachable server fails the tests; elsewhere they are skipped with the reason.
"""

import csv
import io
import json
import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import sqlalchemy as sa

from admissions import retention
from admissions.__main__ import main
from storage import callbacks as store
from storage import database, opt_outs  # noqa: F401  (its table is created too)
from storage.callbacks import CallbackRequest, utc_now

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://screening:screening@127.0.0.1:5432/screening_test"
)


def reachable(url: str) -> str:
    """'' if the database answers, else why not."""
    engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return ""
    except sa.exc.OperationalError as error:
        return str(error.orig).strip().splitlines()[0]
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'assistant.db'}"
        return
    problem = reachable(POSTGRES_URL)
    if problem:
        message = (
            f"PostgreSQL at TEST_POSTGRES_URL is unreachable ({problem}); run scripts/services.sh"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    yield POSTGRES_URL


def new_request(**changes: Any) -> store.NewRequest:
    """A request with a conversation id no other test run uses."""
    fields: Dict[str, Any] = {
        "first_name": "Sam",
        "phone": "+16175550123",
        "best_time": "after 5pm",
        "channel": "sms",
        "conversation_id": f"test-{uuid.uuid4().hex}",
        "emergency_answer_shown": False,
        "summary": {"twitching": {"where": ["legs"]}, "opioids_and_benzodiazepines_together": "no"},
    }
    fields.update(changes)
    return store.NewRequest(**fields)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def exported(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> List[Dict[str, Any]]:
    found: List[Dict[str, Any]] = json.loads(
        run(capsys, "--database-url", url, "export", "--format", "json", *args)
    )
    return found


def backdate(url: str, request_id: int, days: int) -> None:
    with database.engine(url).begin() as connection:
        connection.execute(
            sa.update(CallbackRequest.__table__)
            .where(CallbackRequest.id == request_id)
            .values(created_at=utc_now() - timedelta(days=days))
        )


def test_a_request_is_written_and_read_back_through_the_export(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    request = new_request(emergency_answer_shown=True)
    request_id = store.save(request, url)
    [row] = [r for r in exported(capsys, url) if r["id"] == request_id]
    assert row["first_name"] == "Sam"
    assert row["phone"] == "+16175550123"
    assert row["best_time"] == "after 5pm"
    assert row["channel"] == "sms"
    assert row["conversation_id"] == request.conversation_id
    assert row["emergency_answer_shown"] is True
    assert row["status"] == "new" and row["contacted_at"] is None
    assert row["summary"] == request.summary
    created = datetime.fromisoformat(row["created_at"].rstrip("Z"))
    assert abs((created - utc_now()).total_seconds()) < 60

    rows = list(csv.DictReader(io.StringIO(run(capsys, "--database-url", url, "export"))))
    [line] = [r for r in rows if r["id"] == str(request_id)]
    assert line["phone"] == "+16175550123"
    assert line["summary.twitching.where"] == "legs"
    assert line["summary.opioids_and_benzodiazepines_together"] == "no"


def test_list_shows_new_requests_until_marked_contacted(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    name = f"Tester{uuid.uuid4().hex[:6]}"
    request_id = store.save(new_request(first_name=name, emergency_answer_shown=True), url)
    listed = run(capsys, "--database-url", url, "list")
    [line] = [ln for ln in listed.splitlines() if name in ln]
    assert line.startswith(f"#{request_id} ") and "+16175550123" in line
    assert "EMERGENCY ANSWER SHOWN" in line

    assert "marked as contacted" in run(capsys, "--database-url", url, "contacted", str(request_id))
    assert name not in run(capsys, "--database-url", url, "list")
    assert name in run(capsys, "--database-url", url, "list", "--all")
    [row] = [r for r in exported(capsys, url, "--status", "contacted") if r["id"] == request_id]
    assert row["contacted_at"] is not None


def test_marking_an_unknown_request_says_so(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    store.find(url)  # creates the table
    assert main(["--database-url", url, "contacted", "987654321"]) == 1
    assert "No callback request #987654321" in capsys.readouterr().err


def test_export_takes_a_date_range(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    old_id = store.save(new_request(), url)
    backdate(url, old_id, days=10)
    new_id = store.save(new_request(), url)
    today = utc_now().date()
    since = (today - timedelta(days=1)).isoformat()
    until = (today + timedelta(days=1)).isoformat()
    ids = [r["id"] for r in exported(capsys, url, "--since", since, "--until", until)]
    assert new_id in ids and old_id not in ids
    week_ago = (today - timedelta(days=12)).isoformat()
    ids = [r["id"] for r in exported(capsys, url, "--since", week_ago, "--until", since)]
    assert old_id in ids and new_id not in ids


def test_purge_deletes_requests_older_than_the_retention_period(
    url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{tmp_path / 'no-tracker.db'}")
    old_id = store.save(new_request(), url)
    backdate(url, old_id, days=31)
    kept_id = store.save(new_request(), url)
    backdate(url, kept_id, days=29)
    output = run(capsys, "--database-url", url, "purge", "--days", "30")
    assert "Deleted" in output
    ids = [r["id"] for r in store.find(url)]
    assert old_id not in ids and kept_id in ids


# --- Conversation events in Rasa's SQL tracker store ----------------------


def rasa_events_table(path: Path) -> str:
    """A SQLite tracker database made by Rasa's own SQLTrackerStore."""
    from rasa.core.tracker_store import SQLTrackerStore

    SQLTrackerStore(dialect="sqlite", db=str(path))
    return f"sqlite:///{path}"


def add_event(url: str, sender: str, age_days: float) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO events (sender_id, type_name, timestamp, data) "
                "VALUES (:sender, 'user', :timestamp, '{}')"
            ),
            {"sender": sender, "timestamp": time.time() - age_days * 86400},
        )
    engine.dispose()


def senders(url: str) -> List[str]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found = [row[0] for row in connection.execute(sa.text("SELECT sender_id FROM events"))]
    engine.dispose()
    return found


def test_purge_deletes_old_conversation_events(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tracker_url = rasa_events_table(tmp_path / "rasa.db")
    add_event(tracker_url, "old", age_days=45)
    add_event(tracker_url, "recent", age_days=2)
    database_url = f"sqlite:///{tmp_path / 'assistant.db'}"
    output = run(capsys, "--database-url", database_url, "purge", "--tracker-url", tracker_url)
    assert "Deleted 1 conversation event(s) older than 30 days." in output
    assert senders(tracker_url) == ["recent"]


def test_the_tracker_database_is_the_one_the_rasa_server_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tracker_url = rasa_events_table(tmp_path / "conversations.db")
    add_event(tracker_url, "old", age_days=45)
    monkeypatch.setenv("TRACKER_STORE_URL", tracker_url)
    output = run(capsys, "--database-url", f"sqlite:///{tmp_path / 'a.db'}", "purge")
    assert "Deleted 1 conversation event(s) older than 30 days." in output


def test_without_an_events_table_nothing_is_deleted(tmp_path: Path) -> None:
    assert retention.delete_old_events(30, f"sqlite:///{tmp_path / 'empty.db'}") is None


def test_retention_of_less_than_a_day_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["purge", "--days", "0"]) == 2
    assert "at least 1" in capsys.readouterr().err


def test_the_first_requests_create_the_tables_once_even_together(tmp_path: Path) -> None:
    # SMS turns reach the database on worker threads; the first ones arrive together.
    url = f"sqlite:///{tmp_path / 'together.db'}"
    start = threading.Barrier(12)

    def first_use(_: int) -> None:
        start.wait()
        with database.engine(url).connect() as connection:
            connection.execute(sa.text("SELECT count(*) FROM sms_opt_outs"))

    with ThreadPoolExecutor(12) as pool:
        list(pool.map(first_use, range(12)))
