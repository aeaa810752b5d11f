"""Two Rasa servers share one PostgreSQL (tracker store) and one Redis (locks), as in
README "Running several servers": one conversation's messages go alternately, and
concurrently, to both, and it stays consistent and in order.

Needs TEST_POSTGRES_URL and TEST_REDIS_URL (scripts/services.sh starts both); fails
under CI=true if they are unreachable, skips otherwise."""

import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import redis
import sqlalchemy as sa
import yaml

from tests.support.content import says
from tests.support.reliability import new_sender, require_service, wait_for
from tests.support.screening_script import SCREENING
from tests.support.servers import ENDPOINTS, Assistant, Servers, free_port, rasa_server

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://screening:screening@127.0.0.1:5432/screening_test"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CONCURRENT_MESSAGES = 12
ROUNDS = 5


def postgres_reachable() -> bool:
    try:
        with sa.create_engine(POSTGRES_URL).connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return True
    except Exception:
        return False


def redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except Exception:
        return False


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test, dropped afterwards."""
    require_service(POSTGRES_URL, "PostgreSQL", postgres_reachable())
    name = f"screening_several_{secrets.token_hex(4)}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield str(sa.engine.make_url(POSTGRES_URL).set(database=name))
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def two_servers(
    tmp_path_factory: pytest.TempPathFactory, database: str
) -> Iterator[List[Assistant]]:
    require_service(REDIS_URL, "Redis", redis_reachable())
    log_dir: Path = tmp_path_factory.mktemp("several-servers")
    # This test's own lock keys (RedisLockStore key_prefix, from endpoints.yml).
    config: Dict[str, Any] = yaml.safe_load(ENDPOINTS.read_text())
    config["lock_store"]["key_prefix"] = f"test{secrets.token_hex(4)}"
    endpoints = log_dir / "endpoints.yml"
    endpoints.write_text(yaml.safe_dump(config))
    env = {"TRACKER_STORE_URL": database, "LOCK_STORE_URL": REDIS_URL}
    token = secrets.token_hex(24)
    first = Servers(
        free_port(),
        free_port(),
        log_dir,
        token=token,
        interface="127.0.0.1",
        env=env,
        endpoints=endpoints,
    )
    second_port = free_port()
    second = rasa_server(
        second_port,
        first.action_url,
        token=token,
        interface="127.0.0.1",
        log_path=log_dir / "second_rasa_server.log",
        env=env,
        endpoints=endpoints,
    )
    first.start()
    try:
        second.start()
        wait_for(second)
        yield [
            Assistant(first.base_url, token),
            Assistant(f"http://localhost:{second_port}", token),
        ]
    finally:
        second.stop()
        first.stop()


def user_texts(tracker: Dict[str, Any]) -> List[str]:
    return [e["text"] for e in tracker["events"] if e["event"] == "user"]


def summary(tracker: Dict[str, Any]) -> List[str]:
    return [
        f"{e['event']}:{e.get('name') or e.get('text') or ''}"[:40]
        for e in tracker["events"]
        if e["event"] in ("user", "action", "session_started")
    ]


def turns_are_whole(tracker: Dict[str, Any]) -> bool:
    """Every user message is answered (bot events) and followed by action_listen
    before the next one: no two turns interleave."""
    listening = True
    for event in tracker["events"]:
        if event["event"] == "user":
            if not listening:
                return False
            listening = False
        elif event["event"] == "action" and event["name"] == "action_listen":
            listening = True
    return listening


def test_a_screening_alternating_between_two_servers(two_servers: List[Assistant]) -> None:
    sender = new_sender()
    for number, (text, expected) in enumerate(SCREENING):
        reply = two_servers[number % 2].texts(sender, text)
        assert expected is None or says(reply, expected), (number, text, reply)
    tracker = two_servers[0].tracker(sender)
    assert user_texts(tracker) == [text for text, _ in SCREENING]
    assert turns_are_whole(tracker)
    assert two_servers[1].tracker(sender)["slots"] == tracker["slots"]


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_concurrent_messages_to_both_servers_are_taken_one_at_a_time(
    two_servers: List[Assistant], round_number: int
) -> None:
    sender = new_sender(f"round{round_number}")
    texts = [f"hello number {n}" for n in range(CONCURRENT_MESSAGES)]
    with ThreadPoolExecutor(CONCURRENT_MESSAGES) as pool:
        replies = list(
            pool.map(lambda n: two_servers[n % 2].say(sender, texts[n]), range(len(texts)))
        )
    assert all(replies), "every message got a reply"
    tracker = two_servers[1].tracker(sender)
    assert sorted(user_texts(tracker)) == sorted(texts), summary(tracker)
    assert turns_are_whole(tracker), summary(tracker)
    bot_messages = [e for e in tracker["events"] if e["event"] == "bot"]
    assert len(bot_messages) == sum(len(reply) for reply in replies)
