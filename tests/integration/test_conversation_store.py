"""Conversations live in the SQL tracker store (addons/stores/): they survive a
restart of the Rasa server, and a database that goes away is logged and reported by
GET /webhooks/rest/health instead of passing silently."""

from pathlib import Path
from typing import Iterator, Tuple

import pytest
import requests

from addons.stores.lock_store import redis_client
from storage.settings import DEFAULT_TRACKER_STORE_URL, tracker_store_url
from tests.support.content import says
from tests.support.reliability import client, health, new_sender, restart, running, started
from tests.support.servers import Servers


@pytest.fixture(scope="module")
def servers_and_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[Servers, Path]]:
    log_dir = tmp_path_factory.mktemp("conversation-store")
    db_dir = log_dir / "db"
    db_dir.mkdir()
    env = {"TRACKER_STORE_URL": f"sqlite:///{db_dir / 'conversations.db'}"}
    for servers in running(started(log_dir, env=env)):
        yield servers, db_dir


def test_a_screening_carries_on_after_the_rasa_server_restarts(servers_and_db) -> None:
    servers, db_dir = servers_and_db
    rest, sender = client(servers), new_sender()
    rest.texts(sender, "hi")
    rest.texts(sender, "yes")
    assert says(rest.texts(sender, "yeah"), "utter_ask_twitch_location")
    assert (db_dir / "conversations.db").stat().st_size > 0

    restart(servers.rasa)

    assert says(rest.texts(sender, "my legs mostly"), "utter_ask_twitch_timing")


def test_a_lost_database_is_logged_and_reported_by_the_health_check(servers_and_db) -> None:
    servers, db_dir = servers_and_db
    rest, sender = client(servers), new_sender()
    assert health(servers.base_url).json() == {"status": "ok", "tracker_store": "ok"}
    assert rest.texts(sender, "hi")

    # The database goes away: its directory is replaced by a file.
    moved = db_dir.with_name("db-moved")
    db_dir.rename(moved)
    db_dir.write_text("not a directory")
    try:
        reply = rest.texts(sender, "yes")
        assert reply, "Rasa still answers, from a temporary in-memory conversation"
        report = health(servers.base_url)
        assert report.status_code == 503
        assert report.json() == {"status": "degraded", "tracker_store": "unreachable"}
        log = servers.rasa.log_path.read_text(errors="replace")  # type: ignore[union-attr]
        assert "The conversations database failed" in log
    finally:
        db_dir.unlink()
        moved.rename(db_dir)
    assert health(servers.base_url).status_code == 200


def test_tracker_store_url_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert tracker_store_url() == DEFAULT_TRACKER_STORE_URL
    monkeypatch.setenv("DATABASE_URL", "postgresql://a:b@db/app")
    assert tracker_store_url() == "postgresql://a:b@db/app"
    monkeypatch.setenv("TRACKER_STORE_URL", "postgresql://a:b@db/conversations")
    assert tracker_store_url() == "postgresql://a:b@db/conversations"


def test_the_lock_store_client_from_a_url() -> None:
    settings = redis_client(
        "redis://:s%40cret@cache.internal:6380/2"
    ).connection_pool.connection_kwargs
    assert (settings["host"], settings["port"], settings["db"]) == ("cache.internal", 6380, 2)
    assert settings["password"] == "s@cret"
    assert redis_client("rediss://cache").connection_pool.connection_kwargs["db"] == 1
    with pytest.raises(ValueError):
        redis_client("http://cache")


def test_without_a_token_the_http_api_is_off(servers_and_db) -> None:
    servers, _db_dir = servers_and_db
    for method, path in (("GET", "/conversations/someone/tracker"), ("POST", "/model/parse")):
        response = requests.request(
            method, servers.base_url + path, json={"text": "hi"}, timeout=30
        )
        assert response.status_code == 404, (path, response.status_code)
