"""The action server stops or hangs mid-screening: every message still gets a reply,
with the admissions number, within 10 seconds (addons/patches/), and the screening
carries on from the same question once the action server is back."""

import time
from pathlib import Path
from typing import Iterator

import pytest

from tests.support.content import says, slot_defaults
from tests.support.reliability import (
    client,
    new_sender,
    pause,
    restart,
    resume,
    running,
    sqlite_env,
    started,
)
from tests.support.servers import Assistant, Servers

PHONE = slot_defaults()["admissions_phone"]
MAX_WAIT_SECONDS = 10.0


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    log_dir: Path = tmp_path_factory.mktemp("action-failures")
    yield from running(started(log_dir, env=sqlite_env(log_dir)))


def up_to_the_location_question(rest: Assistant, sender: str) -> None:
    rest.texts(sender, "hi")
    assert says(rest.texts(sender, "yes"), "utter_ask_twitching")
    assert says(rest.texts(sender, "yeah"), "utter_ask_twitch_location")


def test_action_server_down_every_message_gets_the_admissions_number(servers: Servers) -> None:
    rest, sender = client(servers), new_sender()
    up_to_the_location_question(rest, sender)
    servers.action.stop()
    try:
        for text in ("my legs mostly", "legs", "what is this", "hello?", "i need help"):
            reply = rest.texts(sender, text)
            assert PHONE in reply, (text, reply)
        for answer in ("my legs mostly", "legs"):
            assert says(rest.texts(sender, answer), "utter_action_failed")
    finally:
        restart(servers.action)
    # Back up: the same question takes the answer and the screening goes on.
    assert says(rest.texts(sender, "my legs mostly"), "utter_ask_twitch_timing")


def test_emergency_answer_needs_no_action_server(servers: Servers) -> None:
    rest, sender = client(servers), new_sender()
    up_to_the_location_question(rest, sender)
    servers.action.stop()
    try:
        reply = rest.texts(sender, "my friend overdosed and wont wake up")
        first_message = reply.split("\n")[0]
        assert says(first_message, "utter_emergency_overdose"), reply
        assert "911" in first_message
    finally:
        restart(servers.action)


def test_hung_action_server_reply_within_ten_seconds(servers: Servers) -> None:
    rest, sender = client(servers), new_sender()
    up_to_the_location_question(rest, sender)
    pause(servers.action)
    try:
        sent = time.monotonic()
        reply = rest.texts(sender, "my legs mostly")
        waited = time.monotonic() - sent
    finally:
        resume(servers.action)
    assert waited < MAX_WAIT_SECONDS, f"waited {waited:.1f} s"
    assert says(reply, "utter_action_failed"), reply
    assert PHONE in reply
    assert says(rest.texts(sender, "my legs mostly"), "utter_ask_twitch_timing")
